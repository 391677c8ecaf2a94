#include "gpu/gpu_network.h"

#include <algorithm>

#include "common/error.h"

namespace rcdnn::gpu {

std::vector<DeviceOp> PlanForward(const models::NetSpec& spec, const models::Widths& widths, int head) {
  if (head < 0) throw Error("PlanForward: head must be >= 0");
  const std::vector<models::LayerShape> shapes = models::InferShapes(spec, widths);  // validates widths
  const int num_sliced = static_cast<int>(spec.SlicedLayerIndices().size());
  std::vector<DeviceOp> ops;
  int next_tensor = 0;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const models::LayerSpec& layer = spec.layers[i];
    const models::LayerShape& shape = shapes[i];
    DeviceOp op;
    op.in_channels = shape.in_channels;
    op.in_height = shape.in_height;
    op.in_width = shape.in_width;
    op.out_channels = shape.out_channels;
    op.out_height = shape.out_height;
    op.out_width = shape.out_width;
    op.kernel = layer.kernel;
    op.stride = layer.stride;
    op.pad = layer.pad;
    switch (layer.kind) {
      case models::LayerKind::kConv: op.kind = OpKind::kConv; break;
      case models::LayerKind::kFc: op.kind = OpKind::kFc; break;
      case models::LayerKind::kMaxPool: op.kind = OpKind::kMaxPool; break;
      case models::LayerKind::kAvgPool: op.kind = OpKind::kAvgPool; break;
      case models::LayerKind::kRelu: op.kind = OpKind::kRelu; break;
    }
    if (layer.HasWeights()) {
      op.tensor = static_cast<int>(i) == spec.ClassifierIndex() ? num_sliced + head : next_tensor++;
      if (i + 1 < spec.layers.size() && spec.layers[i + 1].kind == models::LayerKind::kRelu) {
        op.fused_relu = true;
        ++i;  // the ReLU is done
      }
    }
    ops.push_back(op);
  }
  return ops;
}

DeviceNetSizes SizesFor(const models::NetSpec& spec, int max_batch) {
  DeviceNetSizes sizes;
  sizes.max_batch = max_batch;
  sizes.input_floats = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  sizes.classes = spec.NumClasses();
  const std::vector<models::LayerShape> shapes = models::InferShapes(spec, models::FullWidths(spec));
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    sizes.max_activation_floats = std::max(sizes.max_activation_floats, shapes[i].OutputSize());
    if (spec.layers[i].kind == models::LayerKind::kConv) {
      const int64_t col = int64_t{shapes[i].in_channels} * spec.layers[i].kernel * spec.layers[i].kernel *
                          shapes[i].out_height * shapes[i].out_width;
      sizes.max_col_floats = std::max(sizes.max_col_floats, col);
    }
  }
  return sizes;
}

std::vector<TensorView> TensorsOf(const models::NetParams& params) {
  std::vector<TensorView> tensors;
  for (const std::vector<models::LayerParams>* group : {&params.sliced, &params.heads}) {
    for (const models::LayerParams& layer : *group) {
      tensors.push_back({layer.weights.data(), layer.bias.data(), static_cast<int>(layer.weights.rows()),
                         static_cast<int>(layer.weights.cols())});
    }
  }
  return tensors;
}

GpuNetwork::GpuNetwork(const models::NetSpec& spec, const models::NetParams& params, int max_batch)
    : spec_(spec), num_heads_(static_cast<int>(params.heads.size())) {
  models::ValidateParams(spec, params, "params");
  if (max_batch < 1) throw Error("GpuNetwork: max_batch must be >= 1");
  device_ = std::make_unique<DeviceNet>(TensorsOf(params), SizesFor(spec, max_batch));
}

std::vector<DeviceOp> GpuNetwork::Plan(const models::Widths& widths, int head) const {
  if (head < 0 || head >= num_heads_) {
    throw Error(spec_.name + ": head " + std::to_string(head) + " does not exist (the weights have " +
                std::to_string(num_heads_) + " heads)");
  }
  return PlanForward(spec_, widths, head);
}

void GpuNetwork::Forward(const float* images, int n, const models::Widths& widths, int head, float* logits) {
  device_->Forward(Plan(widths, head), images, n, logits);
}

std::vector<double> GpuNetwork::TimeForwards(const float* images, int n, const models::Widths& widths, int head,
                                             int warmup, int repetitions) {
  return device_->TimeForwards(Plan(widths, head), images, n, warmup, repetitions);
}

int64_t GpuNetwork::RunFor(const float* images, int n, const models::Widths& widths, int head, double seconds) {
  return device_->RunFor(Plan(widths, head), images, n, seconds);
}

}  // namespace rcdnn::gpu
