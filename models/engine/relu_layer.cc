#include "models/engine/relu_layer.h"

namespace rcdnn::models {

void ReluInPlace(float* data, int64_t count) {
  for (int64_t i = 0; i < count; ++i) data[i] = data[i] > 0.0f ? data[i] : 0.0f;
}

void ReluBackwardInPlace(const float* out, float* grad, int64_t count) {
  for (int64_t i = 0; i < count; ++i) grad[i] = out[i] > 0.0f ? grad[i] : 0.0f;
}

void ReluLayer::Forward(const LayerParams*, const LayerShape& shape, int n, const float* in, float* out,
                        const LayerBuffers&) const {
  const int64_t count = n * shape.OutputSize();
  for (int64_t i = 0; i < count; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void ReluLayer::Backward(const LayerParams*, const LayerShape& shape, int n, const float*, const float* out,
                         float* out_grad, float* in_grad, LayerParams*, const LayerBuffers&) const {
  if (in_grad == nullptr) return;
  const int64_t count = n * shape.OutputSize();
  for (int64_t i = 0; i < count; ++i) in_grad[i] = out[i] > 0.0f ? out_grad[i] : 0.0f;
}

}  // namespace rcdnn::models
