// ReLU, in place or not; also the helpers conv/fc use when a ReLU is fused.
#pragma once

#include <cstdint>

#include "models/engine/layer.h"

namespace rcdnn::models {

// data[i] = max(data[i], 0).
void ReluInPlace(float* data, int64_t count);
// grad[i] = 0 where out[i] <= 0 (out is the ReLU's output: out > 0 iff in > 0).
void ReluBackwardInPlace(const float* out, float* grad, int64_t count);

class ReluLayer : public Layer {
 public:
  void Forward(const LayerParams* params, const LayerShape& shape, int n, const float* in, float* out,
               const LayerBuffers& buffers) const override;
  // in_grad may equal out_grad (in place).
  void Backward(const LayerParams* params, const LayerShape& shape, int n, const float* in, const float* out,
                float* out_grad, float* in_grad, LayerParams* param_grads,
                const LayerBuffers& buffers) const override;
};

}  // namespace rcdnn::models
