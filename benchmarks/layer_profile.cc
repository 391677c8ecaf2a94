#include "benchmarks/layer_profile.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "benchmarks/cpu_latency.h"
#include "common/error.h"
#include "models/engine/layer.h"

namespace rcdnn::benchmarks {

std::vector<LayerTime> ProfileLayers(const models::NetSpec& spec, const models::NetParams& params,
                                     const models::Widths& widths, int head, int warmup, int repetitions) {
  using Clock = std::chrono::steady_clock;
  models::ValidateParams(spec, params, "params");
  if (head < 0 || head >= static_cast<int>(params.heads.size())) {
    throw Error("ProfileLayers: head " + std::to_string(head) + " does not exist");
  }
  const std::vector<models::LayerShape> shapes = models::InferShapes(spec, widths);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  std::vector<LayerTime> times;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const models::LayerSpec& layer_spec = spec.layers[i];
    const models::LayerShape& shape = shapes[i];
    const std::unique_ptr<models::Layer> layer = models::MakeLayer(layer_spec, /*fused_relu=*/false);
    const models::LayerParams* layer_params = nullptr;
    if (static_cast<int>(i) == spec.ClassifierIndex()) {
      layer_params = &params.heads[head];
    } else if (layer_spec.HasWeights()) {
      layer_params = &params.sliced[std::find(sliced.begin(), sliced.end(), static_cast<int>(i)) - sliced.begin()];
    }
    const std::vector<float> in = NoiseImages(shape.InputSize(), 11);
    std::vector<float> out(shape.OutputSize());
    std::vector<float> scratch(std::max<int64_t>(1, layer->ScratchFloats(shape)));
    models::LayerBuffers buffers;
    buffers.scratch = scratch.data();
    auto run = [&] { layer->Forward(layer_params, shape, 1, in.data(), out.data(), buffers); };
    for (int r = 0; r < warmup; ++r) run();
    std::vector<double> samples_us;
    for (int r = 0; r < repetitions; ++r) {
      const Clock::time_point start = Clock::now();
      run();
      samples_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    times.push_back({layer_spec.name, models::LayerKindName(layer_spec.kind), shape.macs, Summarize(samples_us)});
  }
  return times;
}

}  // namespace rcdnn::benchmarks
