// Max and average pooling with Caffe's semantics:
// - output size: ceil rounding, minus a last window that would start inside
//   the padding (shapes.h PoolOutputSize);
// - max: windows clipped to the input, first maximum wins (strict >), its
//   index saved for backward (Caffe's mask);
// - average: the sum over the window clipped to the input, divided by the
//   window size clipped to the PADDED input (so padding counts as zeros, but
//   a window hanging past the padded border does not).
// Channels are independent, so the active width only sets the channel count.
// With AVX2, strides 1 and 2 go 8 outputs at a time (4 on rows of 4 to 7),
// each group kept in registers over its whole window (same results, same
// first-maximum rule, bit for bit).
#pragma once

#include "models/engine/layer.h"

namespace rcdnn::models {

class PoolLayer : public Layer {
 public:
  explicit PoolLayer(const LayerSpec& spec);

  int64_t SavedIntsPerImage(const LayerShape& shape) const override;
  void Forward(const LayerParams* params, const LayerShape& shape, int n, const float* in, float* out,
               const LayerBuffers& buffers) const override;
  void Backward(const LayerParams* params, const LayerShape& shape, int n, const float* in, const float* out,
                float* out_grad, float* in_grad, LayerParams* param_grads,
                const LayerBuffers& buffers) const override;

 private:
  bool max_;
  int kernel_, stride_, pad_;
};

}  // namespace rcdnn::models
