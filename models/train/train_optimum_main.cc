// Trains the models of the Table 7 optimum (models/train/optimum.h): reads
// the fractions the runtime tool's Eq. 1 sweep chose (--optimum, written by
// `runtime --optimum-out`), takes or trains the golden model of each width,
// trains the incremental model with golden initialisation, and writes them
// all into --out-dir: golden_<percent>.model per increment and
// incremental_golden_init.model (what `evaluate --model <dir>` reads).
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"
#include "models/engine/network.h"
#include "models/runtime/optimum_file.h"
#include "models/train/flags.h"
#include "models/train/model_metadata.h"
#include "models/train/optimum.h"

using namespace rcdnn::models;

namespace {

std::string Percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", 100 * fraction);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  ContextOptions context_options;
  std::string optimum_path, out_dir;
  std::vector<std::string> pool_paths;
  TrainerOptions trainer;
  po::options_description flags;
  AddContextFlags(&flags, &context_options);
  flags.add_options()
      ("optimum", po::value(&optimum_path)->required(),
       "Table 7 optimum file (runtime --optimum-out): the increments' fractions, e.g. 0.25,1")
      ("golden-pool", po::value(&pool_paths)->multitoken(),
       "golden model files already trained (same spec, data, profile and seed); a width not among them is trained here")
      ("out-dir", po::value(&out_dir)->required(), "folder to write the model files into (created if absent)");
  const int parsed = ParseFlags(argc, argv, "train_optimum",
                                "Trains the increments of the Table 7 optimum (Tann et al. 2016, Sec. 4.2) with golden "
                                "initialisation, and the golden model of each.",
                                flags);
  if (parsed >= 0) return parsed;
  return RunMain("train_optimum", [&] {
    const std::vector<double> fractions =
        rcdnn::models::runtime::ReadOptimumFile(rcdnn::ResolveUserPath(optimum_path));
    const RunContext context = LoadRunContext(context_options);
    trainer.seed = context_options.seed;
    std::vector<Model> pool;
    for (const std::string& path : pool_paths) {
      pool.push_back(LoadModel(rcdnn::ResolveUserPath(path)));
      if (pool.back().spec.source_text != context.spec.source_text) {
        throw rcdnn::Error("--golden-pool model '" + path + "' was trained on another spec than " +
                           context_options.spec_path);
      }
      // A pool model stands in for training here: it must come from the same data and settings.
      const std::string mismatch = ProvenanceMismatch(pool.back().metadata, context.provenance);
      if (!mismatch.empty()) {
        throw rcdnn::Error("--golden-pool model '" + path + "' was trained otherwise than this run (" + mismatch +
                           "); pass golden models of the same data set, profile and seeds");
      }
    }
    const std::vector<Widths> schedule = UniformSchedule(context.spec, fractions);
    const Network net(context.spec, EngineOptions{context_options.threads});
    // A golden model trained here carries what //models/train:golden writes.
    const auto stamp_golden = [&](int increment, Model* model, const TrainReport& report) {
      StampGoldenModel(context.provenance, "golden", fractions[increment], report, model);
    };
    OptimumModels models =
        TrainOptimumModels(net, context.solver, context.dataset.train, schedule, pool, trainer, stamp_golden);
    const std::string fractions_text = rcdnn::models::runtime::FormatFractions(fractions);
    StampIncrementalModel(context.provenance, "incremental_golden_init", fractions_text, models.incremental_report,
                          &models.incremental);

    const std::filesystem::path dir(rcdnn::ResolveUserPath(out_dir));
    std::filesystem::create_directories(dir);
    for (size_t i = 0; i < schedule.size(); ++i) {
      SaveModel((dir / ("golden_" + Percent(fractions[i]) + ".model")).string(), models.goldens[i]);
      std::fprintf(stderr, "train_optimum: golden model of fraction %g %s\n", fractions[i],
                   models.golden_from_pool[i] ? "taken from the pool" : "trained here");
    }
    SaveModel((dir / "incremental_golden_init.model").string(), models.incremental);
    std::fprintf(stderr, "train_optimum: wrote %zu models to %s (increments %s)\n", schedule.size() + 1,
                 dir.string().c_str(), fractions_text.c_str());
  });
}
