// A trained model on the simulated accelerator's arithmetic beside the float
// engine, on the same test images, for every increment and every technology
// given; one run into a results store (metric names: README.md).
//
//   bazel run //accel_sim:model_on_accel -- --model lenet_golden_100.model --dataset fashion_mnist
//       --images 500 --db /tmp/results.db   (one line)
#include <cstdio>
#include <string>
#include <vector>

#include "accel_sim/model_on_accel.h"
#include "common/cli.h"
#include "common/sha256.h"
#include "models/data/registry.h"
#include "results/provenance.h"
#include "results/store.h"

using namespace rcdnn;
using namespace rcdnn::accel;
namespace po = boost::program_options;

namespace {

struct ModelOnAccelOptions {
  std::string model;
  std::string dataset = "fashion_mnist";
  std::string data_root;
  uint64_t split_seed = 20160101;
  int64_t images = 500;
  std::vector<std::string> techs = {"accel_sim/tech/fixed32_16.tech", "accel_sim/tech/fixed16_10.tech"};
  int threads = 2;
  std::string db;
  std::string target = "//accel_sim:model_on_accel";
};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

void Run(const ModelOnAccelOptions& opts, const po::variables_map& vm) {
  if (opts.images < 1) throw Error("--images must be at least 1, got " + std::to_string(opts.images));
  if (opts.threads < 1 || opts.threads > 256) throw Error("--threads must be in 1..256, got " + std::to_string(opts.threads));
  const std::string model_path = rcdnn::ResolveUserPath(opts.model);
  const models::Model model = models::LoadModel(model_path);
  const std::string model_sha = Sha256OfFile(model_path);
  data::LoadOptions load;
  load.data_root = rcdnn::ResolveUserPath(opts.data_root);
  load.split_seed = opts.split_seed;
  load.max_train = 1;            // preprocessing still uses the whole training split's mean
  load.max_test = opts.images;   // the first N of the test split's class-balanced order
  const data::Dataset dataset = data::LoadDataset(opts.dataset, load);

  std::vector<results::Metric> metrics;
  std::vector<results::ArtifactRecord> artifacts = {{"model", model_path, model_sha}};
  std::string techs_json = "[";
  for (size_t t = 0; t < opts.techs.size(); ++t) {
    const std::string path = vm["tech"].defaulted() ? opts.techs[t] : rcdnn::ResolveUserPath(opts.techs[t]);
    const TechConfig tech = LoadTechConfig(path);
    const std::string tech_sha = Sha256OfFile(path);
    artifacts.push_back({"tech", path, tech_sha});
    techs_json += (t ? "," : "") + std::string("{\"name\":") + JsonString(tech.name) + ",\"sha256\":" +
                  JsonString(tech_sha) + "}";
    CompareOptions compare;
    compare.images = opts.images;
    compare.threads = opts.threads;
    const std::string format =
        tech.arithmetic == Arithmetic::kFixed ? tech.format.ToString() : std::string(ArithmeticName(tech.arithmetic));
    for (const IncrementComparison& c : CompareOnAccelerator(model, dataset.test, tech, compare)) {
      results::Metric base;
      base.network = model.spec.name;
      base.width = models::WidthsToString(c.widths);
      base.method = tech.name;
      base.split = "test";
      base.increment = c.increment;
      auto add = [&](const std::string& name, const std::string& key, double value, const std::string& unit) {
        results::Metric m = base;
        m.name = name;
        m.key = key;
        m.value = value;
        m.unit = unit;
        metrics.push_back(m);
      };
      add("accuracy_float", "", c.accuracy_float, "");
      add("accuracy_fixed", "", c.accuracy_accel, "");
      add("agreement", "", c.agreement, "");
      add("images", "", static_cast<double>(c.images), "count");
      add("max_abs_score_error", "", c.max_abs_score_error, "");
      add("mean_abs_score_error", "", c.mean_abs_score_error, "");
      add("saturations", "", static_cast<double>(c.saturations.Total()), "count");
      const std::pair<const char*, int64_t> kinds[] = {
          {"input", c.saturations.input},       {"weights", c.saturations.weights},
          {"biases", c.saturations.biases},     {"accumulator", c.saturations.accumulator},
          {"outputs", c.saturations.outputs},
      };
      for (const auto& [kind, count] : kinds) {
        add("saturations", std::string("kind=") + kind, static_cast<double>(count), "count");
      }
      if (tech.arithmetic == Arithmetic::kFixed) {
        add("fixed_point_accuracy_drop_pct", "format=" + format, 100.0 * (c.accuracy_float - c.accuracy_accel), "%");
      }
      std::printf("%-8s %-11s increment %d  width %-14s images %lld  accuracy float %.4f  %s %.4f  agreement %.4f  "
                  "saturations %lld (input %lld)  max |score error| %.3g\n",
                  model.spec.name.c_str(), tech.name.c_str(), c.increment, base.width.c_str(),
                  static_cast<long long>(c.images), c.accuracy_float, format.c_str(), c.accuracy_accel, c.agreement,
                  static_cast<long long>(c.saturations.Total()), static_cast<long long>(c.saturations.input),
                  c.max_abs_score_error);
    }
  }
  techs_json += "]";

  const std::string config = "{\"dataset\":" + JsonString(dataset.content_sha256) +
                             ",\"images\":" + std::to_string(opts.images) + ",\"model\":" + JsonString(model_sha) +
                             ",\"split_seed\":" + std::to_string(opts.split_seed) +
                             ",\"target\":" + JsonString(opts.target) + ",\"techs\":" + techs_json + "}";
  results::RunInfo info = results::CurrentMachineInfo();
  info.target = opts.target;
  info.profile = model.metadata.count("profile") ? model.metadata.at("profile") : "";
  info.build_flags = "see .bazelrc";
  info.dataset_name = dataset.name;
  info.dataset_display_name = dataset.display_name;
  info.dataset_sha256 = dataset.content_sha256;
  info.seed = opts.split_seed;
  info.threads = opts.threads;
  info.config_json = config;
  info.run_key = results::RunKey(info.code_version, info.target, config);
  results::Store store = results::Store::Open(rcdnn::ResolveUserPath(opts.db));
  store.WriteRun(info, metrics, artifacts);
  std::fprintf(stderr, "model_on_accel: wrote %zu metrics to %s\n", metrics.size(), opts.db.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  ModelOnAccelOptions opts;
  po::options_description flags;
  flags.add_options()
      ("model", po::value(&opts.model)->required(), "trained model file")
      ("dataset", po::value(&opts.dataset)->default_value(opts.dataset),
       "data set name: mnist, fashion_mnist, cifar10 or svhn")
      ("data-root", po::value(&opts.data_root)->default_value(opts.data_root),
       "folder holding <name>/ data set folders (default: $RCDNN_DATA_ROOT, else ~/.cache/rcdnn/data)")
      ("split-seed", po::value(&opts.split_seed)->default_value(opts.split_seed), "seed of the validation split")
      ("images", po::value(&opts.images)->default_value(opts.images),
       "test images compared (the first N of the test split's class-balanced order)")
      ("tech", po::value(&opts.techs)->multitoken()->default_value(opts.techs, "accel_sim/tech/fixed32_16.tech "
                                                                               "accel_sim/tech/fixed16_10.tech"),
       "technology files (their <n,f> is the uniform precision)")
      ("threads", po::value(&opts.threads)->default_value(opts.threads), "threads (images are split across them)")
      ("db", po::value(&opts.db)->required(), "results store to write the run into (created if absent)")
      ("target", po::value(&opts.target)->default_value(opts.target), "target label recorded with the run");
  po::variables_map vm;
  const int parsed = rcdnn::cli::ParseFlags(
      argc, argv, "model_on_accel",
      "model_on_accel: a trained model's increments on the simulated accelerator's arithmetic vs the float engine",
      flags, &vm);
  if (parsed >= 0) return parsed;
  return rcdnn::cli::RunMain("model_on_accel", [&] { Run(opts, vm); });
}
