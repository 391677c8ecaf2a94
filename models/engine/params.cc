#include "models/engine/params.h"

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "models/spec/shapes.h"

namespace rcdnn::models {
namespace {

ParamShape ShapeOf(const LayerSpec& layer, const LayerShape& shape, int outputs) {
  ParamShape param;
  param.rows = outputs;
  param.cols = layer.kind == LayerKind::kConv ? shape.in_channels * layer.kernel * layer.kernel
                                              : static_cast<int>(shape.InputSize());
  return param;
}

// Uniform in [0, 1) from the top 24 bits: exactly representable in float.
float UniformUnit(std::mt19937_64& rng) { return static_cast<float>(rng() >> 40) * (1.0f / 16777216.0f); }

// Uniform in (0, 1] with 53 bits, for Box-Muller's logarithm.
double UniformOpenZero(std::mt19937_64& rng) { return (static_cast<double>(rng() >> 11) + 1.0) * (1.0 / 9007199254740992.0); }

// The fan-in Caffe's xavier filler would see for each weight: that of the
// first sub-network in the schedule whose active block holds it (the network
// as defined when the weight was created), else the full fan-in.
class FanIns {
 public:
  // `blocks`: the layer's active block at each schedule entry, in order.
  FanIns(std::vector<ParamShape> blocks, int full_fan_in) : blocks_(std::move(blocks)), full_(full_fan_in) {}
  int At(Eigen::Index row, Eigen::Index col) const {
    for (const ParamShape& block : blocks_) {
      if (row < block.rows && col < block.cols) return block.cols;
    }
    return full_;
  }

 private:
  std::vector<ParamShape> blocks_;
  int full_;
};

// Caffe's filler for one weight matrix.
void Fill(const LayerSpec& layer, const FanIns& fan_ins, std::mt19937_64& rng, RowMatrix* weights) {
  float* data = weights->data();
  const Eigen::Index count = weights->size(), cols = weights->cols();
  if (layer.init == "xavier") {
    for (Eigen::Index i = 0; i < count; ++i) {
      const float scale = static_cast<float>(std::sqrt(3.0 / fan_ins.At(i / cols, i % cols)));
      data[i] = (2.0f * UniformUnit(rng) - 1.0f) * scale;
    }
    return;
  }
  const std::string prefix = "gaussian:";
  if (layer.init.rfind(prefix, 0) != 0) {
    throw Error("layer '" + layer.name + "': unknown weight filler '" + layer.init + "'");
  }
  const double stddev = std::stod(layer.init.substr(prefix.size()));
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  for (Eigen::Index i = 0; i < count; i += 2) {
    const double radius = std::sqrt(-2.0 * std::log(UniformOpenZero(rng)));
    const double angle = kTwoPi * UniformOpenZero(rng);
    data[i] = static_cast<float>(stddev * radius * std::cos(angle));
    if (i + 1 < count) data[i + 1] = static_cast<float>(stddev * radius * std::sin(angle));
  }
}

void CheckLayer(const std::string& what, const std::string& net, const LayerSpec& layer, const LayerParams& params,
                const ParamShape& shape) {
  if (params.weights.rows() != shape.rows || params.weights.cols() != shape.cols) {
    throw Error(net + ": " + what + " for layer '" + layer.name + "' have weights " +
                std::to_string(params.weights.rows()) + "x" + std::to_string(params.weights.cols()) +
                ", the spec needs " + std::to_string(shape.rows) + "x" + std::to_string(shape.cols));
  }
  if (params.bias.size() != shape.rows) {
    throw Error(net + ": " + what + " for layer '" + layer.name + "' have " + std::to_string(params.bias.size()) +
                " biases, the spec needs " + std::to_string(shape.rows));
  }
}

}  // namespace

std::vector<ParamShape> SlicedParamShapes(const NetSpec& spec) {
  const std::vector<LayerShape> shapes = InferShapes(spec, FullWidths(spec));
  std::vector<ParamShape> result;
  for (int index : spec.SlicedLayerIndices()) {
    result.push_back(ShapeOf(spec.layers[index], shapes[index], spec.layers[index].outputs));
  }
  return result;
}

ParamShape HeadParamShape(const NetSpec& spec) {
  const std::vector<LayerShape> shapes = InferShapes(spec, FullWidths(spec));
  const int index = spec.ClassifierIndex();
  return ShapeOf(spec.layers[index], shapes[index], spec.NumClasses());
}

NetParams ZerosLike(const NetSpec& spec, int num_heads) {
  if (num_heads < 1) throw Error(spec.name + ": num_heads is " + std::to_string(num_heads) + ", must be >= 1");
  NetParams params;
  for (const ParamShape& shape : SlicedParamShapes(spec)) {
    params.sliced.push_back({RowMatrix::Zero(shape.rows, shape.cols), Eigen::VectorXf::Zero(shape.rows)});
  }
  const ParamShape head = HeadParamShape(spec);
  params.heads.assign(num_heads, {RowMatrix::Zero(head.rows, head.cols), Eigen::VectorXf::Zero(head.rows)});
  return params;
}

void ValidateParams(const NetSpec& spec, const NetParams& params, const char* what) {
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  if (params.sliced.size() != sliced.size()) {
    throw Error(spec.name + ": " + what + " have " + std::to_string(params.sliced.size()) +
                " sliced layers, the spec has " + std::to_string(sliced.size()));
  }
  const std::vector<ParamShape> shapes = SlicedParamShapes(spec);
  for (size_t i = 0; i < sliced.size(); ++i) CheckLayer(what, spec.name, spec.layers[sliced[i]], params.sliced[i], shapes[i]);
  const LayerSpec& classifier = spec.layers[spec.ClassifierIndex()];
  if (params.heads.empty()) {
    throw Error(spec.name + ": " + what + " have no heads for classifier '" + classifier.name + "'");
  }
  const ParamShape head = HeadParamShape(spec);
  for (const LayerParams& layer : params.heads) CheckLayer(what, spec.name, classifier, layer, head);
}

void InitParams(const NetSpec& spec, uint64_t seed, NetParams* params) { InitParams(spec, seed, {}, params); }

void InitParams(const NetSpec& spec, uint64_t seed, const std::vector<Widths>& schedule, NetParams* params) {
  ValidateParams(spec, *params, "params");
  std::vector<std::vector<LayerShape>> shapes;
  for (const Widths& widths : schedule) shapes.push_back(InferShapes(spec, widths));
  std::mt19937_64 rng(seed);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  for (size_t i = 0; i < sliced.size(); ++i) {
    LayerParams& layer = params->sliced[i];
    std::vector<ParamShape> blocks;
    for (const auto& s : shapes) blocks.push_back(ActiveWeightBlock(s, sliced[i]));
    Fill(spec.layers[sliced[i]], FanIns(blocks, static_cast<int>(layer.weights.cols())), rng, &layer.weights);
    layer.bias.setZero();
  }
  for (size_t k = 0; k < params->heads.size(); ++k) {
    LayerParams& head = params->heads[k];
    std::vector<ParamShape> block;  // head k belongs to increment k
    if (k < shapes.size()) block.push_back(ActiveWeightBlock(shapes[k], spec.ClassifierIndex()));
    Fill(spec.layers[spec.ClassifierIndex()], FanIns(block, static_cast<int>(head.weights.cols())), rng, &head.weights);
    head.bias.setZero();
  }
}

void SetZero(NetParams* params) {
  for (LayerParams& layer : params->sliced) {
    layer.weights.setZero();
    layer.bias.setZero();
  }
  for (LayerParams& head : params->heads) {
    head.weights.setZero();
    head.bias.setZero();
  }
}

ParamShape ActiveWeightBlock(const std::vector<LayerShape>& shapes, int layer) {
  const LayerShape& shape = shapes.at(layer);
  return {shape.out_channels, static_cast<int>(shape.weight_count / shape.out_channels)};
}

void CopyActiveBlocks(const NetSpec& spec, const Widths& widths, const NetParams& from, int from_head, NetParams* to,
                      int to_head) {
  const std::vector<LayerShape> shapes = InferShapes(spec, widths);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  for (size_t j = 0; j < sliced.size(); ++j) {
    const auto [rows, cols] = ActiveWeightBlock(shapes, sliced[j]);
    to->sliced[j].weights.topLeftCorner(rows, cols) = from.sliced[j].weights.topLeftCorner(rows, cols);
    to->sliced[j].bias.head(rows) = from.sliced[j].bias.head(rows);
  }
  const auto [rows, cols] = ActiveWeightBlock(shapes, spec.ClassifierIndex());
  to->heads.at(to_head).weights.topLeftCorner(rows, cols) = from.heads.at(from_head).weights.topLeftCorner(rows, cols);
  to->heads[to_head].bias.head(rows) = from.heads[from_head].bias.head(rows);
}

}  // namespace rcdnn::models
