// The CUDA path's forward plan (forward_steps.h) executed on the host, so the
// parts of the GPU path that are not CUDA itself are tested on every machine:
// which buffer each op uses, the im2col and pooling index arithmetic
// (kernel_math.h, the same code the kernels run), and every cuBLAS call's
// shape, leading dimensions and strides.
//
// The buffers are host copies sized exactly as DeviceNet sizes its device
// buffers. The GEMM follows cuBLAS's documented column-major semantics and
// enforces its argument rules (lda >= rows of the stored matrix, ...). Every
// read and write is checked against the buffer it starts in, and a GEMM's
// output may not share a buffer with its inputs. A plan that would overrun a
// device buffer or be refused by cuBLAS throws rcdnn::Error here.
//
// It checks the plan; it is not a GPU and measures nothing.
#pragma once

#include <vector>

#include "gpu/device_ops.h"

namespace rcdnn::gpu {

class HostSteps {
 public:
  // Copies `tensors` (as DeviceNet uploads them) and allocates the buffers.
  HostSteps(const std::vector<TensorView>& tensors, const DeviceNetSizes& sizes);

  // logits (n x classes, row-major) of n images, as DeviceNet::Forward.
  void Forward(const std::vector<DeviceOp>& ops, const float* images, int n, float* logits);

 private:
  DeviceNetSizes sizes_;
  std::vector<std::vector<float>> weights_, biases_;  // copies of the tensors
  std::vector<TensorView> views_;                     // of those copies
  std::vector<float> input_, ping_, pong_, col_;
};

}  // namespace rcdnn::gpu
