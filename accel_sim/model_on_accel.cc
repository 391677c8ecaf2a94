#include "accel_sim/model_on_accel.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>

#include "common/error.h"
#include "models/engine/network.h"
#include "models/train/evaluate.h"

namespace rcdnn::accel {
namespace {

LayerWeights ToLayerWeights(const std::string& name, const models::LayerParams& params) {
  LayerWeights w;
  w.layer = name;
  w.rows = static_cast<int>(params.weights.rows());
  w.cols = static_cast<int>(params.weights.cols());
  // RowMatrix is row-major: its storage is already the simulator's layout.
  w.weights.assign(params.weights.data(), params.weights.data() + params.weights.size());
  w.biases.assign(params.bias.data(), params.bias.data() + params.bias.size());
  return w;
}

// Index of the first largest element.
template <typename T>
int ArgMax(const std::vector<T>& values) {
  return static_cast<int>(std::max_element(values.begin(), values.end()) - values.begin());
}

// The simulator over images [begin, end), one run per thread; results in order.
std::vector<SimResult> SimulateInChunks(const models::NetSpec& spec, const models::Widths& widths,
                                        const TechConfig& tech, const NetWeights& weights, const Precision& precision,
                                        const std::vector<std::vector<float>>& images, int threads) {
  const int64_t n = static_cast<int64_t>(images.size());
  const int chunks = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, n)));
  std::vector<SimResult> results(chunks);
  std::vector<std::exception_ptr> errors(chunks);
  auto run = [&](int c) {
    try {
      const int64_t begin = n * c / chunks, end = n * (c + 1) / chunks;
      const std::vector<std::vector<float>> part(images.begin() + begin, images.begin() + end);
      SimOptions options;
      options.margin_controller = false;  // the comparison needs the scores only
      results[c] = SimulateBitAccurate(spec, widths, tech, weights, precision, part, options);
    } catch (...) {
      errors[c] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (int c = 1; c < chunks; ++c) pool.emplace_back(run, c);
  run(0);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return results;
}

}  // namespace

NetWeights WeightsOfIncrement(const models::Model& model, int head) {
  const models::NetSpec& spec = model.spec;
  if (head < 0 || head >= static_cast<int>(model.params.heads.size())) {
    throw Error(spec.name + ": the model has " + std::to_string(model.params.heads.size()) + " classifiers, no head " +
                std::to_string(head + 1));
  }
  models::ValidateParams(spec, model.params, "model");
  NetWeights weights;
  size_t sliced = 0;
  for (int i = 0; i < static_cast<int>(spec.layers.size()); ++i) {
    if (!spec.layers[i].HasWeights()) continue;
    const models::LayerParams& params =
        i == spec.ClassifierIndex() ? model.params.heads[head] : model.params.sliced.at(sliced++);
    weights.layers.push_back(ToLayerWeights(spec.layers[i].name, params));
  }
  ValidateNetWeights(spec, weights);
  return weights;
}

std::vector<IncrementComparison> CompareOnAccelerator(const models::Model& model, const data::ImageSet& images,
                                                      const TechConfig& tech, const CompareOptions& options) {
  const models::NetSpec& spec = model.spec;
  const int64_t image_floats = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  if (images.channels != spec.input_channels || images.height != spec.input_height ||
      images.width != spec.input_width) {
    throw Error("images of " + std::to_string(images.channels) + "x" + std::to_string(images.height) + "x" +
                std::to_string(images.width) + " do not fit network '" + spec.name + "'");
  }
  const int64_t n = std::min<int64_t>(options.images, images.size());
  if (n < 1) throw Error("no images to compare network '" + spec.name + "' on");
  if (options.threads < 1) throw Error("threads must be at least 1, got " + std::to_string(options.threads));
  std::vector<std::vector<float>> inputs(n);
  for (int64_t k = 0; k < n; ++k) {
    inputs[k].assign(images.images.begin() + k * image_floats, images.images.begin() + (k + 1) * image_floats);
  }
  const bool fixed = tech.arithmetic == Arithmetic::kFixed;
  const Precision precision = UniformPrecision(spec, fixed ? tech.format : FixedPointFormat{});
  models::EngineOptions engine_options;
  engine_options.threads = options.threads;
  const models::Network net(spec, engine_options);
  const int classes = spec.NumClasses();

  std::vector<IncrementComparison> out;
  for (int head = 0; head < model.NumIncrements(); ++head) {
    const models::Widths& widths = model.schedule[head];
    IncrementComparison c;
    c.increment = head + 1;
    c.widths = widths;
    c.images = n;
    const models::Predictions floats = models::Evaluate(net, model.params, images, widths, head, n);
    c.accuracy_float = floats.Accuracy();
    // The float logits themselves, for the score error.
    models::RowMatrix logits(n, classes);
    models::Workspace workspace;
    constexpr int64_t kBatch = 256;
    for (int64_t begin = 0; begin < n; begin += kBatch) {
      const int64_t count = std::min(kBatch, n - begin);
      net.Forward(model.params, images.images.data() + begin * image_floats, static_cast<int>(count), widths, head,
                  &workspace, logits.middleRows(begin, count));
    }

    const NetWeights weights = WeightsOfIncrement(model, head);
    const std::vector<SimResult> chunks = SimulateInChunks(spec, widths, tech, weights, precision, inputs,
                                                           options.threads);
    int64_t k = 0, correct = 0, agree = 0;
    double error_sum = 0;
    for (size_t ci = 0; ci < chunks.size(); ++ci) {
      const SimResult& r = chunks[ci];
      SaturationStats s = r.total.saturations;
      if (ci > 0) s.weights = s.biases = 0;  // quantized once per run: count them once
      c.saturations.Add(s);
      for (size_t j = 0; j < r.outputs.size(); ++j, ++k) {
        const int predicted = fixed ? ArgMax(r.raw_outputs[j]) : ArgMax(r.outputs[j]);
        correct += predicted == images.labels[k] ? 1 : 0;
        agree += predicted == floats.predicted[k] ? 1 : 0;
        for (int cl = 0; cl < classes; ++cl) {
          const double e = std::fabs(static_cast<double>(logits(k, cl)) - r.outputs[j][cl]);
          c.max_abs_score_error = std::max(c.max_abs_score_error, e);
          error_sum += e;
        }
      }
    }
    if (k != n) throw Error("simulated " + std::to_string(k) + " of " + std::to_string(n) + " images");
    c.accuracy_accel = static_cast<double>(correct) / n;
    c.agreement = static_cast<double>(agree) / n;
    c.mean_abs_score_error = error_sum / (static_cast<double>(n) * classes);
    out.push_back(c);
  }
  return out;
}

}  // namespace rcdnn::accel
