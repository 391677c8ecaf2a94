// A channel-sliced network on the CUDA device: a NetSpec and its full-width
// NetParams mapped onto DeviceNet (device_net.h). The weights go up once, in
// the constructor; every sub-network (Widths) and head then runs on them.
//
//   GpuNetwork gpu(spec, params, /*max_batch=*/64);
//   gpu.Forward(images, n, UniformWidths(spec, 0.5), /*head=*/1, logits.data());
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "gpu/device_net.h"
#include "models/engine/params.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::gpu {

// The device steps of sub-network `widths` with classifier `head`: one op per
// spec layer, except that a ReLU directly after a conv or fc layer is fused
// into it (as the CPU engine does). Tensor indices: sliced layer j is tensor
// j, head h is tensor SlicedLayerIndices().size() + h. Throws rcdnn::Error for
// bad widths or a negative head. Needs no device.
std::vector<DeviceOp> PlanForward(const models::NetSpec& spec, const models::Widths& widths, int head);

// Buffer sizes for `spec` at full width and up to `max_batch` images.
DeviceNetSizes SizesFor(const models::NetSpec& spec, int max_batch);

// Host views of every sliced layer then every head, in tensor-index order.
std::vector<TensorView> TensorsOf(const models::NetParams& params);

class GpuNetwork {
 public:
  // Uploads `params` (validated against `spec`) to device 0. Throws
  // rcdnn::Error when there is no usable device or CUDA fails.
  GpuNetwork(const models::NetSpec& spec, const models::NetParams& params, int max_batch);

  const models::NetSpec& spec() const { return spec_; }
  int num_heads() const { return num_heads_; }
  int64_t uploaded_bytes() const { return device_->uploaded_bytes(); }

  // logits: n x NumClasses() floats, row-major.
  void Forward(const float* images, int n, const models::Widths& widths, int head, float* logits);
  std::vector<double> TimeForwards(const float* images, int n, const models::Widths& widths, int head, int warmup,
                                   int repetitions);
  int64_t RunFor(const float* images, int n, const models::Widths& widths, int head, double seconds);

 private:
  std::vector<DeviceOp> Plan(const models::Widths& widths, int head) const;

  models::NetSpec spec_;
  int num_heads_ = 0;
  std::unique_ptr<DeviceNet> device_;
};

}  // namespace rcdnn::gpu
