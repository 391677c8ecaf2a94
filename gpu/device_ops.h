// The plain data a forward pass on the GPU is described by: the ops of a
// sub-network at its active shapes (gpu_network.h's PlanForward makes them),
// the full-width host tensors to upload, and the buffer sizes. No CUDA types:
// g++ and nvcc both compile it.
//
// Layout: activations are image-major NCHW at the ACTIVE channel count, as in
// the CPU engine (models/engine/layer.h); weights are full-width, row-major,
// as in models/engine/params.h.
#pragma once

#include <cstdint>

namespace rcdnn::gpu {

enum class OpKind { kConv, kMaxPool, kAvgPool, kFc, kRelu };

// One step of a forward pass at the active shapes.
struct DeviceOp {
  OpKind kind = OpKind::kConv;
  int tensor = -1;          // conv/fc: index into the uploaded tensors
  bool fused_relu = false;  // conv/fc: ReLU applied with the bias
  int in_channels = 0, in_height = 0, in_width = 0;
  int out_channels = 0, out_height = 0, out_width = 0;
  int kernel = 1, stride = 1, pad = 0;  // conv and pool
};

// A full-width weight matrix (rows x cols, row-major, contiguous) and its
// `rows` biases: in host memory when handed to DeviceNet (which copies it),
// in device memory inside it.
struct TensorView {
  const float* weights = nullptr;
  const float* bias = nullptr;
  int rows = 0, cols = 0;
};

// Device buffers are sized once, per image, at full width.
struct DeviceNetSizes {
  int max_batch = 1;
  int64_t input_floats = 0;           // one image
  int64_t max_activation_floats = 0;  // the largest layer output of one image
  int64_t max_col_floats = 0;         // the largest conv im2col matrix of one image
  int classes = 0;

  // The buffers' lengths in floats (the im2col buffer is never empty).
  int64_t InputBufferFloats() const { return max_batch * input_floats; }
  int64_t ActivationBufferFloats() const { return max_batch * max_activation_floats; }
  int64_t ColBufferFloats() const { return max_batch * (max_col_floats > 0 ? max_col_floats : 1); }
  int64_t LogitsBufferFloats() const { return int64_t{max_batch} * classes; }
};

}  // namespace rcdnn::gpu
