// precision_search: Peluso & Calimera's per-layer multi-precision Pareto
// search on the paper's tile (README.md). Flags -> PrecisionSearchOptions ->
// RunPrecisionSearch -> one results-store run (the pareto_* schema).
#include <cstdio>
#include <iostream>

#include "common/sha256.h"
#include "models/data/registry.h"
#include "models/precision/precision_search.h"
#include "models/spec/shapes.h"
#include "models/train/context.h"
#include "models/train/flags.h"
#include "models/train/model_file.h"
#include "results/provenance.h"
#include "results/store.h"

using namespace rcdnn;
using models::po::value;

int main(int argc, char** argv) {
  std::string spec_path, model_path, dataset = "mnist", data_root, profile = "smoke", tech_path = "accel_sim/tech/fixed32_16.tech";
  std::string db_path, budget_path, candidate_text = "4,6,8,10,12,16", uniform_text = "8,10,12,16,32";
  std::vector<std::string> uniform_formats = {"<16,10>", "<32,16>"};
  std::string target = "//models/precision:precision_search";
  uint64_t seed = 1, split_seed = 20160101;
  int threads = 2, head = 0, val_images = -2, test_images = -2, population = 0, generations = -1;
  int64_t stream_images = 0;
  models::po::options_description flags;
  flags.add_options()
      ("spec", value(&spec_path)->required(), "network spec file (models/spec/*.net); must be the model's")
      ("model", value(&model_path)->required(), "trained model file (e.g. artifacts' lenet_golden_100.model)")
      ("head", value(&head)->default_value(head), "increment whose sub-network and classifier to use (1-based; 0 = the last)")
      ("dataset", value(&dataset)->default_value(dataset), "data set: mnist, fashion_mnist, cifar10 or svhn")
      ("data-root", value(&data_root)->default_value(data_root), "folder holding <name>/ data set folders (default $RCDNN_DATA_ROOT)")
      ("split-seed", value(&split_seed)->default_value(split_seed), "seed of the validation split (as the trainers')")
      ("profile", value(&profile)->default_value(profile), "smoke, quick or paper: subset sizes and search length (README)")
      ("seed", value(&seed)->default_value(seed), "seed of the genetic search")
      ("tech", value(&tech_path)->default_value(tech_path), "fixed-point technology file of the tile (word width = widest format)")
      ("candidate-bits", value(&candidate_text)->default_value(candidate_text), "total bits the search may give a tensor")
      ("uniform-bits", value(&uniform_text)->default_value(uniform_text), "uniform <n, f from the range> baselines")
      ("uniform-formats", value(&uniform_formats)->multitoken()->default_value(uniform_formats, "<16,10> <32,16>"),
       "uniform baselines with a fixed <n,f> everywhere (the paper's Table 1 formats)")
      ("val-images", value(&val_images)->default_value(val_images), "validation images per evaluation (-1 all; default: profile's)")
      ("test-images", value(&test_images)->default_value(test_images), "test images for the reported accuracy (-1 all; default: profile's)")
      ("population", value(&population)->default_value(population), "NSGA-II population (0: profile's)")
      ("generations", value(&generations)->default_value(generations), "NSGA-II generations (-1: profile's)")
      ("threads", value(&threads)->default_value(threads), "threads of the bit-accurate evaluations")
      ("budget", value(&budget_path)->default_value(budget_path), "energy budget schedule (artifacts/budgets/*.budget) for runtime switching")
      ("stream-images", value(&stream_images)->default_value(stream_images), "images in the switching stream (0: README's default)")
      ("db", value(&db_path)->required(), "results store to write the run into (created if absent)")
      ("target", value(&target)->default_value(target), "target label recorded with the run");
  const int parsed = models::ParseFlags(argc, argv, "precision_search",
                                        "Per-layer multi-precision Pareto search (Peluso & Calimera) on the tile.", flags);
  if (parsed >= 0) return parsed;
  return models::RunMain("precision_search", [&] {
    precision::PrecisionSearchOptions options;
    precision::ValidateProfile(profile);  // before any file is read
    if (val_images == 0 || test_images == 0 || val_images < -2 || test_images < -2) {
      throw Error("--val-images and --test-images must be positive or -1 (all)");
    }
    if (population != 0 && population < 2) throw Error("--population must be at least 2");
    if (generations < -1) throw Error("--generations must be >= 0");
    if (threads < 1) throw Error("--threads must be at least 1");
    if (stream_images < 0) throw Error("--stream-images must be >= 0");
    options.candidate_bits = precision::ParseBitList(candidate_text, "candidate-bits");
    options.uniform_bits = uniform_text.empty() ? std::vector<int>{} : precision::ParseBitList(uniform_text, "uniform-bits");
    options.uniform_formats.clear();
    for (const std::string& f : uniform_formats) options.uniform_formats.push_back(precision::ParseFormat(f, "uniform-formats"));
    options.seed = seed;
    options.threads = threads;
    options.stream_images = stream_images;

    const std::string spec_file = ResolveUserPath(spec_path);
    const std::string model_file = ResolveUserPath(model_path);
    const std::string tech_file = ResolveUserPath(tech_path);
    const models::NetSpec spec = models::LoadNetSpec(spec_file);
    const models::Model model = models::LoadModel(model_file);
    if (model.spec.source_text != spec.source_text) {
      throw Error("model '" + model_file + "' was trained on another spec than " + spec_file);
    }
    if (model.metadata.count("dataset") && model.metadata.at("dataset") != dataset) {
      throw Error("model '" + model_file + "' was trained on " + model.metadata.at("dataset") + ", not --dataset " + dataset);
    }
    if (head < 0 || head > model.NumIncrements()) {
      throw Error("--head " + std::to_string(head) + ": the model has " + std::to_string(model.NumIncrements()) + " increments");
    }
    const int head_index = head == 0 ? model.NumIncrements() - 1 : head - 1;
    options.sizes =
        precision::SizesForProfile(profile, models::TotalMacs(models::InferShapes(spec, model.schedule[head_index])));
    if (val_images != -2) options.sizes.val_images = val_images;
    if (test_images != -2) options.sizes.test_images = test_images;
    if (population != 0) options.sizes.population = population;
    if (generations != -1) options.sizes.generations = generations;
    std::string budget_name;
    if (!budget_path.empty()) {
      const std::string budget_file = ResolveUserPath(budget_path);
      options.budget = precision::ReadBudgetSchedule(budget_file);
      budget_name = budget_file.substr(budget_file.find_last_of('/') + 1);
    }
    data::LoadOptions load;
    load.data_root = data_root;
    load.split_seed = split_seed;
    load.max_train = 10;  // the search never trains; the mean image still comes from the whole train split
    const data::Dataset data = data::LoadDataset(dataset, load);

    precision::PrecisionProblem problem;
    problem.spec = spec;
    problem.head = head_index;
    problem.widths = model.schedule[head_index];
    problem.weights = precision::WeightsOfModel(model, head_index);
    problem.params = model.params;
    problem.validation = &data.validation;
    problem.test = &data.test;
    problem.tech = accel::LoadTechConfig(tech_file);
    const precision::PrecisionSearchReport report = precision::RunPrecisionSearch(problem, options);
    std::cout << precision::FormatReport(report) << std::flush;

    std::vector<results::ArtifactRecord> artifacts;
    std::string config = "target=" + target + "\nprofile=" + profile + "\nseed=" + std::to_string(seed) +
                         "\nhead=" + std::to_string(head_index + 1) + "\ncandidate_bits=" + candidate_text +
                         "\nuniform_bits=" + uniform_text + "\nval_images=" + std::to_string(options.sizes.val_images) +
                         "\ntest_images=" + std::to_string(options.sizes.test_images) +
                         "\npopulation=" + std::to_string(options.sizes.population) +
                         "\ngenerations=" + std::to_string(options.sizes.generations) +
                         "\nstream_images=" + std::to_string(stream_images) + "\nuniform_formats=";
    for (const std::string& f : uniform_formats) config += f + " ";
    config += "\ndataset=" + data.content_sha256 + "\n";
    for (const auto& [kind, path] : std::vector<std::pair<std::string, std::string>>{
             {"spec", spec_file}, {"model", model_file}, {"tech", tech_file}}) {
      const std::string sha = Sha256OfFile(path);
      config += kind + "=" + sha + "\n";
      artifacts.push_back({kind, path, sha});
    }
    if (!budget_path.empty()) {
      const std::string budget_file = ResolveUserPath(budget_path);
      const std::string sha = Sha256OfFile(budget_file);
      config += "budget=" + sha + "\n";
      artifacts.push_back({"budget", budget_file, sha});
    }
    results::RunInfo info = results::CurrentMachineInfo();
    info.target = target;
    info.profile = profile;
    info.build_flags = "see .bazelrc";
    info.dataset_name = data.name;
    info.dataset_display_name = data.display_name;
    info.dataset_sha256 = data.content_sha256;
    info.seed = seed;
    info.threads = threads;
    info.config_json = config;
    info.run_key = results::RunKey(info.code_version, target, config);
    const std::vector<results::Metric> metrics = precision::ReportMetrics(report, budget_name);
    results::Store store = results::Store::Open(ResolveUserPath(db_path));
    store.WriteRun(info, metrics, artifacts);
    std::fprintf(stderr, "precision_search: wrote %zu metrics to %s\n", metrics.size(), db_path.c_str());
  });
}
