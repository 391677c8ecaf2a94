// Sweeps DyVEDeep's effort knobs over a trained model: for each knob setting,
// accuracy on the test split, MACs executed and skipped, CPU batch-1 median
// latency (one thread) and simulated accelerator energy per image, into one
// results-store run (the pareto_* schema, method "dyvedeep").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "accel_sim/simulator.h"
#include "accel_sim/tech_config.h"
#include "common/progress.h"
#include "common/sha256.h"
#include "models/dyvedeep/accel_cost.h"
#include "models/dyvedeep/knobbed_network.h"
#include "models/dyvedeep/knobs.h"
#include "models/engine/softmax_loss.h"
#include "models/train/flags.h"
#include "models/train/model_file.h"
#include "results/provenance.h"
#include "results/store.h"

using namespace rcdnn::models;
using namespace rcdnn::models::dyvedeep;
namespace accel = rcdnn::accel;
namespace results = rcdnn::results;

namespace {

constexpr const char* kTool = "dyvedeep";
constexpr const char* kMethod = "dyvedeep";
constexpr const char* kDefaultTech = "accel_sim/tech/fixed32_16.tech";

struct Options {
  std::string model_path;
  std::string settings = DefaultSweepText();
  int increment = 0;  // 1-based; 0 = the model's last
  int64_t images = -1;  // -1: the profile's eval_subset
  std::string tech_path;  // "" = kDefaultTech from the runfiles
  std::string db_path;
  std::string target = "dyvedeep";
};

struct PointResult {
  std::string label;
  double accuracy = 0;
  int64_t images = 0;
  KnobStats stats;
  double median_latency_us = 0;
  KnobbedAccelCost cost;
};

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n == 0 ? 0.0 : n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

PointResult RunPoint(const KnobbedNetwork& net, const rcdnn::data::ImageSet& test, int64_t count, const Widths& widths,
                     int head, const KnobSettings& settings, const accel::SimResult& sim, rcdnn::ProgressLine* progress) {
  const NetSpec& spec = net.spec();
  const int image_floats = spec.input_channels * spec.input_height * spec.input_width;
  const int classes = spec.NumClasses();
  KnobWorkspace workspace;
  RowMatrix logits(1, classes);
  net.Forward(test.images.data(), 1, widths, head, settings, &workspace, nullptr, logits);  // warm-up: allocations
  PointResult point;
  point.label = settings.Label();
  std::vector<double> latency_us;
  latency_us.reserve(count);
  int64_t correct = 0;
  for (int64_t i = 0; i < count; ++i) {
    const auto start = std::chrono::steady_clock::now();
    net.Forward(test.images.data() + i * image_floats, 1, widths, head, settings, &workspace, &point.stats, logits);
    latency_us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    int top = 0;
    float margin = 0;
    TopTwoMargin(logits.data(), classes, &top, &margin);
    correct += top == test.labels[i] ? 1 : 0;
    progress->Advance();
  }
  point.images = count;
  point.accuracy = static_cast<double>(correct) / static_cast<double>(count);
  point.median_latency_us = Median(latency_us);
  std::map<std::string, double> fractions;
  for (const LayerCounts& layer : point.stats.layers) {
    fractions[layer.layer] =
        layer.total_macs > 0 ? static_cast<double>(layer.executed_macs) / static_cast<double>(layer.total_macs) : 1.0;
  }
  point.cost = PriceKnobbedRun(sim, fractions);
  return point;
}

}  // namespace

int main(int argc, char** argv) {
  ContextOptions context_options;
  Options opts;
  po::options_description flags;
  AddContextFlags(&flags, &context_options);
  flags.add_options()
      ("model", po::value(&opts.model_path)->required(), "trained model file (e.g. a full-width golden model)")
      ("settings", po::value(&opts.settings)->default_value(opts.settings),
       "knob settings, ';'-separated; each 'off' or comma-separated sat=T,check=F,sample=T,sim=T "
       "(see models/dyvedeep/README.md)")
      ("increment", po::value(&opts.increment)->default_value(opts.increment),
       "the model's increment (widths and head) to run, 1-based; 0 = the last")
      ("images", po::value(&opts.images)->default_value(opts.images),
       "test images per setting; -1 = the profile's eval_subset (all when the profile has none)")
      ("tech", po::value(&opts.tech_path)->default_value(""),
       "accelerator technology file (default accel_sim/tech/fixed32_16.tech)")
      ("db", po::value(&opts.db_path)->required(), "results store to write the run into (created if absent)")
      ("target", po::value(&opts.target)->default_value(opts.target), "target label recorded with the run");
  const int parsed = ParseFlags(argc, argv, kTool,
                                "DyVEDeep's effort knobs swept over a trained model: accuracy, MACs, CPU latency, "
                                "simulated energy per setting.",
                                flags);
  if (parsed >= 0) return parsed;
  return RunMain(kTool, [&] {
    const std::vector<KnobSettings> sweep = ParseKnobSettingsList(opts.settings);  // bad syntax: fail before loading
    const RunContext context = LoadRunContext(context_options);
    const std::string model_path = rcdnn::ResolveUserPath(opts.model_path);
    const Model model = LoadModel(model_path);
    if (model.spec.source_text != context.spec.source_text) {
      throw rcdnn::Error("model '" + model_path + "' was trained on another spec than " + context_options.spec_path);
    }
    if (opts.increment < 0 || opts.increment > model.NumIncrements()) {
      throw rcdnn::Error("--increment " + std::to_string(opts.increment) + " is out of range: model '" + model_path +
                         "' has " + std::to_string(model.NumIncrements()) + " increments (0 = the last)");
    }
    const int head = (opts.increment == 0 ? model.NumIncrements() : opts.increment) - 1;
    const Widths widths = model.schedule[head];
    const rcdnn::data::ImageSet& test = context.dataset.test;
    const int64_t limit = opts.images >= 0 ? opts.images : context.profile.eval_subset;
    const int64_t count = limit < 0 ? test.size() : std::min<int64_t>(limit, test.size());
    if (count < 1) throw rcdnn::Error("no test images to evaluate (--images " + std::to_string(opts.images) + ")");

    const std::string tech_path = opts.tech_path.empty() ? kDefaultTech : rcdnn::ResolveUserPath(opts.tech_path);
    const accel::TechConfig tech = accel::LoadTechConfig(tech_path);
    accel::SimOptions sim_options;
    sim_options.num_images = 1;
    sim_options.margin_controller = false;  // DyVEDeep has no score-margin controller
    const accel::SimResult sim = accel::SimulateAnalytical(context.spec, widths, tech, sim_options);

    const KnobbedNetwork net(context.spec, model.params);
    std::vector<PointResult> points;
    {
      rcdnn::ProgressLine progress("dyvedeep: " + std::to_string(sweep.size()) + " settings", count * sweep.size(),
                                   "images");
      for (const KnobSettings& settings : sweep) {
        points.push_back(RunPoint(net, test, count, widths, head, settings, sim, &progress));
      }
    }

    const std::string network = context.spec.name, width = WidthsToString(widths);
    std::vector<results::Metric> metrics;
    auto add = [&](const std::string& name, const std::string& split, const std::string& key, double value,
                   const std::string& unit) {
      metrics.push_back({name, network, width, kMethod, split, key, std::nullopt, value, unit});
    };
    const PointResult* off = nullptr;
    for (const PointResult& p : points) {
      if (p.label == "off") off = &p;
    }
    std::printf("%s %s width %s, %lld test images, tech %s\n", network.c_str(), context.dataset.display_name.c_str(),
                width.c_str(), static_cast<long long>(count), tech.name.c_str());
    std::printf("%-30s %9s %8s %12s %8s %7s %11s %10s\n", "setting", "accuracy", "d_acc", "MACs/image", "skipped",
                "ops_x", "latency_us", "energy_uJ");
    for (const PointResult& p : points) {
      const std::string key = "point=" + p.label;
      const double total = static_cast<double>(p.stats.TotalMacs()), executed = static_cast<double>(p.stats.ExecutedMacs());
      const double macs_per_image = executed / static_cast<double>(p.images);
      const double skipped = total > 0 ? 1.0 - executed / total : 0.0;
      const double reduction = executed > 0 ? total / executed : 0.0;
      const double energy_uj = p.cost.knobbed_energy_pj_per_image * 1e-6;
      add("pareto_accuracy", "test", key, p.accuracy, "fraction");
      add("pareto_energy_uj", "", key, energy_uj, "uJ");
      add("pareto_latency_us", "", key, p.median_latency_us, "us");
      add("pareto_macs", "", key, macs_per_image, "MAC");
      add("dyvedeep_macs_skipped_fraction", "", key, skipped, "fraction");
      add("dyvedeep_ops_reduction", "", key, reduction, "x");
      add("dyvedeep_images", "test", key, static_cast<double>(p.images), "images");
      add("dyvedeep_sim_time_us", "", key, p.cost.knobbed_time_ns_per_image * 1e-3, "us");
      for (const LayerCounts& layer : p.stats.layers) {
        const std::string layer_key = key + ";layer=" + layer.layer;
        add("dyvedeep_layer_macs_executed_fraction", "", layer_key,
            layer.total_macs > 0 ? static_cast<double>(layer.executed_macs) / layer.total_macs : 1.0, "fraction");
        add("dyvedeep_layer_saturated_neurons", "", layer_key,
            static_cast<double>(layer.saturated_neurons) / p.images, "per image");
        add("dyvedeep_layer_interpolated_outputs", "", layer_key,
            static_cast<double>(layer.interpolated_outputs) / p.images, "per image");
        add("dyvedeep_layer_approximated_channels", "", layer_key,
            static_cast<double>(layer.approximated_channels) / p.images, "per image");
      }
      char delta[16] = "";
      if (off != nullptr) std::snprintf(delta, sizeof(delta), "%+.4f", p.accuracy - off->accuracy);
      std::printf("%-30s %9.4f %8s %12.0f %7.1f%% %7.2f %11.1f %10.3f\n", p.label.c_str(), p.accuracy, delta,
                  macs_per_image, 100 * skipped, reduction, p.median_latency_us, energy_uj);
    }

    std::string labels;
    for (const KnobSettings& s : sweep) labels += (labels.empty() ? "" : ",") + JsonString(s.Label());
    const std::string model_sha = rcdnn::Sha256OfFile(model_path), tech_sha = rcdnn::Sha256OfFile(tech_path);
    const std::string config = std::string("{") + "\"dataset\":" + JsonString(context.dataset.content_sha256) +
                               ",\"images\":" + std::to_string(count) + ",\"increment\":" + std::to_string(head + 1) +
                               ",\"model\":" + JsonString(model_sha) + ",\"profile\":" +
                               JsonString(context_options.profile) + ",\"settings\":[" + labels + "]" +
                               ",\"tech\":" + JsonString(tech_sha) + "}";
    results::RunInfo info = results::CurrentMachineInfo();
    info.target = opts.target;
    info.profile = context_options.profile;
    info.build_flags = "see .bazelrc";
    info.dataset_name = context.dataset.name;
    info.dataset_display_name = context.dataset.display_name;
    info.dataset_sha256 = context.dataset.content_sha256;
    info.seed = context_options.seed;
    info.threads = 1;  // the knobbed forward and its latency are single-threaded
    info.config_json = config;
    info.run_key = results::RunKey(info.code_version, opts.target, config);
    results::Store store = results::Store::Open(rcdnn::ResolveUserPath(opts.db_path));
    store.WriteRun(info, metrics, {{"model", model_path, model_sha}, {"tech", tech_path, tech_sha}});
    std::fprintf(stderr, "%s: wrote %zu metrics to %s\n", kTool, metrics.size(), opts.db_path.c_str());
  });
}
