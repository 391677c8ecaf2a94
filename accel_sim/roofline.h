// The roofline cross-check: for every conv / fc / pooling layer of a
// simulated run, the time no schedule on this tile could beat — its work at
// every NFU lane busy, or its DRAM traffic at the channel's peak bandwidth,
// whichever is longer — and the simulated time over that floor (>= 1).
//   conv / fc: MACs / (neurons x synapses) cycles
//   pooling:   output values x k x k / neurons cycles (Bin's port feeds one
//              window element of 16 channels per cycle)
//   DRAM:      dram_bytes / peak bandwidth (GB/s = bytes per ns)
// ReLU rows (fused, no time of their own) and the margin controller have no
// floor and no entry.
#pragma once

#include <string>
#include <vector>

#include "accel_sim/sim_result.h"
#include "accel_sim/tech_config.h"
#include "models/spec/net_spec.h"

namespace rcdnn::accel {

struct LayerRoofline {
  std::string layer;
  double compute_floor_ns = 0;  // whole run (all of result.num_images)
  double dram_floor_ns = 0;
  double time_ns = 0;           // simulated, whole run
  double FloorNs() const { return compute_floor_ns > dram_floor_ns ? compute_floor_ns : dram_floor_ns; }
  double Ratio() const { return FloorNs() > 0 ? time_ns / FloorNs() : 0.0; }
};

// `result` must be a simulation of `spec` (rows in spec order) on `tech`.
// Throws rcdnn::Error when it is not.
std::vector<LayerRoofline> Roofline(const models::NetSpec& spec, const TechConfig& tech, const SimResult& result);

}  // namespace rcdnn::accel
