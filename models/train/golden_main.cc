// Trains one golden model (Section 3.1): a sub-network of given width trained
// with all its weights free. With --iterations-scale N it is the
// budget-matched control of Figure 9 (N x the solver's iterations).
#include <cstdio>

#include "models/engine/network.h"
#include "models/train/flags.h"
#include "models/train/model_metadata.h"
#include "models/train/trainers.h"

using namespace rcdnn::models;

int main(int argc, char** argv) {
  ContextOptions context_options;
  double fraction = 1.0;
  int iterations_scale = 1;
  std::string out, method = "golden";
  TrainerOptions trainer;
  po::options_description flags;
  AddContextFlags(&flags, &context_options);
  flags.add_options()
      ("fraction", po::value(&fraction)->default_value(fraction), "uniform width of the model, in (0, 1]")
      ("iterations-scale", po::value(&iterations_scale)->default_value(iterations_scale),
       "multiply the solver's iterations (the budget-matched control uses the number of increments)")
      ("method", po::value(&method)->default_value(method), "method label stored in the model (golden, budget_golden)")
      ("out", po::value(&out)->required(), "model file to write")
      ("checkpoint-dir", po::value(&trainer.checkpoint_dir)->default_value(""),
       "folder for checkpoints; a killed run started again with the same flags resumes")
      ("checkpoint-every", po::value(&trainer.checkpoint_every)->default_value(trainer.checkpoint_every),
       "iterations between checkpoints");
  const int parsed = ParseFlags(argc, argv, "golden", "Trains a golden model of one width (Tann et al. 2016, Sec. 3.1).", flags);
  if (parsed >= 0) return parsed;
  return RunMain("golden", [&] {
    const RunContext context = LoadRunContext(context_options);
    trainer.seed = context_options.seed;
    const Network net(context.spec, EngineOptions{context_options.threads});
    TrainReport report;
    Model model = TrainGolden(net, context.solver, context.dataset.train, UniformWidths(context.spec, fraction),
                              trainer, iterations_scale, &report);
    StampGoldenModel(context.provenance, method, fraction, report, &model);
    SaveModel(rcdnn::ResolveUserPath(out), model);
    std::fprintf(stderr, "golden: wrote %s (%lld iterations, final loss %.4f)\n", out.c_str(),
                 static_cast<long long>(report.TotalIterations()), report.phase_final_loss.at(0));
  });
}
