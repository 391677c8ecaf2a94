// Weights of a channel-sliced network, stored once at full width.
//
// Layout (why slicing is a view): row r of a layer's weight matrix is output
// channel r. Conv columns are ordered (in_channel, ky, kx); fc columns are the
// flattened (channel, y, x) input, channel-major. A sub-network whose layer has
// o active outputs and i active input channels therefore uses exactly the
// top-left block
//     conv: weights.topLeftCorner(o, i * k * k)      bias.head(o)
//     fc:   weights.topLeftCorner(o, i * h * w)      bias.head(o)
// which Eigen expresses as a Block with an outer stride: no copy, no mask.
// Every increment has its own classifier ("head"), classes x full input
// width; a sub-network uses its first columns.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct LayerParams {
  RowMatrix weights;  // full outputs x full fan-in
  Eigen::VectorXf bias;  // full outputs
};

struct NetParams {
  std::vector<LayerParams> sliced;  // one per NetSpec::SlicedLayerIndices(), in order
  std::vector<LayerParams> heads;   // one classifier per increment: classes x full input width
};

// Full-width shape (rows x cols) of every sliced layer's weights, in
// SlicedLayerIndices() order, and of the classifier.
struct ParamShape {
  int rows = 0, cols = 0;
};
std::vector<ParamShape> SlicedParamShapes(const NetSpec& spec);
ParamShape HeadParamShape(const NetSpec& spec);

// The active (top-left) block of spec layer `layer`'s weights at these
// shapes: its output channels x its active fan-in.
ParamShape ActiveWeightBlock(const std::vector<LayerShape>& shapes, int layer);

// Copies the active block of `from` at `widths` (every sliced layer, and head
// `from_head`'s columns) into `to` (head `to_head`). Both shaped for `spec`.
void CopyActiveBlocks(const NetSpec& spec, const Widths& widths, const NetParams& from, int from_head, NetParams* to,
                      int to_head);

// All-zero parameters shaped for `spec` with `num_heads` (>= 1) classifiers.
NetParams ZerosLike(const NetSpec& spec, int num_heads);

// Throws rcdnn::Error naming the layer when `params` is not shaped for `spec`
// (wrong layer count, weight or bias size, no heads). `what` names the object
// in the message ("params", "grads").
void ValidateParams(const NetSpec& spec, const NetParams& params, const char* what);

// Caffe's fillers from LayerSpec::init, deterministic from `seed`:
//   xavier:         uniform(-sqrt(3 / fan_in), +sqrt(3 / fan_in)), fan_in = full
//                   in_channels * k * k (fc: full input size), Caffe's FAN_IN
//                   (but see the schedule overload below);
//   gaussian:<std>: normal(0, std).
// Biases are zero. Every head gets the classifier's filler (fresh draws).
// `params` must already be shaped for `spec` (ZerosLike); its head count is
// kept. Values are drawn from one std::mt19937_64 stream: sliced layers in
// order (row-major), then heads in order, so the sliced weights and head k do
// not depend on how many heads there are. The uniform and normal conversions
// are our own (std:: distributions are implementation-defined); the normal
// uses Box-Muller in double through std::log/cos/sin, so results agree across
// standard libraries up to libm's last-ulp differences (rounded to float,
// practically always the same).
void InitParams(const NetSpec& spec, uint64_t seed, NetParams* params);

// InitParams for networks trained at the widths of `schedule` (a golden
// model: its one width; incremental training: its increments): a xavier
// weight's fan_in is the active fan-in of the first schedule entry whose
// block holds it, as Caffe would compute for the network defined at that
// width (a golden model at 25% width draws at its own, narrower fan-in; an
// increment's new weights at that increment's), and head k's is schedule[k]'s.
// Weights outside every entry keep the full fan-in. The same draws as
// InitParams, only scaled differently; an empty schedule is InitParams.
void InitParams(const NetSpec& spec, uint64_t seed, const std::vector<Widths>& schedule, NetParams* params);

// Sets every weight and bias (all heads included) to zero, keeping shapes.
void SetZero(NetParams* params);

}  // namespace rcdnn::models
