// Trains a family of sub-nets by Yang & Fan's multi-path or single-path
// method, or slimmable joint training, then measures every sub-net (test
// accuracy, accelerator energy, CPU batch-1 latency, MACs) into one results
// store run with the training cost; `--method measure` measures an existing
// model file's sub-nets (e.g. the paper's incremental model) the same way.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>

#include "accel_sim/tech_config.h"
#include "common/error.h"
#include "common/sha256.h"
#include "models/engine/network.h"
#include "models/subnets/family.h"
#include "models/subnets/multipath.h"
#include "models/subnets/point_cost.h"
#include "models/subnets/singlepath.h"
#include "models/subnets/slimmable.h"
#include "models/subnets/subnet_util.h"
#include "models/train/flags.h"
#include "models/train/model_file.h"
#include "models/train/trainers.h"
#include "results/provenance.h"
#include "results/store.h"

using namespace rcdnn::models;
using namespace rcdnn::models::subnets;
namespace results = rcdnn::results;

namespace {

struct Flags {
  std::string method;
  int subnets = 8;
  uint64_t family_seed = 1;
  std::string levels = "0.25,0.5,0.75,1";
  std::string background, model_path, method_name;
  std::string train_widths = "uniform";
  std::string fractions = "0.25,0.5,0.75,1";
  int64_t block_iters = 0;
  int iterations_scale = 1;
  std::string out, db, target = "//models/subnets:subnets";
  std::string tech = "accel_sim/tech/fixed32_16.tech";
  PointCostOptions cost;
  TrainerOptions trainer;
};

void MakeDirs(const std::string& dir) {
  std::string path;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      path = dir.substr(0, i);
      if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
        throw rcdnn::Error("cannot create the output folder '" + path + "'");
      }
    }
  }
}

std::string SubnetFileName(const std::string& network, const Widths& widths) {
  std::string name = network + "_subnet";
  for (int w : widths) name += "_" + std::to_string(w);
  return name + ".model";
}

double MetadataNumber(const Model& model, const std::string& key) {
  const auto it = model.metadata.find(key);
  if (it == model.metadata.end()) return -1;
  try {
    return std::stod(it->second);
  } catch (const std::exception&) {
    return -1;
  }
}

results::Metric Cost(const std::string& name, const std::string& network, const std::string& method,
                     const std::string& key, double value, const std::string& unit) {
  return {name, network, "", method, "", key, {}, value, unit};
}

}  // namespace

int main(int argc, char** argv) {
  ContextOptions context_options;
  Flags f;
  po::options_description flags;
  AddContextFlags(&flags, &context_options);
  flags.add_options()
      ("method", po::value(&f.method)->required(), "multipath | singlepath | slimmable | measure")
      ("subnets", po::value(&f.subnets)->default_value(f.subnets),
       "sub-nets in the family (multipath, singlepath; slimmable with --train-widths family), uniform ones included")
      ("family-seed", po::value(&f.family_seed)->default_value(f.family_seed), "seed of the family's draw")
      ("levels", po::value(&f.levels)->default_value(f.levels), "per-layer width fractions of the family's grid")
      ("background", po::value(&f.background)->default_value(""),
       "multipath: full-width background model file (default: train a golden one first)")
      ("train-widths", po::value(&f.train_widths)->default_value(f.train_widths),
       "slimmable: 'uniform' (the --fractions) or 'family' (the sub-net family)")
      ("fractions", po::value(&f.fractions)->default_value(f.fractions), "slimmable: uniform widths trained jointly")
      ("block-iters", po::value(&f.block_iters)->default_value(f.block_iters),
       "singlepath: SGD steps per sampled sub-net (0: one epoch, at most round / (2 x sub-nets))")
      ("iterations-scale", po::value(&f.iterations_scale)->default_value(f.iterations_scale),
       "singlepath, slimmable: the round is the solver's max_iter times this")
      ("model", po::value(&f.model_path)->default_value(""), "measure: the model file whose sub-nets to measure")
      ("method-name", po::value(&f.method_name)->default_value(""),
       "measure: method label of the points (default: the model's own)")
      ("out", po::value(&f.out)->default_value(""),
       "model output: multipath a folder (one file per sub-net, and the background if trained here), "
       "singlepath/slimmable a model file; required except for measure")
      ("checkpoint-dir", po::value(&f.trainer.checkpoint_dir)->default_value(""),
       "multipath: folder for checkpoints (a killed run started again resumes)")
      ("tech", po::value(&f.tech)->default_value(f.tech), "accelerator technology file for the energy")
      ("latency-runs", po::value(&f.cost.latency_runs)->default_value(f.cost.latency_runs),
       "timed batch-1 passes per point (the median is stored)")
      ("sim-images", po::value(&f.cost.sim_images)->default_value(f.cost.sim_images),
       "images the accelerator runs back to back (energy is per image)")
      ("db", po::value(&f.db)->required(), "results store to write the run into (created if absent)")
      ("target", po::value(&f.target)->default_value(f.target), "target label recorded with the run");
  const int parsed = ParseFlags(argc, argv, "subnets",
                                "Non-uniform sub-nets (Yang & Fan: multi-path, single-path), slimmable joint training, "
                                "and their accuracy / energy / latency / MACs points.",
                                flags);
  if (parsed >= 0) return parsed;
  return RunMain("subnets", [&] {
    const std::string& method = f.method;
    if (method != "multipath" && method != "singlepath" && method != "slimmable" && method != "measure") {
      throw rcdnn::Error("--method must be multipath, singlepath, slimmable or measure, not '" + method + "'");
    }
    if (method != "measure" && f.out.empty()) throw rcdnn::Error("--out is required for --method " + method);
    if (method == "measure" && f.model_path.empty()) throw rcdnn::Error("--method measure needs --model <file>");
    if (method != "multipath" && !f.background.empty()) throw rcdnn::Error("--background is for --method multipath only");
    if (f.train_widths != "uniform" && f.train_widths != "family") {
      throw rcdnn::Error("--train-widths must be 'uniform' or 'family', not '" + f.train_widths + "'");
    }
    Validate(f.cost);
    const rcdnn::accel::TechConfig tech = rcdnn::accel::LoadTechConfig(rcdnn::ResolveUserPath(f.tech));
    const RunContext context = LoadRunContext(context_options);
    const NetSpec& spec = context.spec;
    f.cost.eval_limit = context.profile.eval_subset;
    f.trainer.seed = context_options.seed;
    const Network net(spec, EngineOptions{context_options.threads});
    SubnetFamilyOptions family_options;
    family_options.levels = rcdnn::ParseFractions(f.levels, "levels");
    family_options.count = f.subnets;
    family_options.seed = f.family_seed;

    std::string config = "target=" + f.target + "\nmethod=" + method + "\nprofile=" + context_options.profile +
                         "\ndataset=" + context.dataset.content_sha256 + "\nsolver=" + context.solver.CanonicalText() +
                         "\nspec=" + rcdnn::Sha256Hex(spec.source_text) + "\ntech=" + tech.name + "\nseed=" +
                         std::to_string(context_options.seed) + "\n";
    std::vector<results::Metric> metrics;
    std::vector<results::ArtifactRecord> artifacts;
    std::string label;  // the points' method name
    struct Measured {
      const NetParams* params;
      SubnetEntry entry;
    };
    std::vector<Model> models;        // owns the parameters measured below
    std::vector<Measured> to_measure;
    const auto started = std::chrono::steady_clock::now();
    auto save = [&](const std::string& path, Model model) {
      for (const auto& [k, v] : context.provenance) model.metadata[k] = v;
      SaveModel(path, model);
      artifacts.push_back({"model", path, rcdnn::Sha256OfFile(path)});
      return static_cast<double>(ReadModelStorage(path).TensorBytes());
    };

    if (method == "measure") {
      const std::string path = rcdnn::ResolveUserPath(f.model_path);
      models.push_back(LoadModel(path));
      const Model& model = models.back();
      if (model.spec.source_text != spec.source_text) {
        throw rcdnn::Error("model '" + path + "' was trained on another spec than " + context_options.spec_path);
      }
      label = !f.method_name.empty() ? f.method_name
              : model.metadata.count("method") ? model.metadata.at("method")
                                               : "unknown";
      const std::string sha = rcdnn::Sha256OfFile(path);
      config += "model=" + sha + "\nmethod_name=" + label + "\n";
      artifacts.push_back({"model", path, sha});
      metrics.push_back(Cost("storage_bytes", spec.name, label, "total",
                             static_cast<double>(ReadModelStorage(path).TensorBytes()), "bytes"));
      // The training cost the model file recorded (its trainer's own count).
      const double steps = MetadataNumber(model, "iterations"), seconds = MetadataNumber(model, "train_seconds");
      if (steps >= 0) metrics.push_back(Cost("train_sgd_steps", spec.name, label, "", steps, "steps"));
      if (seconds >= 0) metrics.push_back(Cost("train_seconds", spec.name, label, "", seconds, "s"));
      for (const SubnetEntry& entry : SubnetsOf(model)) to_measure.push_back({&model.params, entry});
    } else if (method == "multipath") {
      label = "yang_fan_multipath";
      const std::vector<Widths> family = MakeSubnetFamily(spec, family_options);
      const std::string dir = rcdnn::ResolveUserPath(f.out);
      MakeDirs(dir);
      Model background;
      double background_steps = 0, background_seconds = 0;
      if (!f.background.empty()) {
        const std::string path = rcdnn::ResolveUserPath(f.background);
        background = LoadModel(path);
        const std::string sha = rcdnn::Sha256OfFile(path);
        config += "background=" + sha + "\n";
        artifacts.push_back({"background_model", path, sha});
        background_steps = std::max(0.0, MetadataNumber(background, "iterations"));
        background_seconds = std::max(0.0, MetadataNumber(background, "train_seconds"));
      } else {
        TrainReport report;
        background = TrainGolden(net, context.solver, context.dataset.train, FullWidths(spec), f.trainer, 1, &report);
        background.metadata["method"] = "golden";
        background.metadata["iterations"] = std::to_string(report.TotalIterations());
        background.metadata["train_seconds"] = std::to_string(report.phase_seconds.at(0));
        save(dir + "/" + spec.name + "_background.model", background);
        background_steps = static_cast<double>(report.TotalIterations());
        background_seconds = report.phase_seconds.at(0);
      }
      TrainReport report;
      std::vector<Model> subnets =
          TrainMultipath(net, context.solver, context.dataset.train, background, family, f.trainer, &report);
      double storage = 0;
      for (size_t i = 0; i < subnets.size(); ++i) {
        subnets[i].metadata["method"] = label;
        subnets[i].metadata["iterations"] = std::to_string(report.phase_iterations[i]);
        subnets[i].metadata["train_seconds"] = std::to_string(report.phase_seconds[i]);
        storage += save(dir + "/" + SubnetFileName(spec.name, family[i]), subnets[i]);
      }
      double finetune_seconds = 0;
      for (double s : report.phase_seconds) finetune_seconds += s;
      const double finetune_steps = static_cast<double>(report.TotalIterations());
      metrics.push_back(Cost("train_sgd_steps", spec.name, label, "", background_steps + finetune_steps, "steps"));
      metrics.push_back(Cost("train_sgd_steps", spec.name, label, "part=background", background_steps, "steps"));
      metrics.push_back(Cost("train_sgd_steps", spec.name, label, "part=finetune", finetune_steps, "steps"));
      metrics.push_back(Cost("train_forward_backward_passes", spec.name, label, "", background_steps + finetune_steps,
                             "passes"));
      metrics.push_back(Cost("train_seconds", spec.name, label, "", background_seconds + finetune_seconds, "s"));
      metrics.push_back(Cost("train_seconds", spec.name, label, "part=background", background_seconds, "s"));
      metrics.push_back(Cost("train_seconds", spec.name, label, "part=finetune", finetune_seconds, "s"));
      metrics.push_back(Cost("storage_bytes", spec.name, label, "total", storage, "bytes"));
      models = std::move(subnets);
      for (size_t i = 0; i < models.size(); ++i) to_measure.push_back({&models[i].params, {family[i], 0}});
    } else {
      std::vector<Widths> list;
      SharedTrainReport report;
      Model model;
      if (method == "singlepath") {
        label = "yang_fan_singlepath";
        list = MakeSubnetFamily(spec, family_options);
        SinglePathOptions options;
        options.seed = context_options.seed;
        options.iterations_scale = f.iterations_scale;
        options.block_iters = f.block_iters;
        model = TrainSinglePath(net, context.solver, context.dataset.train, list, options, &report);
      } else {
        label = "slimmable";
        list = f.train_widths == "family" ? MakeSubnetFamily(spec, family_options)
                                          : UniformSchedule(spec, rcdnn::ParseFractions(f.fractions, "fractions"));
        SlimmableOptions options;
        options.seed = context_options.seed;
        options.iterations_scale = f.iterations_scale;
        model = TrainSlimmable(net, context.solver, context.dataset.train, list, options, &report);
      }
      model.metadata["method"] = label;
      model.metadata["iterations"] = std::to_string(report.sgd_steps);
      model.metadata["forward_backward_passes"] = std::to_string(report.forward_backward_passes);
      model.metadata["train_seconds"] = std::to_string(report.seconds);
      model.metadata["final_loss"] = std::to_string(report.final_loss);
      const double storage = save(rcdnn::ResolveUserPath(f.out), model);
      metrics.push_back(Cost("train_sgd_steps", spec.name, label, "", static_cast<double>(report.sgd_steps), "steps"));
      metrics.push_back(Cost("train_forward_backward_passes", spec.name, label, "",
                             static_cast<double>(report.forward_backward_passes), "passes"));
      metrics.push_back(Cost("train_seconds", spec.name, label, "", report.seconds, "s"));
      metrics.push_back(Cost("storage_bytes", spec.name, label, "total", storage, "bytes"));
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string width = WidthsToString(list[i]);
        metrics.push_back({"train_subnet_passes", spec.name, width, label, "", "point=" + width, {},
                           static_cast<double>(report.steps_per_subnet[i]), "passes"});
      }
      models.push_back(std::move(model));
      for (const SubnetEntry& entry : SubnetsOf(models.back())) to_measure.push_back({&models.back().params, entry});
    }
    if (method != "measure") {
      std::string family_text;
      for (const Measured& m : to_measure) family_text += WidthsToString(m.entry.widths) + ";";
      config += "subnets=" + family_text + "\nfamily_seed=" + std::to_string(f.family_seed) + "\nlevels=" + f.levels +
                "\nblock_iters=" + std::to_string(f.block_iters) + "\niterations_scale=" +
                std::to_string(f.iterations_scale) + "\n";
    }
    std::fprintf(stderr, "subnets: %s trained in %.1f s; measuring %zu sub-nets\n", label.c_str(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), to_measure.size());
    for (const Measured& m : to_measure) {
      const PointCost point = MeasurePoint(net, *m.params, context.dataset.test, m.entry.widths, m.entry.head, tech,
                                           f.cost);
      for (results::Metric& metric : ParetoMetrics(spec.name, label, point)) metrics.push_back(std::move(metric));
      std::fprintf(stderr, "subnets: %s %s widths %-14s MACs %9lld accuracy %.4f (%lld images) energy %.3f uJ latency %.1f us\n",
                   spec.name.c_str(), label.c_str(), WidthsToString(point.widths).c_str(),
                   static_cast<long long>(point.macs), point.accuracy, static_cast<long long>(point.images),
                   point.energy_uj, point.latency_us);
    }
    results::RunInfo info = results::CurrentMachineInfo();
    info.target = f.target;
    info.profile = context_options.profile;
    info.build_flags = "see .bazelrc";
    info.dataset_name = context.dataset.name;
    info.dataset_display_name = context.dataset.display_name;
    info.dataset_sha256 = context.dataset.content_sha256;
    info.seed = context_options.seed;
    info.threads = context_options.threads;
    info.config_json = config;
    info.run_key = results::RunKey(info.code_version, f.target, config);
    results::Store store = results::Store::Open(rcdnn::ResolveUserPath(f.db));
    store.WriteRun(info, metrics, artifacts);
    std::fprintf(stderr, "subnets: wrote %zu metrics to %s\n", metrics.size(), f.db.c_str());
  });
}
