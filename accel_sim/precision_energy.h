// Precision-dependent energy of the tile: the word-width tile's counters
// (SimulateAnalytical) priced at the bits each layer actually computes with,
// stores and moves (a per-layer Precision, simulator.h), for multi-precision
// searches (models/precision).
//
// The tile, its mapping, its cycles and its counters are those of the tech's
// word width: a narrower value still occupies one word slot of Sb / Bin /
// Bout, so tile sizes and buffer capacities do not change. Only the price of
// each action scales (W = tech.word_bits, the reference width whose prices
// energy.cc derives; w, a_in, a_out = the layer's weight, input and output
// bits):
//
//   NFU-1 multiply                 x (w * a_in) / W^2   array multiplier: partial-product
//                                                      cells grow with the product of the
//                                                      operand widths (Horowitz ISSCC 2014:
//                                                      8-bit int mult 0.2 pJ vs 32-bit 3.1 pJ,
//                                                      15.5x for (32/8)^2 = 16x)
//   NFU-2 tree add, accumulate     x (w + a_in) / 2W    adders as wide as the exact product
//     (conv / fc)                                      they sum (the bit-accurate model's
//                                                      accumulator holds w + a fraction bits;
//                                                      the reference tile's 2W = 64); ripple /
//                                                      prefix adders are linear in width
//                                                      (Horowitz: 8-bit add 0.03 pJ vs 32-bit
//                                                      0.1 pJ, 3.3x for 4x the bits)
//   NFU-2 pooling add / compare    x a_in / W           operands are activations
//   NFU-3 (ReLU, average scaling)  x a_out / W          one result per output value
//   Sb access                      x w / W              an access switches the bit columns it
//   Bin access                     x a_in / W           reads or writes: SRAM dynamic energy per
//   Bout access                    x a_out / W          bit moved is about constant for a given
//                                                      array (Horowitz: 64-bit read of an 8 KB
//                                                      SRAM 10 pJ, i.e. per bit); periphery /
//                                                      decoder energy is NOT kept fixed: this is
//                                                      an optimistic bound for narrow values
//   DRAM                           packed bits          values are packed bit-densely in DRAM
//                                                      (two 16-bit or four 8-bit values per
//                                                      32-bit word): a transfer of n values of
//                                                      b bits moves ceil(n * b / 8) bytes,
//                                                      rounded up to whole bursts; energy per
//                                                      byte as in the tech file (70 pJ/bit)
//   control logic, margin controller  unchanged      per cycle / per activation; cycles do
//                                                      not change
//
// Bout's partial sums (split reductions) are charged at the output width as
// the word-width model charges them one word (README, fidelity 8).
// Cross-check with the paper's own numbers (Table 1): the <32,16> tile priced
// at uniform <16,10> against fixed16_10.tech's separately synthesised tile is
// in precision_energy_test.
//
// At the reference precision (every format W bits) every factor is 1 and the
// DRAM bytes are those the simulator counted, so Price() reproduces
// SimulateAnalytical's energy (to floating-point rounding of the sums).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel_sim/energy.h"
#include "accel_sim/sim_result.h"
#include "accel_sim/simulator.h"
#include "accel_sim/tech_config.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::accel {

// The energy of one conv / fc / pooling layer at its formats.
struct LayerPrecisionEnergy {
  std::string layer;
  std::string kind;  // conv, fc, maxpool, avgpool
  int weight_bits = 0;  // 0 for pooling
  int input_bits = 0, output_bits = 0;
  int64_t dram_bytes = 0;  // packed, burst granular
  EnergyBreakdown energy;
};

// Whole run (options.num_images images); PerImage helpers divide.
struct PrecisionEnergy {
  int num_images = 1;
  std::vector<LayerPrecisionEnergy> layers;  // conv / fc / pooling, spec order (ReLUs are fused)
  EnergyBreakdown margin_controller;
  EnergyBreakdown total;
  int64_t dram_bytes = 0;
  double TotalPjPerImage() const { return total.TotalPj() / num_images; }
  double TotalUjPerImage() const { return TotalPjPerImage() * 1e-6; }
};

// Simulates the network once at the word width (SimulateAnalytical) and
// collects, per layer, the counters and the DRAM transfers (values per
// transfer, by kind: weights, inputs, outputs). Price() is then arithmetic
// only, cheap enough to call for every candidate of a search.
class PrecisionPricer {
 public:
  // Throws rcdnn::Error for a float tech (its datapath has no per-layer
  // formats) or when the network cannot be mapped.
  PrecisionPricer(const models::NetSpec& spec, const models::Widths& widths, const TechConfig& tech,
                  const SimOptions& options = {});

  // Throws rcdnn::Error (ValidatePrecision) for a wrong length or a format
  // wider than the tile's word.
  PrecisionEnergy Price(const Precision& precision) const;

  // The word-width simulation the prices scale.
  const SimResult& reference() const { return reference_; }

 private:
  struct Transfers {
    // (values in one transfer, number of such transfers), over the run.
    std::vector<std::pair<int64_t, int64_t>> weights, inputs, outputs;
  };
  struct Layer {
    std::string name, kind;
    bool mac = false;
    int weight_index = -1;
    Counters counters;
    Transfers dram;
  };

  models::NetSpec spec_;
  TechConfig tech_;
  ActionEnergies table_;
  SimResult reference_;
  std::vector<Layer> layers_;
};

// Bytes that `values` values of `bits` bits occupy packed, rounded up to
// whole DRAM bursts of `burst_bytes` (0 for 0 values).
int64_t PackedBurstBytes(int64_t values, int bits, int burst_bytes);

}  // namespace rcdnn::accel
