#include "models/spec/shapes.h"

#include <cmath>

#include "common/error.h"

namespace rcdnn::models {

Widths FullWidths(const NetSpec& spec) {
  Widths widths;
  for (int index : spec.SlicedLayerIndices()) widths.push_back(spec.layers[index].outputs);
  return widths;
}

static int RoundChannels(double fraction, int full) {
  const int channels = static_cast<int>(std::floor(fraction * full + 0.5));
  return channels < 1 ? 1 : channels;
}

Widths UniformWidths(const NetSpec& spec, double fraction) {
  if (!(fraction > 0.0 && fraction <= 1.0)) {
    throw Error("width fraction " + std::to_string(fraction) + " is outside (0, 1]");
  }
  Widths widths;
  for (int full : FullWidths(spec)) widths.push_back(RoundChannels(fraction, full));
  return widths;
}

Widths PerLayerWidths(const NetSpec& spec, const std::vector<double>& fractions) {
  const Widths full = FullWidths(spec);
  if (fractions.size() != full.size()) {
    throw Error(spec.name + ": " + std::to_string(fractions.size()) + " per-layer fractions given, the network has " +
                std::to_string(full.size()) + " sliced layers");
  }
  Widths widths;
  for (size_t i = 0; i < full.size(); ++i) {
    if (!(fractions[i] > 0.0 && fractions[i] <= 1.0)) {
      throw Error(spec.name + ": fraction " + std::to_string(fractions[i]) + " for layer '" +
                  spec.layers[spec.SlicedLayerIndices()[i]].name + "' is outside (0, 1]");
    }
    widths.push_back(RoundChannels(fractions[i], full[i]));
  }
  return widths;
}

void ValidateWidths(const NetSpec& spec, const Widths& widths) {
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  if (widths.size() != sliced.size()) {
    throw Error(spec.name + ": width vector has " + std::to_string(widths.size()) + " entries, the network has " +
                std::to_string(sliced.size()) + " sliced layers");
  }
  for (size_t i = 0; i < sliced.size(); ++i) {
    const LayerSpec& layer = spec.layers[sliced[i]];
    if (widths[i] < 1 || widths[i] > layer.outputs) {
      throw Error(spec.name + ": width " + std::to_string(widths[i]) + " for layer '" + layer.name +
                  "' must be between 1 and " + std::to_string(layer.outputs));
    }
  }
}

int ConvOutputSize(int input, int kernel, int stride, int pad) {
  return (input + 2 * pad - kernel) / stride + 1;
}

int PoolOutputSize(int input, int kernel, int stride, int pad) {
  int pooled = static_cast<int>(std::ceil(static_cast<double>(input + 2 * pad - kernel) / stride)) + 1;
  if (pad > 0 && (pooled - 1) * stride >= input + pad) --pooled;
  return pooled;
}

std::vector<LayerShape> InferShapes(const NetSpec& spec, const Widths& widths) {
  ValidateWidths(spec, widths);
  std::vector<LayerShape> shapes;
  int channels = spec.input_channels, height = spec.input_height, width = spec.input_width;
  size_t next_width = 0;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    LayerShape shape;
    shape.in_channels = channels;
    shape.in_height = height;
    shape.in_width = width;
    const bool is_classifier = static_cast<int>(i) == spec.ClassifierIndex();
    switch (layer.kind) {
      case LayerKind::kConv:
      case LayerKind::kMaxPool:
      case LayerKind::kAvgPool: {
        if (height + 2 * layer.pad < layer.kernel || width + 2 * layer.pad < layer.kernel) {
          throw Error(spec.name + ": layer '" + layer.name + "' (line " + std::to_string(layer.line) + ") has a " +
                      std::to_string(layer.kernel) + "x" + std::to_string(layer.kernel) + " kernel over a " +
                      std::to_string(height) + "x" + std::to_string(width) + " input with pad " +
                      std::to_string(layer.pad) + ": it cannot be mapped");
        }
        const bool conv = layer.kind == LayerKind::kConv;
        shape.out_height = conv ? ConvOutputSize(height, layer.kernel, layer.stride, layer.pad)
                                : PoolOutputSize(height, layer.kernel, layer.stride, layer.pad);
        shape.out_width = conv ? ConvOutputSize(width, layer.kernel, layer.stride, layer.pad)
                               : PoolOutputSize(width, layer.kernel, layer.stride, layer.pad);
        shape.out_channels = conv ? widths[next_width++] : channels;
        if (conv) {
          shape.weight_count = int64_t{shape.out_channels} * channels * layer.kernel * layer.kernel;
          shape.bias_count = shape.out_channels;
          shape.macs = shape.weight_count * shape.out_height * shape.out_width;
        }
        break;
      }
      case LayerKind::kFc:
        shape.out_channels = is_classifier ? layer.outputs : widths[next_width++];
        shape.out_height = shape.out_width = 1;
        shape.weight_count = int64_t{shape.out_channels} * shape.InputSize();
        shape.bias_count = shape.out_channels;
        shape.macs = shape.weight_count;
        break;
      case LayerKind::kRelu:
        shape.out_channels = channels;
        shape.out_height = height;
        shape.out_width = width;
        break;
    }
    channels = shape.out_channels;
    height = shape.out_height;
    width = shape.out_width;
    shapes.push_back(shape);
  }
  return shapes;
}

int64_t TotalMacs(const std::vector<LayerShape>& shapes) {
  int64_t total = 0;
  for (const LayerShape& shape : shapes) total += shape.macs;
  return total;
}

std::string WidthsToString(const Widths& widths) {
  std::string text;
  for (size_t i = 0; i < widths.size(); ++i) text += (i ? "," : "") + std::to_string(widths[i]);
  return text;
}

}  // namespace rcdnn::models
