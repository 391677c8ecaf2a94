#include "models/dyvedeep/knobbed_network.h"

#include <algorithm>
#include <utility>

#include "common/error.h"

namespace rcdnn::models::dyvedeep {

int64_t KnobStats::TotalMacs() const {
  int64_t total = 0;
  for (const LayerCounts& layer : layers) total += layer.total_macs;
  return total;
}

int64_t KnobStats::ExecutedMacs() const {
  int64_t total = 0;
  for (const LayerCounts& layer : layers) total += layer.executed_macs;
  return total;
}

void KnobStats::Add(const KnobStats& other) {
  if (layers.empty()) {
    for (const LayerCounts& layer : other.layers) layers.push_back(LayerCounts{layer.layer});
  }
  if (layers.size() != other.layers.size()) throw Error("KnobStats::Add: the runs count different layers");
  for (size_t i = 0; i < layers.size(); ++i) layers[i].Add(other.layers[i]);
  images += other.images;
}

KnobbedNetwork::KnobbedNetwork(NetSpec spec, const NetParams& params) : spec_(std::move(spec)), params_(params) {
  if (spec_.layers.empty() || spec_.layers.back().kind != LayerKind::kFc) {
    throw Error(spec_.name + ": the last layer must be an fc classifier");
  }
  ValidateParams(spec_, params_, "params");
  const std::vector<LayerShape> full = InferShapes(spec_, FullWidths(spec_));
  const std::vector<int> sliced = spec_.SlicedLayerIndices();
  const int classifier = spec_.ClassifierIndex();
  const int count = static_cast<int>(spec_.layers.size());
  auto kind_at = [&](int i) { return i < count ? spec_.layers[i].kind : LayerKind::kFc; };
  for (int i = 0; i < count; ++i) {
    const LayerSpec& layer = spec_.layers[i];
    Step step;
    step.layer = i;
    step.fused_relu = i + 1 < count && layer.HasWeights() && i != classifier && kind_at(i + 1) == LayerKind::kRelu;
    step.in_place = layer.kind == LayerKind::kRelu && !steps_.empty();
    step.saturating = i != classifier && (step.fused_relu || (layer.kind == LayerKind::kConv && i + 2 < count &&
                                                              kind_at(i + 1) == LayerKind::kMaxPool &&
                                                              kind_at(i + 2) == LayerKind::kRelu));
    if (i == classifier) {
      step.param_index = kHead;
    } else if (layer.HasWeights()) {
      step.param_index = static_cast<int>(std::find(sliced.begin(), sliced.end(), i) - sliced.begin());
    }
    if (layer.HasWeights()) {
      step.counted = static_cast<int>(counted_.size());
      counted_.push_back(layer.name);
    }
    step.impl = MakeLayer(layer, step.fused_relu);
    output_offset_.push_back(step.in_place ? output_offset_.back() : activation_floats_);
    if (!step.in_place) activation_floats_ += full[i].OutputSize();
    scratch_floats_ = std::max(scratch_floats_, step.impl->ScratchFloats(full[i]));
    steps_.push_back(std::move(step));
    if (steps_.back().fused_relu) ++i;
  }
  for (size_t j = 0; j < sliced.size(); ++j) {
    const LayerSpec& layer = spec_.layers[sliced[j]];
    conv_tables_.push_back(layer.kind == LayerKind::kConv ? MakeConvTables(params_.sliced[j], layer.kernel)
                                                          : ConvTables{});
    fc_tables_.push_back(layer.kind == LayerKind::kFc ? MakeFcTables(params_.sliced[j]) : FcTables{});
  }
}

KnobbedNetwork::~KnobbedNetwork() = default;

std::vector<std::string> KnobbedNetwork::CountedLayers() const { return counted_; }

void KnobbedNetwork::Forward(const float* images, int n, const Widths& widths, int head,
                             const KnobSettings& settings, KnobWorkspace* ws, KnobStats* stats,
                             Eigen::Ref<RowMatrix> logits) const {
  if (ws == nullptr) throw Error(spec_.name + ": workspace is null");
  if (n < 0) throw Error(spec_.name + ": batch size " + std::to_string(n) + " is negative");
  if (head < 0 || head >= static_cast<int>(params_.heads.size())) {
    throw Error(spec_.name + ": head " + std::to_string(head) + " is out of range: params have " +
                std::to_string(params_.heads.size()) + " heads");
  }
  const int classes = spec_.NumClasses();
  if (logits.rows() != n || logits.cols() != classes) {
    throw Error(spec_.name + ": logits are " + std::to_string(logits.rows()) + "x" + std::to_string(logits.cols()) +
                ", expected " + std::to_string(n) + "x" + std::to_string(classes) + " (images x classes)");
  }
  ValidateKnobSettings(settings);
  const std::vector<LayerShape> shapes = InferShapes(spec_, widths);  // validates widths, naming the layer
  KnobStats run;
  for (const std::string& name : counted_) run.layers.push_back(LayerCounts{name});
  run.images = n;
  if (n == 0) {
    if (stats != nullptr) stats->Add(run);
    return;
  }
  // The engine's layout: step s writes n * output_offset_[s] floats into one buffer.
  if (ws->activations.size() < static_cast<size_t>(n * activation_floats_)) {
    ws->activations.assign(n * activation_floats_, 0.0f);
  }
  if (ws->scratch.size() < static_cast<size_t>(scratch_floats_)) ws->scratch.assign(scratch_floats_, 0.0f);
  LayerBuffers buffers;
  buffers.scratch = ws->scratch.data();
  auto output_of = [&](size_t s) { return ws->activations.data() + n * output_offset_[s]; };

  for (size_t s = 0; s < steps_.size(); ++s) {
    const Step& step = steps_[s];
    const LayerSpec& spec = spec_.layers[step.layer];
    const LayerShape& shape = shapes[step.layer];
    const float* in = s == 0 ? images : output_of(s - 1);
    float* out = output_of(s);
    const LayerParams* params = step.param_index == kHead  ? &params_.heads[head]
                                : step.param_index >= 0    ? &params_.sliced[step.param_index]
                                                           : nullptr;
    LayerCounts* counts = step.counted >= 0 ? &run.layers[step.counted] : nullptr;
    if (counts != nullptr) counts->total_macs += shape.macs * n;
    const bool sliced = step.param_index >= 0;
    const bool conv_knobs = sliced && spec.kind == LayerKind::kConv &&
                            (settings.sampling || settings.similarity || (settings.saturation && step.saturating));
    const bool fc_knobs = sliced && spec.kind == LayerKind::kFc && settings.saturation && step.fused_relu;
    if (conv_knobs) {
      ConvKnobLayer layer;
      layer.params = params;
      layer.tables = &conv_tables_[step.param_index];
      layer.geometry.channels = shape.in_channels;
      layer.geometry.height = shape.in_height;
      layer.geometry.width = shape.in_width;
      layer.geometry.kernel = spec.kernel;
      layer.geometry.stride = spec.stride;
      layer.geometry.pad = spec.pad;
      layer.geometry.out_height = shape.out_height;
      layer.geometry.out_width = shape.out_width;
      layer.outputs = shape.out_channels;
      layer.fused_relu = step.fused_relu;
      layer.saturating = step.saturating;
      for (int i = 0; i < n; ++i) {
        const float* image = in + i * shape.InputSize();
        float* result = out + i * shape.OutputSize();
        if (!KnobbedConvForward(layer, settings, image, result, &ws->knob, counts)) {
          step.impl->Forward(params, shape, 1, image, result, buffers);  // nothing to approximate
          counts->executed_macs += shape.macs;
        }
      }
    } else if (fc_knobs) {
      const int inputs = static_cast<int>(shape.InputSize());
      for (int i = 0; i < n; ++i) {
        KnobbedFcForward(*params, fc_tables_[step.param_index], inputs, shape.out_channels, settings,
                         in + int64_t{i} * inputs, out + int64_t{i} * shape.out_channels, counts);
      }
    } else {
      step.impl->Forward(params, shape, n, in, out, buffers);
      if (counts != nullptr) counts->executed_macs += shape.macs * n;
    }
  }
  logits = Eigen::Map<const RowMatrix>(output_of(steps_.size() - 1), n, classes);
  if (stats != nullptr) stats->Add(run);
}

}  // namespace rcdnn::models::dyvedeep
