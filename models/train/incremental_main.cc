// Incremental training (Algorithm 1), optionally with golden initialisation
// (Section 3.2): one model, one set of shared weights, one classifier per
// increment.
#include <cstdio>
#include <sstream>

#include "models/engine/network.h"
#include "models/train/flags.h"
#include "models/train/model_metadata.h"
#include "models/train/trainers.h"

using namespace rcdnn::models;

int main(int argc, char** argv) {
  ContextOptions context_options;
  std::string fractions_text = "0.25,0.5,0.75,1", golden_text, out;
  TrainerOptions trainer;
  po::options_description flags;
  AddContextFlags(&flags, &context_options);
  flags.add_options()
      ("fractions", po::value(&fractions_text)->default_value(fractions_text),
       "uniform width of each increment, increasing, e.g. 0.25,0.5,0.75,1 (the number of increments is their count)")
      ("golden-init", po::value(&golden_text)->default_value(""),
       "comma-separated golden model files, one per increment, for golden initialisation (Sec. 3.2); "
       "empty = plain Algorithm 1")
      ("out", po::value(&out)->required(), "model file to write")
      ("checkpoint-dir", po::value(&trainer.checkpoint_dir)->default_value(""),
       "folder for checkpoints; a killed run started again with the same flags resumes")
      ("checkpoint-every", po::value(&trainer.checkpoint_every)->default_value(trainer.checkpoint_every),
       "iterations between checkpoints");
  const int parsed =
      ParseFlags(argc, argv, "incremental", "Incremental training (Tann et al. 2016, Algorithm 1).", flags);
  if (parsed >= 0) return parsed;
  return RunMain("incremental", [&] {
    const RunContext context = LoadRunContext(context_options);
    trainer.seed = context_options.seed;
    const std::vector<Widths> schedule = UniformSchedule(context.spec, rcdnn::ParseFractions(fractions_text, "fractions"));
    std::vector<Model> goldens;
    std::istringstream paths(golden_text);
    for (std::string path; std::getline(paths, path, ',');) goldens.push_back(LoadModel(rcdnn::ResolveUserPath(path)));
    const Network net(context.spec, EngineOptions{context_options.threads});
    TrainReport report;
    Model model = TrainIncremental(net, context.solver, context.dataset.train, schedule, goldens, trainer, &report);
    StampIncrementalModel(context.provenance, goldens.empty() ? "incremental" : "incremental_golden_init",
                          fractions_text, report, &model);
    SaveModel(rcdnn::ResolveUserPath(out), model);
    std::fprintf(stderr, "incremental: wrote %s (%zu increments, %lld iterations)\n", out.c_str(), schedule.size(),
                 static_cast<long long>(report.TotalIterations()));
  });
}
