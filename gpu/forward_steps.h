// One forward pass as a sequence of calls on a backend: which buffer each op
// reads and writes, when im2col is needed, and every cuBLAS GEMM's shape,
// leading dimensions and strides. device_net.cu runs it with a backend that
// launches CUDA kernels and cuBLAS; host_steps.cc runs the very same template
// with a host backend that follows cuBLAS's documented semantics and checks
// every access against its buffer, so the plan is tested without a GPU.
//
// A Backend provides:
//   void Im2Col(const float* in, const Im2ColShape&, float* col);
//   void Gemm(const GemmCall&);
//   void BiasRelu(float* out, const float* bias, int n, int channels, int64_t pixels, bool relu);
//   void Pool(const float* in, const PoolShape&, float* out);
//   void Relu(const float* in, float* out, int64_t count);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "gpu/device_ops.h"
#include "gpu/kernel_math.h"

namespace rcdnn::gpu {

// C = op(A) * B for `batch` matrices (alpha 1, beta 0), column-major as in
// cuBLAS: A is m x k (stored k x m when transpose_a), B is k x n, C is m x n;
// matrix i of each starts at i * stride (strides unused when batch is 1).
struct GemmCall {
  bool transpose_a = false;
  int m = 0, n = 0, k = 0;
  const float* a = nullptr;
  int lda = 0;
  int64_t stride_a = 0;
  const float* b = nullptr;
  int ldb = 0;
  int64_t stride_b = 0;
  float* c = nullptr;
  int ldc = 0;
  int64_t stride_c = 0;
  int batch = 1;
};

// Activation buffers, each sized by DeviceNetSizes for max_batch images.
struct StepBuffers {
  const float* input = nullptr;
  float* ping = nullptr;
  float* pong = nullptr;
  float* col = nullptr;
};

// The conv GEMM for n images. Per image, out (o x P, row-major) = W[0:o, 0:K]
// (row-major, full width `weight_cols`) * col (K x P, row-major). cuBLAS is
// column-major, so it computes the transpose: out^T (P x o) = col^T (P x K) *
// W^T (K x o), with ld P for col and out and ld weight_cols for W, which
// reads the active top-left block of the full-width weights in place.
inline GemmCall ConvGemm(const DeviceOp& op, int n, const float* columns, const TensorView& weights, float* out) {
  const int pixels = op.out_height * op.out_width;
  const int k_rows = op.in_channels * op.kernel * op.kernel;
  GemmCall call;
  call.m = pixels;
  call.n = op.out_channels;
  call.k = k_rows;
  call.a = columns;
  call.lda = pixels;
  call.stride_a = int64_t{k_rows} * pixels;
  call.b = weights.weights;
  call.ldb = weights.cols;
  call.stride_b = 0;  // every image uses the same weights
  call.c = out;
  call.ldc = pixels;
  call.stride_c = int64_t{op.out_channels} * pixels;
  call.batch = n;
  return call;
}

// The fc GEMM: out (n x o, row-major) = in (n x K) * W[0:o, 0:K]^T. In
// column-major terms out^T (o x n) = W^T' (o x K) * in^T (K x n), where the
// row-major W is a column-major K_full x o_full matrix read transposed.
inline GemmCall FcGemm(const DeviceOp& op, int n, const float* in, const TensorView& weights, float* out) {
  const int k_cols = op.in_channels * op.in_height * op.in_width;
  GemmCall call;
  call.transpose_a = true;
  call.m = op.out_channels;
  call.n = n;
  call.k = k_cols;
  call.a = weights.weights;
  call.lda = weights.cols;
  call.b = in;
  call.ldb = k_cols;
  call.c = out;
  call.ldc = op.out_channels;
  return call;
}

// The im2col of conv `op` over n images.
inline Im2ColShape Im2ColShapeOf(const DeviceOp& op, int n) {
  Im2ColShape shape;
  shape.n = n;
  shape.channels = op.in_channels;
  shape.height = op.in_height;
  shape.width = op.in_width;
  shape.kernel = op.kernel;
  shape.stride = op.stride;
  shape.pad = op.pad;
  shape.out_height = op.out_height;
  shape.out_width = op.out_width;
  return shape;
}

// Pool `op` over n images: every image's channels are planes.
inline PoolShape PoolShapeOf(const DeviceOp& op, int n) {
  PoolShape shape;
  shape.planes = int64_t{n} * op.in_channels;
  shape.height = op.in_height;
  shape.width = op.in_width;
  shape.out_height = op.out_height;
  shape.out_width = op.out_width;
  shape.kernel = op.kernel;
  shape.stride = op.stride;
  shape.pad = op.pad;
  shape.max_pool = op.kind == OpKind::kMaxPool;
  return shape;
}

// Throws rcdnn::Error unless every size is positive.
inline void ValidateSizes(const DeviceNetSizes& sizes) {
  if (sizes.max_batch < 1 || sizes.input_floats < 1 || sizes.max_activation_floats < 1 || sizes.classes < 1) {
    throw Error("DeviceNet: buffer sizes must be positive");
  }
}

// Throws rcdnn::Error unless 1 <= n <= sizes.max_batch.
inline void CheckBatch(const DeviceNetSizes& sizes, int n) {
  if (n < 1 || n > sizes.max_batch) {
    throw Error("DeviceNet: batch " + std::to_string(n) + " outside [1, " + std::to_string(sizes.max_batch) + "]");
  }
}

// The weights of conv or fc `op`; throws rcdnn::Error when there is no such tensor.
inline const TensorView& TensorOf(const std::vector<TensorView>& tensors, const DeviceOp& op) {
  if (op.tensor < 0 || op.tensor >= static_cast<int>(tensors.size())) {
    throw Error("forward steps: an op uses tensor " + std::to_string(op.tensor) + " but there are " +
                std::to_string(tensors.size()));
  }
  return tensors[op.tensor];
}

// Runs `ops` on n images in buffers.input; returns the buffer holding the
// n x classes logits. Throws rcdnn::Error for a tensor index out of range or
// when the ops do not end in `classes` values per image.
template <class Backend>
const float* EnqueueSteps(const std::vector<DeviceOp>& ops, int n, const StepBuffers& buffers,
                          const std::vector<TensorView>& tensors, int64_t input_floats, int classes, Backend& backend) {
  const float* current = buffers.input;
  int64_t current_floats = input_floats;  // per image
  for (const DeviceOp& op : ops) {
    float* out = current == buffers.ping ? buffers.pong : buffers.ping;
    const int64_t out_pixels = int64_t{op.out_height} * op.out_width;
    const int64_t out_floats = op.out_channels * out_pixels;
    switch (op.kind) {
      case OpKind::kConv: {
        const TensorView& t = TensorOf(tensors, op);
        const float* columns = current;
        if (op.kernel != 1 || op.stride != 1 || op.pad != 0) {  // a 1x1 stride-1 conv reads its input as is
          backend.Im2Col(current, Im2ColShapeOf(op, n), buffers.col);
          columns = buffers.col;
        }
        backend.Gemm(ConvGemm(op, n, columns, t, out));
        backend.BiasRelu(out, t.bias, n, op.out_channels, out_pixels, op.fused_relu);
        break;
      }
      case OpKind::kFc: {
        const TensorView& t = TensorOf(tensors, op);
        backend.Gemm(FcGemm(op, n, current, t, out));
        backend.BiasRelu(out, t.bias, n, op.out_channels, out_pixels, op.fused_relu);
        break;
      }
      case OpKind::kMaxPool:
      case OpKind::kAvgPool:
        backend.Pool(current, PoolShapeOf(op, n), out);
        break;
      case OpKind::kRelu:
        backend.Relu(current, out, n * out_floats);  // a ReLU not fused into a conv or fc (after a pool)
        break;
    }
    current = out;
    current_floats = out_floats;
  }
  if (current_floats != classes) {
    throw Error("forward steps: the ops end with " + std::to_string(current_floats) + " values per image, not " +
                std::to_string(classes) + " logits");
  }
  return current;
}

}  // namespace rcdnn::gpu
