// The simulator's entry points: weight and precision validation, and the
// analytical run. The mapping is in mapper.cc, the timeline and the assembly
// of results in timing.cc, the bit-accurate run in bit_accurate.cc.
#include "accel_sim/simulator.h"

#include <algorithm>

#include "accel_sim/mapper.h"
#include "accel_sim/margin_controller.h"
#include "accel_sim/timing.h"
#include "common/error.h"

namespace rcdnn::accel {

using models::LayerShape;
using models::LayerSpec;
using models::NetSpec;
using models::Widths;

void ValidateNetWeights(const NetSpec& spec, const NetWeights& weights) {
  const std::vector<LayerShape> full = models::InferShapes(spec, models::FullWidths(spec));
  size_t next = 0;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    if (!layer.HasWeights()) continue;
    if (next >= weights.layers.size()) {
      throw Error(spec.name + ": no weights given for layer '" + layer.name + "'");
    }
    const LayerWeights& w = weights.layers[next++];
    const std::string where = spec.name + ": weights for layer '" + layer.name + "'";
    if (w.layer != layer.name) throw Error(where + " are labelled '" + w.layer + "'");
    const int64_t rows = full[i].out_channels;
    const int64_t cols = rows > 0 ? full[i].weight_count / rows : 0;
    if (w.rows != rows || w.cols != cols) {
      throw Error(where + " are " + std::to_string(w.rows) + "x" + std::to_string(w.cols) + ", the spec needs " +
                  std::to_string(rows) + "x" + std::to_string(cols));
    }
    if (static_cast<int64_t>(w.weights.size()) != rows * cols) {
      throw Error(where + " hold " + std::to_string(w.weights.size()) + " values, " + std::to_string(rows) + "x" +
                  std::to_string(cols) + " needs " + std::to_string(rows * cols));
    }
    if (static_cast<int64_t>(w.biases.size()) != rows) {
      throw Error(where + " have " + std::to_string(w.biases.size()) + " biases, the layer has " +
                  std::to_string(rows) + " outputs");
    }
  }
  if (next != weights.layers.size()) {
    throw Error(spec.name + ": " + std::to_string(weights.layers.size()) + " weight layers given, the spec has " +
                std::to_string(next) + " conv/fc layers");
  }
}

Precision UniformPrecision(const NetSpec& spec, FixedPointFormat format) {
  Precision precision;
  precision.input = format;
  for (const LayerSpec& layer : spec.layers) {
    if (layer.HasWeights()) precision.layers.push_back(LayerFormats{format, format});
  }
  return precision;
}

void ValidatePrecision(const NetSpec& spec, const Precision& precision, const TechConfig& tech) {
  ValidateFormat(precision.input, spec.name + ": input format");
  auto check_width = [&](FixedPointFormat f, const std::string& what) {
    ValidateFormat(f, what);
    if (f.total_bits > tech.word_bits) {
      throw Error(what + " " + f.ToString() + " is wider than the tile's " + std::to_string(tech.word_bits) +
                  "-bit words (" + tech.source + ")");
    }
  };
  check_width(precision.input, spec.name + ": input format");
  size_t next = 0;
  for (const LayerSpec& layer : spec.layers) {
    if (!layer.HasWeights()) continue;
    if (next >= precision.layers.size()) {
      throw Error(spec.name + ": no fixed-point formats given for layer '" + layer.name + "'");
    }
    const LayerFormats& f = precision.layers[next++];
    check_width(f.weights, spec.name + ": layer '" + layer.name + "' weight format");
    check_width(f.outputs, spec.name + ": layer '" + layer.name + "' output format");
  }
  if (next != precision.layers.size()) {
    throw Error(spec.name + ": " + std::to_string(precision.layers.size()) + " layer formats given, the spec has " +
                std::to_string(next) + " conv/fc layers");
  }
}

SimResult SimulateAnalytical(const NetSpec& spec, const Widths& widths, const TechConfig& tech,
                             const SimOptions& options) {
  if (options.num_images < 1) throw Error(spec.name + ": num_images must be at least 1");
  const NetworkMapping net = MapNetwork(spec, widths, tech);
  Components components(tech);
  std::vector<LayerResult> per_geometry(net.geometries.size());
  // Image 0 loads everything; every later image is the same as image 1 (the
  // weights stay in Sb when the whole network's weights fit), so image 1 is
  // simulated once and counted num_images - 1 times.
  for (int image = 0; image < std::min(options.num_images, 2); ++image) {
    const int64_t times = image == 0 ? 1 : options.num_images - 1;
    for (size_t i = 0; i < net.geometries.size(); ++i) {
      const bool weights_in_sb = net.weights_resident && image > 0;
      const LayerRun run =
          RunLayer(net.geometries[i], net.mappings[i], net.caps, weights_in_sb, tech, components, nullptr);
      AccumulateRun(run, times, &per_geometry[i]);
    }
  }
  MarginController controller(tech.margin);
  if (options.margin_controller) controller.Count(options.num_images);
  return Assemble(spec, widths, tech, net, std::move(per_geometry), controller.stats(), options.num_images,
                  "analytical");
}

}  // namespace rcdnn::accel
