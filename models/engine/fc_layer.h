// Inner product over a chunk of images at once: out (n x o) = in (n x i) *
// W_block^T + bias, one single-threaded Eigen GEMM (GEMV at n = 1) against
// the active weight block (params.h). Also the classifier heads, whose output
// count never changes.
#pragma once

#include "models/engine/layer.h"

namespace rcdnn::models {

class FcLayer : public Layer {
 public:
  explicit FcLayer(bool fused_relu) : fused_relu_(fused_relu) {}

  void Forward(const LayerParams* params, const LayerShape& shape, int n, const float* in, float* out,
               const LayerBuffers& buffers) const override;
  void Backward(const LayerParams* params, const LayerShape& shape, int n, const float* in, const float* out,
                float* out_grad, float* in_grad, LayerParams* param_grads,
                const LayerBuffers& buffers) const override;

 private:
  bool fused_relu_;
};

}  // namespace rcdnn::models
