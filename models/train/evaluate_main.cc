// Evaluates trained models at every increment (or, with --shutdown-fractions,
// a full model with channels switched off), on the validation and test sets:
// accuracy, per-image top-2 score margins (Figure 7's histograms) and the
// model files' storage, written as one run into a results store.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/atomic_file.h"
#include "common/sha256.h"
#include "models/engine/network.h"
#include "models/train/evaluate.h"
#include "models/train/flags.h"
#include "models/train/model_file.h"
#include "results/provenance.h"
#include "results/store.h"

using namespace rcdnn::models;
namespace results = rcdnn::results;

namespace {

constexpr int kHistogramBins = 20;

struct Evaluation {
  std::string method;
  int increment = 0;  // 1-based; 0 for shutdown widths
  Widths widths;
  std::string split;
  Predictions predictions;
};

// A --model argument that is a folder stands for every *.model file in it,
// in name order (train_optimum writes its models into one folder).
std::vector<std::string> ExpandModelPaths(const std::vector<std::string>& raw_paths) {
  std::vector<std::string> paths;
  for (const std::string& raw : raw_paths) {
    const std::string path = rcdnn::ResolveUserPath(raw);
    if (!std::filesystem::is_directory(path)) {
      paths.push_back(path);
      continue;
    }
    std::vector<std::string> inside;
    for (const auto& entry : std::filesystem::directory_iterator(path)) {
      if (entry.is_regular_file() && entry.path().extension() == ".model") inside.push_back(entry.path().string());
    }
    if (inside.empty()) throw rcdnn::Error("--model folder '" + path + "' holds no *.model files");
    std::sort(inside.begin(), inside.end());
    paths.insert(paths.end(), inside.begin(), inside.end());
  }
  return paths;
}

std::string FractionText(double fraction) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g", fraction);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  ContextOptions context_options;
  std::vector<std::string> model_paths;
  std::string shutdown_text, db_path, predictions_path, target = "evaluate", method_override, method_prefix;
  po::options_description flags;
  AddContextFlags(&flags, &context_options);
  flags.add_options()
      ("model", po::value(&model_paths)->required()->multitoken(),
       "model file(s) to evaluate; a folder means every *.model in it")
      ("shutdown-fractions", po::value(&shutdown_text)->default_value(""),
       "channel shutdown: evaluate each model's last classifier at these uniform widths (e.g. 0.25,0.5,0.75,1)")
      ("method", po::value(&method_override)->default_value(""), "method label (default: the model's own)")
      ("method-prefix", po::value(&method_prefix)->default_value(""),
       "put before every method label (e.g. table7_ for the models of the Table 7 optimum)")
      ("db", po::value(&db_path)->required(), "results store to write the run into (created if absent)")
      ("predictions", po::value(&predictions_path)->default_value(""),
       "CSV of every image's prediction and margin (for the runtime schemes)")
      ("target", po::value(&target)->default_value(target), "target label recorded with the run");
  const int parsed = ParseFlags(argc, argv, "evaluate", "Accuracy and score margins of trained models per width.", flags);
  if (parsed >= 0) return parsed;
  return RunMain("evaluate", [&] {
    const RunContext context = LoadRunContext(context_options);
    const Network net(context.spec, EngineOptions{context_options.threads});
    const int64_t full_macs = TotalMacs(InferShapes(context.spec, FullWidths(context.spec)));
    std::vector<Evaluation> evaluations;
    std::vector<results::Metric> metrics;
    std::vector<results::ArtifactRecord> artifacts;
    std::string config = "target=" + target + "\nprofile=" + context_options.profile + "\ndataset=" +
                         context.dataset.content_sha256 + "\nshutdown=" + shutdown_text + "\nmethod=" + method_override +
                         "\nmethod_prefix=" + method_prefix + "\n";
    for (const std::string& path : ExpandModelPaths(model_paths)) {
      const Model model = LoadModel(path);
      if (model.spec.source_text != context.spec.source_text) {
        throw rcdnn::Error("model '" + path + "' was trained on another spec than " + context_options.spec_path);
      }
      const std::string method =
          method_prefix + (!method_override.empty()         ? method_override
                           : !shutdown_text.empty()         ? "shutdown"
                           : model.metadata.count("method") ? model.metadata.at("method")
                                                            : "unknown");
      const std::string model_sha = rcdnn::Sha256OfFile(path);
      config += "model=" + model_sha + "\n";
      artifacts.push_back({"model", path, model_sha});
      const ModelStorage storage = ReadModelStorage(path);
      metrics.push_back({"storage_bytes", context.spec.name, WidthsToString(model.schedule.back()), method, "",
                         "shared", {}, static_cast<double>(storage.sliced_bytes), "bytes"});
      for (size_t h = 0; h < storage.head_bytes.size(); ++h) {
        metrics.push_back({"storage_bytes", context.spec.name, WidthsToString(model.schedule[h]), method, "", "head",
                           static_cast<int>(h + 1), static_cast<double>(storage.head_bytes[h]), "bytes"});
      }
      struct Point {
        Widths widths;
        int head;
        int increment;
      };
      std::vector<Point> points;
      if (shutdown_text.empty()) {
        for (int i = 0; i < model.NumIncrements(); ++i) points.push_back({model.schedule[i], i, i + 1});
      } else {
        for (double f : rcdnn::ParseFractions(shutdown_text, "shutdown-fractions")) {
          points.push_back({UniformWidths(context.spec, f), model.NumIncrements() - 1, 0});
        }
      }
      for (const Point& point : points) {
        const double relative_macs =
            static_cast<double>(TotalMacs(InferShapes(context.spec, point.widths))) / static_cast<double>(full_macs);
        for (const auto& [split, images] :
             {std::pair<std::string, const rcdnn::data::ImageSet*>{"val", &context.dataset.validation},
              {"test", &context.dataset.test}}) {
          Evaluation evaluation{method, point.increment, point.widths, split,
                                Evaluate(net, model.params, *images, point.widths, point.head, context.profile.eval_subset)};
          const std::string width = WidthsToString(point.widths);
          std::optional<int> increment;
          if (point.increment > 0) increment = point.increment;
          const Predictions& p = evaluation.predictions;
          metrics.push_back({"accuracy", context.spec.name, width, method, split, "", increment, p.Accuracy(), ""});
          metrics.push_back({"images", context.spec.name, width, method, split, "", increment,
                             static_cast<double>(p.size()), ""});
          metrics.push_back({"relative_macs", context.spec.name, width, method, split, "", increment, relative_macs, ""});
          std::vector<int64_t> correct(kHistogramBins, 0), wrong(kHistogramBins, 0);
          for (int64_t k = 0; k < p.size(); ++k) {
            const int bin = std::min(kHistogramBins - 1, static_cast<int>(p.margin[k] * kHistogramBins));
            (p.predicted[k] == p.label[k] ? correct : wrong)[bin]++;
          }
          for (int b = 0; b < kHistogramBins; ++b) {
            const std::string key = "bin=" + FractionText(static_cast<double>(b) / kHistogramBins);
            metrics.push_back({"margin_hist_correct", context.spec.name, width, method, split, key, increment,
                               static_cast<double>(correct[b]), "images"});
            metrics.push_back({"margin_hist_wrong", context.spec.name, width, method, split, key, increment,
                               static_cast<double>(wrong[b]), "images"});
          }
          std::fprintf(stderr, "evaluate: %s %s width %s (%s): accuracy %.4f on %lld images\n",
                       context.spec.name.c_str(), method.c_str(), width.c_str(), split.c_str(), p.Accuracy(),
                       static_cast<long long>(p.size()));
          evaluations.push_back(std::move(evaluation));
        }
      }
    }
    if (!predictions_path.empty()) {
      std::string csv = "network,method,increment,width,split,index,label,predicted,margin\n";
      char line[256];
      for (const Evaluation& e : evaluations) {
        const std::string width = "\"" + WidthsToString(e.widths) + "\"";
        for (int64_t k = 0; k < e.predictions.size(); ++k) {
          std::snprintf(line, sizeof(line), "%s,%s,%d,%s,%s,%lld,%d,%d,%.9g\n", context.spec.name.c_str(),
                        e.method.c_str(), e.increment, width.c_str(), e.split.c_str(), static_cast<long long>(k),
                        e.predictions.label[k], e.predictions.predicted[k], e.predictions.margin[k]);
          csv += line;
        }
      }
      rcdnn::WriteFileAtomically(rcdnn::ResolveUserPath(predictions_path), csv);
      artifacts.push_back({"predictions", rcdnn::ResolveUserPath(predictions_path), rcdnn::Sha256Hex(csv)});
    }
    results::RunInfo info = results::CurrentMachineInfo();
    info.target = target;
    info.profile = context_options.profile;
    info.build_flags = "see .bazelrc";
    info.dataset_name = context.dataset.name;
    info.dataset_display_name = context.dataset.display_name;
    info.dataset_sha256 = context.dataset.content_sha256;
    info.seed = context_options.seed;
    info.threads = context_options.threads;
    info.config_json = config;
    info.run_key = results::RunKey(info.code_version, target, config);
    results::Store store = results::Store::Open(rcdnn::ResolveUserPath(db_path));
    store.WriteRun(info, metrics, artifacts);
    std::fprintf(stderr, "evaluate: wrote %zu metrics to %s\n", metrics.size(), db_path.c_str());
  });
}
