#include "models/precision/precision_search.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <thread>

#include "common/error.h"
#include "common/progress.h"
#include "models/engine/layer.h"

namespace rcdnn::precision {

using models::LayerKind;
using models::LayerShape;
using models::NetSpec;

SearchSizes SizesForProfile(const std::string& profile, int64_t macs_per_image) {
  ValidateProfile(profile);
  if (profile == "smoke") return SearchSizes{200, 500, 10, 4};
  if (profile == "paper") return SearchSizes{-1, -1, 32, 25};
  // quick: a compute budget per evaluation rather than a fixed image count:
  // LeNet's whole MNIST validation and test splits (1,000 and 9,000 images of
  // 2.29 M MACs; about 0.4 s an evaluation on the bit-accurate tile's exact
  // GEMMs), and proportionally fewer images for bigger networks, but at least
  // 500 and 2,000 (ALEXnet: 12.3 M MACs, so the floors), so that
  // scripts/run's quick profile stays well under an hour on 2 cores.
  // Rounded down to whole tens, so the class-balanced subsets stay balanced.
  constexpr double kLeNetMacs = 2293000;
  const double scale = macs_per_image > 0 ? std::min(1.0, kLeNetMacs / static_cast<double>(macs_per_image)) : 1.0;
  auto images = [&](int lenet_images, int floor) {
    return std::max(floor, static_cast<int>(lenet_images * scale) / 10 * 10);
  };
  return SearchSizes{images(1000, 500), images(9000, 2000), 12, 6};
}

void ValidateProfile(const std::string& profile) {
  if (profile != "smoke" && profile != "quick" && profile != "paper") {
    throw Error("unknown profile '" + profile + "': use smoke, quick or paper");
  }
}

std::vector<int64_t> BalancedPrefix(const std::vector<uint8_t>& labels, int64_t k) {
  const int64_t n = static_cast<int64_t>(labels.size());
  std::vector<int64_t> out;
  if (k < 0 || k >= n) {
    for (int64_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  std::vector<std::vector<int64_t>> by_class;
  for (int64_t i = 0; i < n; ++i) {
    if (labels[i] >= by_class.size()) by_class.resize(labels[i] + 1);
    by_class[labels[i]].push_back(i);
  }
  std::vector<size_t> next(by_class.size(), 0);
  while (static_cast<int64_t>(out.size()) < k) {
    for (size_t c = 0; c < by_class.size() && static_cast<int64_t>(out.size()) < k; ++c) {
      if (next[c] < by_class[c].size()) out.push_back(by_class[c][next[c]++]);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

void CheckImages(const NetSpec& spec, const data::ImageSet& set, const std::string& what) {
  if (set.channels != spec.input_channels || set.height != spec.input_height || set.width != spec.input_width) {
    throw Error(what + " images of " + std::to_string(set.channels) + "x" + std::to_string(set.height) + "x" +
                std::to_string(set.width) + " do not fit network '" + spec.name + "'");
  }
}

int64_t ImageFloats(const NetSpec& spec) {
  return int64_t{spec.input_channels} * spec.input_height * spec.input_width;
}

int ArgMax(const std::vector<int32_t>& v) {
  return static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin());
}

}  // namespace

accel::NetWeights WeightsOfModel(const models::Model& model, int head) {
  const NetSpec& spec = model.spec;
  if (head < 0 || head >= static_cast<int>(model.params.heads.size())) {
    throw Error(spec.name + ": the model has " + std::to_string(model.params.heads.size()) + " classifiers, no head " +
                std::to_string(head + 1));
  }
  models::ValidateParams(spec, model.params, "model");
  accel::NetWeights weights;
  size_t sliced = 0;
  for (int i = 0; i < static_cast<int>(spec.layers.size()); ++i) {
    if (!spec.layers[i].HasWeights()) continue;
    const models::LayerParams& params =
        i == spec.ClassifierIndex() ? model.params.heads[head] : model.params.sliced.at(sliced++);
    accel::LayerWeights w;
    w.layer = spec.layers[i].name;
    w.rows = static_cast<int>(params.weights.rows());
    w.cols = static_cast<int>(params.weights.cols());
    // RowMatrix is row-major: its storage is already the simulator's layout.
    w.weights.assign(params.weights.data(), params.weights.data() + params.weights.size());
    w.biases.assign(params.bias.data(), params.bias.data() + params.bias.size());
    weights.layers.push_back(std::move(w));
  }
  accel::ValidateNetWeights(spec, weights);
  return weights;
}

ValueRanges MeasureValueRanges(const PrecisionProblem& problem, const data::ImageSet& set,
                               const std::vector<int64_t>& images) {
  const NetSpec& spec = problem.spec;
  CheckImages(spec, set, "calibration");
  if (images.empty()) throw Error("no calibration images to measure value ranges on");
  const std::vector<LayerShape> shapes = models::InferShapes(spec, problem.widths);
  const int n = static_cast<int>(images.size());
  const int64_t floats = ImageFloats(spec);
  std::vector<float> current(static_cast<size_t>(n) * floats);
  for (int k = 0; k < n; ++k) {
    std::copy_n(set.images.begin() + images[k] * floats, floats, current.begin() + int64_t{k} * floats);
  }
  auto max_abs = [](const std::vector<float>& v) {
    double m = 0;
    for (float x : v) m = std::max(m, std::fabs(static_cast<double>(x)));
    return m;
  };
  ValueRanges ranges;
  ranges.activations.push_back(max_abs(current));
  size_t sliced = 0;
  for (int i = 0; i < static_cast<int>(spec.layers.size()); ++i) {
    const models::LayerSpec& layer = spec.layers[i];
    const LayerShape& shape = shapes[i];
    const models::LayerParams* params = nullptr;
    if (layer.HasWeights()) {
      params = i == spec.ClassifierIndex() ? &problem.params.heads.at(problem.head) : &problem.params.sliced.at(sliced++);
      const int64_t cols = layer.kind == LayerKind::kConv ? int64_t{shape.in_channels} * layer.kernel * layer.kernel
                                                          : shape.InputSize();
      ranges.weights.push_back(
          static_cast<double>(params->weights.topLeftCorner(shape.out_channels, cols).cwiseAbs().maxCoeff()));
    }
    const std::unique_ptr<models::Layer> impl = models::MakeLayer(layer, /*fused_relu=*/false);
    std::vector<float> scratch(std::max<int64_t>(1, impl->ScratchFloats(shape)));
    std::vector<float> next(static_cast<size_t>(n) * shape.OutputSize());
    models::LayerBuffers buffers;
    buffers.scratch = scratch.data();
    impl->Forward(params, shape, n, current.data(), next.data(), buffers);
    current.swap(next);
    // A conv/fc output, or the ReLU fused into the conv/fc before it: the
    // value the tile stores in that layer's output format.
    const bool fused_relu = layer.kind == LayerKind::kRelu && i > 0 && spec.layers[i - 1].HasWeights();
    if (layer.HasWeights()) {
      ranges.activations.push_back(max_abs(current));
    } else if (fused_relu) {
      ranges.activations.back() = max_abs(current);
    }
  }
  return ranges;
}

std::vector<std::vector<float>> TileImages(const NetSpec& spec, const data::ImageSet& set,
                                           const std::vector<int64_t>& images) {
  const int64_t floats = ImageFloats(spec);
  std::vector<std::vector<float>> pixels;
  for (int64_t i : images) pixels.emplace_back(set.images.begin() + i * floats, set.images.begin() + (i + 1) * floats);
  return pixels;
}

TileClassifier::TileClassifier(const PrecisionProblem& problem, const data::ImageSet& set,
                               const std::vector<int64_t>& images, int threads)
    : problem_(problem), threads_(threads) {
  CheckImages(problem.spec, set, "evaluation");
  if (threads < 1) throw Error("threads must be at least 1, got " + std::to_string(threads));
  images_ = TileImages(problem.spec, set, images);
  for (int64_t i : images) labels_.push_back(set.labels[i]);
}

std::vector<uint8_t> TileClassifier::Correct(const accel::Precision& precision) const {
  const int64_t n = size();
  const int chunks = static_cast<int>(std::min<int64_t>(threads_, n));
  std::vector<std::vector<uint8_t>> parts(chunks);
  std::vector<std::exception_ptr> errors(chunks);
  accel::SimOptions options;
  options.margin_controller = false;  // accuracy only; the controller does not change scores
  auto run = [&](int c) {
    try {
      const int64_t begin = n * c / chunks, end = n * (c + 1) / chunks;
      const std::vector<std::vector<float>> chunk(images_.begin() + begin, images_.begin() + end);
      const accel::SimResult r = accel::SimulateBitAccurate(problem_.spec, problem_.widths, problem_.tech,
                                                            problem_.weights, precision, chunk, options);
      for (int64_t k = 0; k < end - begin; ++k) {
        parts[c].push_back(ArgMax(r.raw_outputs[k]) == labels_[begin + k] ? 1 : 0);
      }
    } catch (...) {
      errors[c] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  for (int c = 1; c < chunks; ++c) workers.emplace_back(run, c);
  run(0);
  for (std::thread& t : workers) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  std::vector<uint8_t> correct;
  for (const auto& part : parts) correct.insert(correct.end(), part.begin(), part.end());
  return correct;
}

double Mean(const std::vector<uint8_t>& correct) {
  if (correct.empty()) return 0;
  int64_t sum = 0;
  for (uint8_t c : correct) sum += c;
  return static_cast<double>(sum) / static_cast<double>(correct.size());
}

PrecisionSearchReport RunPrecisionSearch(const PrecisionProblem& problem, const PrecisionSearchOptions& options) {
  const NetSpec& spec = problem.spec;
  if (problem.validation == nullptr || problem.test == nullptr) throw Error("precision search: no image sets");
  if (problem.tech.arithmetic != accel::Arithmetic::kFixed) {
    throw Error(problem.tech.source + ": the precision search needs a fixed-point tech (" + problem.tech.name +
                " computes in float)");
  }
  for (int b : options.uniform_bits) {
    if (b > problem.tech.word_bits) {
      throw Error("uniform " + std::to_string(b) + "-bit point is wider than the tile's " +
                  std::to_string(problem.tech.word_bits) + "-bit words (" + problem.tech.source + ")");
    }
  }
  const std::vector<int64_t> val_idx = BalancedPrefix(problem.validation->labels, options.sizes.val_images);
  const std::vector<int64_t> test_idx = BalancedPrefix(problem.test->labels, options.sizes.test_images);
  if (val_idx.empty() || test_idx.empty()) throw Error("precision search: the validation or test set is empty");
  const std::vector<int64_t> calibration_idx =
      options.calibration_images > 0 ? BalancedPrefix(problem.validation->labels, options.calibration_images)
                                     : val_idx;

  PrecisionSearchReport report;
  report.network = spec.name;
  report.widths = problem.widths;
  report.macs = models::TotalMacs(models::InferShapes(spec, problem.widths));
  report.val_images = static_cast<int>(val_idx.size());
  report.test_images = static_cast<int>(test_idx.size());
  report.ranges = MeasureValueRanges(problem, *problem.validation, calibration_idx);
  const int num_layers = static_cast<int>(report.ranges.weights.size());
  const PrecisionSpace space(num_layers, options.candidate_bits, report.ranges);
  for (int b : options.candidate_bits) {
    if (b > problem.tech.word_bits) {
      throw Error("candidate " + std::to_string(b) + " bits is wider than the tile's " +
                  std::to_string(problem.tech.word_bits) + "-bit words (" + problem.tech.source + ")");
    }
  }
  const accel::PrecisionPricer pricer(spec, problem.widths, problem.tech);  // one image, controller on
  report.time_us = pricer.reference().TimeNsPerImage() / 1000.0;
  const TileClassifier val(problem, *problem.validation, val_idx, options.threads);
  const TileClassifier test(problem, *problem.test, test_idx, options.threads);

  // The search.
  Nsga2Options nsga;
  nsga.population = options.sizes.population;
  nsga.generations = options.sizes.generations;
  nsga.seed = options.seed;
  std::vector<int> choices(space.NumGenes(), static_cast<int>(options.candidate_bits.size()));
  std::unique_ptr<ProgressLine> progress;
  const auto start = std::chrono::steady_clock::now();
  const Nsga2Result search = RunNsga2(
      choices, nsga,
      [&](const Genome& genome) {
        const accel::Precision p = space.ToPrecision(genome);
        return Objectives{pricer.Price(p).TotalUjPerImage(), Mean(val.Correct(p))};
      },
      [&](int done, int total) {
        if (!progress) progress = std::make_unique<ProgressLine>("precision_search", total, "evaluations");
        progress->Advance();
        (void)done;
      });
  if (progress) progress->Finish();
  report.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.evaluations = static_cast<int>(search.evaluated.size());
  report.generations_run = search.generations_run;
  report.seconds_per_evaluation = report.evaluations > 0 ? report.search_seconds / report.evaluations : 0;

  // The front and the uniform baselines on the test images: minutes at paper size.
  ProgressLine test_progress("precision_test", static_cast<int64_t>(search.front.size() + options.uniform_bits.size() +
                                                                    options.uniform_formats.size()),
                             "points");
  for (size_t i : search.front) {
    PointReport point;
    point.method = "peluso_calimera";
    point.label = space.Label(search.evaluated[i].genome);
    point.precision = space.ToPrecision(search.evaluated[i].genome);
    point.energy_uj = search.evaluated[i].objectives.energy_uj;
    point.val_accuracy = search.evaluated[i].objectives.accuracy;
    point.test_correct = test.Correct(point.precision);
    point.test_accuracy = Mean(point.test_correct);
    report.front.push_back(std::move(point));
    test_progress.Advance();
  }
  auto add_uniform = [&](const std::string& label, const accel::Precision& p) {
    PointReport point;
    point.method = "uniform_fixed_point";
    point.label = label;
    point.precision = p;
    point.energy_uj = pricer.Price(p).TotalUjPerImage();
    point.val_accuracy = Mean(val.Correct(p));
    point.test_correct = test.Correct(p);
    point.test_accuracy = Mean(point.test_correct);
    report.uniform.push_back(std::move(point));
    test_progress.Advance();
  };
  for (int b : options.uniform_bits) add_uniform("<" + std::to_string(b) + ",range>", UniformRangePrecision(b, report.ranges));
  for (const accel::FixedPointFormat& f : options.uniform_formats) {
    add_uniform(f.ToString(), accel::UniformPrecision(spec, f));
  }

  test_progress.Finish();

  if (!options.budget.empty()) {
    std::vector<OperatingPoint> points;
    for (const PointReport& p : report.front) {
      points.push_back({p.label, p.energy_uj, report.time_us, p.val_accuracy, p.test_correct});
      report.switching_labels.push_back(p.label);
    }
    const int64_t stream = options.stream_images > 0 ? options.stream_images
                                                     : DefaultStreamLength(options.budget, report.test_images);
    report.switching = RunBudgetSwitching(points, options.budget, stream);
    report.switched = true;
  }
  return report;
}

std::vector<results::Metric> ReportMetrics(const PrecisionSearchReport& report, const std::string& budget_name) {
  std::vector<results::Metric> m;
  const std::string width = models::WidthsToString(report.widths);
  const std::string& net = report.network;
  for (const auto* list : {&report.front, &report.uniform}) {
    for (const PointReport& p : *list) {
      const std::string key = "point=" + p.label;
      m.push_back({"pareto_accuracy", net, width, p.method, "test", key, {}, p.test_accuracy, "fraction"});
      m.push_back({"pareto_energy_uj", net, width, p.method, "", key, {}, p.energy_uj, "uJ"});
      m.push_back({"pareto_macs", net, width, p.method, "", key, {}, static_cast<double>(report.macs), "MAC"});
      m.push_back({"precision_val_accuracy", net, width, p.method, "val", key, {}, p.val_accuracy, "fraction"});
    }
  }
  const std::string method = "peluso_calimera";
  m.push_back({"precision_search_evaluations", net, width, method, "", "", {}, static_cast<double>(report.evaluations),
               "evaluations"});
  m.push_back({"precision_search_seconds", net, width, method, "", "", {}, report.search_seconds, "s"});
  m.push_back({"precision_search_seconds_per_evaluation", net, width, method, "", "", {},
               report.seconds_per_evaluation, "s"});
  m.push_back({"precision_search_val_images", net, width, method, "val", "", {},
               static_cast<double>(report.val_images), "images"});
  m.push_back({"precision_search_test_images", net, width, method, "test", "", {},
               static_cast<double>(report.test_images), "images"});
  if (report.switched) {
    const std::string key = "budget=" + budget_name;
    const SwitchingResult& s = report.switching;
    m.push_back({"precision_switching_accuracy", net, width, method, "test", key, {}, s.accuracy, "fraction"});
    m.push_back({"precision_switching_energy_uj", net, width, method, "", key, {}, s.mean_energy_uj, "uJ"});
    m.push_back({"precision_switching_violations", net, width, method, "", key, {}, static_cast<double>(s.violations),
                 "images"});
    m.push_back({"precision_switching_images", net, width, method, "", key, {}, static_cast<double>(s.images),
                 "images"});
    for (size_t i = 0; i < s.uses.size(); ++i) {
      m.push_back({"precision_switching_uses", net, width, method, "", key + ";point=" + report.switching_labels[i], {},
                   static_cast<double>(s.uses[i]), "images"});
    }
  }
  return m;
}

std::string FormatReport(const PrecisionSearchReport& r) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line),
                "%s width %s: %d evaluations in %.1f s (%.2f s each, %d validation images), tile time %.2f us/image\n",
                r.network.c_str(), models::WidthsToString(r.widths).c_str(), r.evaluations, r.search_seconds,
                r.seconds_per_evaluation, r.val_images, r.time_us);
  out += line;
  std::snprintf(line, sizeof(line), "%-22s %-34s %12s %9s %9s\n", "method", "point", "energy_uJ", "val_acc",
                "test_acc");
  out += line;
  for (const auto* list : {&r.front, &r.uniform}) {
    for (const PointReport& p : *list) {
      std::snprintf(line, sizeof(line), "%-22s %-34s %12.3f %9.4f %9.4f\n", p.method.c_str(), p.label.c_str(),
                    p.energy_uj, p.val_accuracy, p.test_accuracy);
      out += line;
    }
  }
  if (r.switched) {
    std::snprintf(line, sizeof(line),
                  "budget switching over %lld images: accuracy %.4f, mean energy %.3f uJ, %lld violations\n",
                  static_cast<long long>(r.switching.images), r.switching.accuracy, r.switching.mean_energy_uj,
                  static_cast<long long>(r.switching.violations));
    out += line;
  }
  return out;
}

}  // namespace rcdnn::precision
