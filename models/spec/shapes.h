// Sub-network widths and the tensor shapes they give each layer.
//
// A sub-network is a vector of active output-channel counts, one per sliced
// layer (NetSpec::SlicedLayerIndices order): the paper's uniform fraction is
// one way to fill it (UniformWidths), Yang & Fan's per-layer fractions
// another (PerLayerWidths). Pool and ReLU layers keep their input's width;
// the classifier keeps its output count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/spec/net_spec.h"

namespace rcdnn::models {

using Widths = std::vector<int>;

struct LayerShape {
  int in_channels = 0, in_height = 0, in_width = 0;
  int out_channels = 0, out_height = 0, out_width = 0;
  int64_t macs = 0;          // multiply-accumulates of one image's forward pass
  int64_t weight_count = 0;  // active weights, biases excluded
  int64_t bias_count = 0;    // active biases
  int64_t InputSize() const { return int64_t{in_channels} * in_height * in_width; }
  int64_t OutputSize() const { return int64_t{out_channels} * out_height * out_width; }
};

Widths FullWidths(const NetSpec& spec);

// Channels = round(fraction * full), halves rounded up, at least 1.
// `fraction` must be in (0, 1]. For ALEXnet at 0.25: 8/32, 8/32, 16/64.
Widths UniformWidths(const NetSpec& spec, double fraction);

// One fraction per sliced layer, rounded as in UniformWidths.
Widths PerLayerWidths(const NetSpec& spec, const std::vector<double>& fractions);

// Throws rcdnn::Error naming the layer when a width is < 1 or above the
// layer's full channel count, or when the vector has the wrong length.
void ValidateWidths(const NetSpec& spec, const Widths& widths);

// Output size of a convolution (floor, as Caffe and cuDNN do).
int ConvOutputSize(int input, int kernel, int stride, int pad);
// Output size of a pooling layer with Caffe's rounding: ceil, then drop a last
// window that would start entirely inside the padding.
int PoolOutputSize(int input, int kernel, int stride, int pad);

// Shapes of every layer of the sub-network `widths`. Throws rcdnn::Error
// naming the layer when it cannot be mapped (e.g. a kernel larger than its
// padded input).
std::vector<LayerShape> InferShapes(const NetSpec& spec, const Widths& widths);

int64_t TotalMacs(const std::vector<LayerShape>& shapes);

// "8,8,16" — the canonical text form used in the results store.
std::string WidthsToString(const Widths& widths);

}  // namespace rcdnn::models
