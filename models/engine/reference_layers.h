// Naive references for the engine: plain loops, one image at a time, in any
// scalar type (double for gradient checks by finite differences). Written
// from the definitions, not from the fast code: a conv is a direct 6-deep
// loop, pooling counts window cells one by one, the network forward composes
// them and applies the active widths by indexing the full-width parameters.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "models/engine/params.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models {

template <typename T>
struct RefLayerParams {
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> weights;  // full width
  Eigen::Matrix<T, Eigen::Dynamic, 1> bias;
};

template <typename T>
struct RefNetParams {
  std::vector<RefLayerParams<T>> sliced, heads;
};

template <typename T>
RefLayerParams<T> CastLayerParams(const LayerParams& params);
template <typename T>
RefNetParams<T> CastParams(const NetParams& params);

// One image, compact (channel, y, x) at the active `shape` (InferShapes).
template <typename T>
void ReferenceConv(const LayerSpec& spec, const LayerShape& shape, const RefLayerParams<T>& params, const T* in,
                   T* out);
template <typename T>
void ReferencePool(const LayerSpec& spec, const LayerShape& shape, const T* in, T* out);
template <typename T>
void ReferenceFc(const LayerShape& shape, const RefLayerParams<T>& params, const T* in, T* out);
template <typename T>
void ReferenceRelu(int64_t count, const T* in, T* out);

// Logits of one image through sub-network `widths` with classifier `head`.
template <typename T>
std::vector<T> ReferenceForward(const NetSpec& spec, const RefNetParams<T>& params, const T* image,
                                const Widths& widths, int head);

// -log softmax(logits)[label], computed directly.
template <typename T>
T ReferenceCrossEntropy(const std::vector<T>& logits, int label);

// Mean cross-entropy over n images (each spec input size).
template <typename T>
T ReferenceMeanLoss(const NetSpec& spec, const RefNetParams<T>& params, const T* images, const uint8_t* labels,
                    int n, const Widths& widths, int head);

}  // namespace rcdnn::models
