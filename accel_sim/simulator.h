// Maps a network at a given Widths onto the paper's DianNao-like tile and
// simulates it: cycles, time, energy per component, DRAM traffic, per layer.
//
// Mapping (one fixed dataflow, as DianNao's control processor runs it):
//  * conv: output neuron (o, y, x) = sum over (c, ky, kx) of w * in. One NFU
//    pass takes 16 output channels at one position and 16 consecutive
//    reduction elements (c, ky, kx) of the active input channels: Bin
//    broadcasts 16 inputs, Sb supplies 16 x 16 weights. Compute cycles of a
//    layer whose reduction is not split:
//      ceil(out / 16) * ceil(in * k * k / 16) * out_h * out_w + (stages - 1)
//    (the last term is the 3-stage pipeline's fill/drain, 2 cycles, once per
//    layer). A split reduction pays the 16-lane tail once per channel tile.
//  * fc: a 1 x 1 conv over the flattened input (positions = 1).
//  * pooling: NFU-2's adders (average) or comparators (max); Bin's 16-word
//    port feeds 16 channels one window element per cycle:
//      ceil(channels / 16) * k * k * out_h * out_w + (stages - 1) cycles;
//    the average's 1/(window size) is applied in NFU-3 as an exact rounded
//    division (Caffe's window size, clipped at the border).
//  * ReLU: NFU-3 of the layer before it (0 cycles of its own; its row says
//    `fused_into`).
// Tiling and DRAM: loop nest m-tile (Tm output channels) -> output window
// (Tp rows x Tq columns; whole rows unless one row does not fit) -> c-tile
// (Ct input channels) -> 16-channel block -> position -> 16-element chunk.
// Partial sums of a (m-tile, window) stay in Bout across c-tiles, so every
// output is written once. Tm, Ct are chosen per layer to minimise DRAM bytes
// (then cycles), Tq then Tp greedily, under the buffer capacities: a whole
// buffer when all of a layer's weights / inputs / outputs fit in it, half of it
// when tiles stream (double buffering: the next tile's DRAM transfer overlaps
// the current tile's compute):
//   layer cycles = load(0) + sum_t max(compute(t), load(t+1) + store(t-1))
//                  + fill/drain + store(last)        (DRAM times in cycles, ceil)
// Weights that fit Sb are loaded once per layer; if the whole network's
// weights fit Sb they are loaded once per run and reused by later images.
// A layer's output stays on chip (Bin and Bout swap roles, equal sizes) when
// it fits Bout and is the next layer's whole input.
//
// Analytical mode counts per tile with closed forms; bit-accurate mode walks
// the same tiles pass by pass through Nfu, computing the values. Both must
// report identical counters (tested).
//
// Implementation: mapper.{h,cc} (geometries, tilings, tiles), timing.{h,cc}
// (the layer timeline, closed-form counts, assembly of the result),
// bit_accurate.cc (tiles computed on the tile's arithmetic), simulator.cc.
#pragma once

#include <string>
#include <vector>

#include "accel_sim/fixed_point.h"
#include "accel_sim/sim_result.h"
#include "accel_sim/tech_config.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::accel {

// Float weights of one conv/fc layer at FULL width, in the engine's layout:
// row-major, row = output channel; conv columns ordered (in_channel, ky, kx),
// fc columns the flattened channel-major input (c, y, x). A sub-network uses
// the top-left block (active rows, active input channels' columns).
struct LayerWeights {
  std::string layer;  // the spec's layer name
  int rows = 0;       // full output channels
  int cols = 0;       // full in_channels * k * k (conv) or full input size (fc)
  std::vector<float> weights;  // rows * cols
  std::vector<float> biases;   // rows
};

// One entry per conv/fc layer, in spec order.
struct NetWeights {
  std::vector<LayerWeights> layers;
};

// Throws rcdnn::Error naming the layer when a layer is missing, misnamed, or
// its rows / cols / array sizes disagree with the spec's full shapes.
void ValidateNetWeights(const models::NetSpec& spec, const NetWeights& weights);

// Bit-accurate precision, chosen per conv/fc layer (a precision search sets
// these freely). A layer's input format is the previous conv/fc layer's
// output format (pooling and ReLU keep it); the first layer's is `input`.
// Biases enter the accumulator at weights.frac + input.frac fraction bits.
struct LayerFormats {
  FixedPointFormat weights;
  FixedPointFormat outputs;
};
struct Precision {
  FixedPointFormat input;
  std::vector<LayerFormats> layers;  // one per conv/fc layer, spec order
};

Precision UniformPrecision(const models::NetSpec& spec, FixedPointFormat format);

// Throws rcdnn::Error naming the layer when the vector's length is wrong, a
// format is invalid, or a format is wider than the tile's word (tech.word_bits).
void ValidatePrecision(const models::NetSpec& spec, const Precision& precision, const TechConfig& tech);

struct SimOptions {
  int num_images = 1;             // analytical mode: images run back to back
  bool margin_controller = true;  // the controller acts once per image (Fig. 8)
  // Bit-accurate fixed point: a conv/fc layer whose sums stay below 2^53 for
  // an image is one exact GEMM (exact_gemm.h), the same bits and counters as
  // pass by pass. false walks every pass on the NFU (tests compare the two).
  bool exact_gemm = true;
};

// Counts only. Throws rcdnn::Error when a layer cannot be mapped (names it).
SimResult SimulateAnalytical(const models::NetSpec& spec, const models::Widths& widths, const TechConfig& tech,
                             const SimOptions& options = {});

// Computes every image's outputs on the tile's arithmetic (tech.arithmetic:
// fixed with `precision`, or float32, which ignores it), with the same
// counters as SimulateAnalytical for images.size() images. Each image is
// spec.input_channels x height x width floats, channel-major.
SimResult SimulateBitAccurate(const models::NetSpec& spec, const models::Widths& widths, const TechConfig& tech,
                              const NetWeights& weights, const Precision& precision,
                              const std::vector<std::vector<float>>& images, const SimOptions& options = {});

}  // namespace rcdnn::accel
