#include "models/engine/relu_layer.h"

#ifdef __AVX__
#include <immintrin.h>
#endif

namespace rcdnn::models {
namespace {

// out[i] = in[i] > 0 ? in[i] : 0 (in may equal out). Written with AVX
// because GCC's -O2 cost model leaves these runtime-length loops scalar.
// vmaxps(a, b) is a > b ? a : b, the same strict rule: NaN and -0 give +0.
void Relu(const float* in, float* out, int64_t count) {
  int64_t i = 0;
#ifdef __AVX__
  const __m256 zero = _mm256_setzero_ps();
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(out + i, _mm256_max_ps(_mm256_loadu_ps(in + i), zero));
#endif
  for (; i < count; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

// in_grad[i] = out[i] > 0 ? out_grad[i] : 0 (in_grad may equal out_grad).
void ReluBackward(const float* out, const float* out_grad, float* in_grad, int64_t count) {
  int64_t i = 0;
#ifdef __AVX__
  const __m256 zero = _mm256_setzero_ps();
  for (; i + 8 <= count; i += 8) {
    const __m256 positive = _mm256_cmp_ps(_mm256_loadu_ps(out + i), zero, _CMP_GT_OQ);
    _mm256_storeu_ps(in_grad + i, _mm256_and_ps(positive, _mm256_loadu_ps(out_grad + i)));
  }
#endif
  for (; i < count; ++i) in_grad[i] = out[i] > 0.0f ? out_grad[i] : 0.0f;
}

}  // namespace

void ReluInPlace(float* data, int64_t count) { Relu(data, data, count); }

void ReluBackwardInPlace(const float* out, float* grad, int64_t count) { ReluBackward(out, grad, grad, count); }

void ReluLayer::Forward(const LayerParams*, const LayerShape& shape, int n, const float* in, float* out,
                        const LayerBuffers&) const {
  Relu(in, out, n * shape.OutputSize());
}

void ReluLayer::Backward(const LayerParams*, const LayerShape& shape, int n, const float*, const float* out,
                         float* out_grad, float* in_grad, LayerParams*, const LayerBuffers&) const {
  if (in_grad == nullptr) return;
  ReluBackward(out, out_grad, in_grad, n * shape.OutputSize());
}

}  // namespace rcdnn::models
