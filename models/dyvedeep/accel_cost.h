// The accelerator cost of a knob setting, priced on accel_sim without
// changing it: simulate the plain network (SimulateAnalytical), then, per
// conv/fc layer with executed fraction f = executed MACs / total MACs,
//   energy'  = energy - (1 - f) x NFU energy
//   time'    = max(time - (1 - f) x compute time, DRAM busy time)
// Every other component is kept as simulated: DyVEDeep's skipping saves
// arithmetic, not traffic. The tile still streams every weight of the layer
// through Sb (which weights a neuron skips is only known at run time), reads
// its inputs through Bin and writes every output through Bout, and DRAM moves
// the same bytes. The control logic's energy (charged per busy cycle) is also
// kept, though a shorter layer would spend fewer cycles: conservative. The time
// estimate assumes the tile could issue only the executed MACs, at the same
// lane utilisation, and no sooner than its DRAM transfers finish.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "accel_sim/sim_result.h"

namespace rcdnn::models::dyvedeep {

struct LayerCost {
  std::string layer;
  double executed_fraction = 1;  // executed / total MACs
  double energy_pj = 0;          // per image, as simulated
  double nfu_pj = 0;             // per image, as simulated
  double knobbed_energy_pj = 0;  // per image
  double time_ns = 0;            // per image, as simulated
  double knobbed_time_ns = 0;    // per image, estimate
};

struct KnobbedAccelCost {
  std::vector<LayerCost> layers;   // every row of the simulation (pooling and ReLU keep f = 1)
  double energy_pj_per_image = 0;  // plain network, simulated
  double knobbed_energy_pj_per_image = 0;
  double time_ns_per_image = 0;
  double knobbed_time_ns_per_image = 0;
};

// `sim`: a simulation of the network at the widths the knobs ran at.
// `executed_fraction`: layer name -> executed / total MACs; every named layer
// must be a conv or fc row of `sim` and every fraction in [0, 1] (throws
// rcdnn::Error naming the layer). Layers not named keep f = 1.
KnobbedAccelCost PriceKnobbedRun(const accel::SimResult& sim, const std::map<std::string, double>& executed_fraction);

}  // namespace rcdnn::models::dyvedeep
