// Analytical timing: one layer's double-buffered timeline over its tiles, the
// closed-form counts of a tile, and the assembly of per-layer counters into a
// SimResult (time, energy, utilisation). Internal to the simulator; the
// bit-accurate execution (bit_accurate.cc) runs the same timeline with a tile
// executor that computes values.
//
//   layer cycles = load(0) + sum_t max(compute(t), load(t+1) + store(t-1))
//                  + fill/drain + store(last)        (DRAM times in cycles, ceil)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "accel_sim/buffer.h"
#include "accel_sim/dram.h"
#include "accel_sim/energy.h"
#include "accel_sim/mapper.h"
#include "accel_sim/margin_controller.h"
#include "accel_sim/nfu.h"
#include "accel_sim/sim_result.h"
#include "accel_sim/tech_config.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::accel {

// The tile's counting components, reset at the start of every layer.
struct Components {
  Nfu nfu;
  Buffer sb, bin, bout;
  Dram dram;
  explicit Components(const TechConfig& tech)
      : nfu(tech.nfu), sb(tech.sb), bin(tech.bin), bout(tech.bout), dram(tech.dram) {}
  void Reset();
};

// Closed-form counts of one tile (analytical mode). Must equal what the
// bit-accurate ExecuteTile records pass by pass (bit_accurate_test).
void CountTile(const Geometry& g, const TileWork& t, const Window& b, Components& c);

// What one layer of one image counted.
struct LayerRun {
  Counters counters;
  int64_t compute_cycles = 0, cycles = 0;
};

// ceil(ns / clock_ns) (0 for ns <= 0), tolerant of rounding in the division.
int64_t NsToCycles(double ns, double clock_ns);

// Computes a tile's values and records its NFU and buffer actions.
using TileExecutor = std::function<void(const TileWork&, const Window&)>;

// One layer's timeline: resets `c`, walks the layer's tiles, overlapping each
// tile's compute with the next tile's loads and the previous tile's store.
// An empty `execute` counts each tile with CountTile (analytical mode).
LayerRun RunLayer(const Geometry& g, const LayerMapping& m, const Capacities& caps, bool weights_in_sb,
                  const TechConfig& tech, Components& c, const TileExecutor& execute);

// Adds `times` copies of `run` into `into` (counters and cycles).
void AccumulateRun(const LayerRun& run, int64_t times, LayerResult* into);

// Turns per-geometry counters into a SimResult: one row per spec layer
// (ReLUs as `fused_into` rows), the margin controller's row, and the total;
// time, energy (counters x the tech's action energies), paper-convention
// energy and utilisation derived from the counters.
SimResult Assemble(const models::NetSpec& spec, const models::Widths& widths, const TechConfig& tech,
                   const NetworkMapping& net, std::vector<LayerResult> per_geometry,
                   const MarginControllerStats& margin, int num_images, const std::string& mode);

}  // namespace rcdnn::accel
