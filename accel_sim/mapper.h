// The mapper: a network at one Widths becomes, layer by layer, a Geometry
// (what the tile computes), a LayerMapping (how it is tiled onto the NFU and
// the three buffers) and a list of TileWork items (what each tile loads,
// computes and stores). simulator.h states the dataflow and the tiling rule;
// this file implements them. Internal to the simulator: both the analytical
// timing (timing.h) and the bit-accurate execution walk these tiles.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel_sim/nfu.h"
#include "accel_sim/sim_result.h"
#include "accel_sim/tech_config.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::accel {

inline int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

enum class Op { kMac, kMaxPool, kAvgPool };

// A conv, fc or pooling layer as the tile sees it. fc is a 1 x 1 conv over
// its flattened input: C = in_channels * in_h * in_w, Hin = Win = 1.
struct Geometry {
  int spec_index = 0;
  int weight_index = -1;  // index into NetWeights / Precision (kMac only)
  std::string name;
  std::string kind;  // "conv", "fc", "maxpool", "avgpool"
  Op op = Op::kMac;
  int C = 0, Hin = 1, Win = 1, M = 0, Ho = 1, Wo = 1, k = 1, s = 1, pad = 0;
  bool relu = false;  // a ReLU fused into NFU-3
  int64_t macs = 0;

  int64_t KK() const { return int64_t{k} * k; }
  int64_t R() const { return op == Op::kMac ? C * KK() : KK(); }  // reduction per output
  int64_t Positions() const { return int64_t{Ho} * Wo; }
  int64_t WeightWords() const { return op == Op::kMac ? int64_t{M} * C * KK() : 0; }
  int64_t InputWords() const { return int64_t{C} * Hin * Win; }
  int64_t OutputWords() const { return int64_t{M} * Ho * Wo; }
};

struct Capacities {  // words
  int64_t sb = 0, bin = 0, bout = 0;
};

// A tile's output window and the input window it reads (clipped to the input).
struct Window {
  int y0 = 0, y1 = 0, x0 = 0, x1 = 0;      // output rows / columns [y0, y1) x [x0, x1)
  int iy0 = 0, iy1 = 0, ix0 = 0, ix1 = 0;  // input rows / columns read
  int64_t Positions() const { return int64_t{y1 - y0} * (x1 - x0); }
  int64_t InputPlane() const { return int64_t{iy1 - iy0} * (ix1 - ix0); }
};

// Output windows of tp rows x tq columns covering the layer's output, row
// bands outer, column bands inner (the last band of each axis may be short).
std::vector<Window> MakeWindows(const Geometry& g, int tp, int tq);

// The tiling of one layer: among output-channel tiles Tm (multiples of the
// NFU's neurons, or all) and input-channel tiles Ct, the one moving the
// fewest DRAM words, then taking the fewest NFU cycles, then the fewest
// tiles; for each, whole output rows when one fits, then as many rows as
// fit. Throws rcdnn::Error naming `network`, the layer and the buffer that is
// too small when not even a 16-channel, one-position tile fits.
LayerMapping MapLayer(const Geometry& g, bool input_on_chip, bool output_on_chip, const Capacities& caps,
                      const NfuConfig& nfu, const std::string& network);

// One tile in the loop nest m-tile -> window -> c-tile, with the DRAM words it
// loads before it runs and stores after it.
struct TileWork {
  int m0 = 0, m1 = 0, c0 = 0, c1 = 0;  // output channels [m0, m1), input channels [c0, c1)
  int window = 0;                      // index into the layer's windows
  bool first_c = true, last_c = true;  // first / last c-tile of its (m-tile, window)
  int64_t load_weight_words = 0, load_input_words = 0, store_output_words = 0;
};

// `weights_in_sb`: the network's weights are already resident (a later image).
std::vector<TileWork> MakeTiles(const Geometry& g, const LayerMapping& m, const std::vector<Window>& windows,
                                const Capacities& caps, bool weights_in_sb);

// A whole network mapped onto the tile.
struct NetworkMapping {
  std::vector<Geometry> geometries;         // conv / fc / pooling layers, spec order
  std::vector<LayerMapping> mappings;       // one per geometry
  std::vector<int> owner;                   // per spec layer: geometry index (ReLU: the one it is fused into)
  std::vector<models::LayerShape> shapes;   // InferShapes(spec, widths)
  Capacities caps;
  bool weights_resident = false;            // all the network's weights fit Sb
};

// Validates the technology, builds every layer's geometry (ReLUs fused into
// the layer before), keeps a layer's output on chip when it fits Bout and is
// the next layer's whole input, and maps every layer. Throws rcdnn::Error
// naming the layer when one cannot be mapped.
NetworkMapping MapNetwork(const models::NetSpec& spec, const models::Widths& widths, const TechConfig& tech);

}  // namespace rcdnn::accel
