// Batch-1 and batched forward latency of the paper's networks per increment
// on this machine's CPU, with package energy where RAPL is readable (Table 5's
// CPU analogue). `bazel run //benchmarks:platforms -- --threads 2 --db out.db`
#include <iostream>

#include "common/cli.h"
#include "benchmarks/platforms.h"

using namespace rcdnn::benchmarks;
namespace po = rcdnn::cli::po;

int main(int argc, char** argv) {
  PlatformsOptions options;
  CpuLatencyOptions& latency = options.latency;
  std::string specs;  // "" = the paper's three networks from the runfiles
  std::string fractions = "0.25,0.5,0.75,1";
  std::vector<std::string> models;
  po::options_description flags;
  flags.add_options()
      ("threads", po::value(&latency.threads)->default_value(latency.threads),
       "engine threads (EngineOptions::threads; a batch of 1 runs on one thread)")
      ("repetitions", po::value(&latency.repetitions)->default_value(latency.repetitions),
       "timed batch-1 forward passes per increment")
      ("batch-repetitions", po::value(&latency.batch_repetitions)->default_value(latency.batch_repetitions),
       "timed batched forward passes per increment")
      ("warmup", po::value(&latency.warmup)->default_value(latency.warmup), "untimed passes before each series")
      ("batch", po::value(&latency.batch)->default_value(latency.batch),
       "images per pass of the batched series (1: batch-1 only)")
      ("energy-seconds", po::value(&latency.energy_seconds)->default_value(latency.energy_seconds),
       "length of each increment's energy loop where RAPL is readable (0: no energy)")
      ("powercap-root", po::value(&latency.powercap_root)->default_value(latency.powercap_root),
       "sysfs powercap folder holding the RAPL zones")
      ("specs", po::value(&specs),
       "comma-separated spec files timed with random weights (default: models/spec/{lenet,convnets,alexnet}.net)")
      ("fractions", po::value(&fractions)->default_value(fractions), "uniform width of each increment, ascending")
      ("seed", po::value(&options.seed)->default_value(options.seed), "InitParams seed of the random weights")
      ("models", po::value(&models)->multitoken(),
       "trained model files to time instead of --specs (their schedules and heads)")
      ("method-prefix", po::value(&options.method_prefix)->default_value(""),
       "put before the stored method \"cpu\" (table7_: the Table 7 optimum's models, read by Table 9)")
      ("layers", po::bool_switch(&options.profile_layers), "print per-layer times of every network")
      ("db", po::value(&options.db_path)->default_value(""), "results store to write the run into (created if absent)")
      ("target", po::value(&options.target)->default_value(options.target), "target label recorded with the run")
      ("profile", po::value(&options.profile)->default_value(options.profile), "profile recorded with the run");
  const int parsed = rcdnn::cli::ParseFlags(argc, argv, "platforms",
                                       "Forward latency (and energy where metered) per increment on this CPU.", flags);
  if (parsed >= 0) return parsed;
  return rcdnn::cli::RunMain("platforms", [&] {
    options.fractions = ParseAscendingFractions(fractions, "fractions");
    if (!specs.empty()) options.spec_paths = rcdnn::ResolveUserPaths(SplitList(specs));
    options.model_paths = rcdnn::ResolveUserPaths(models);
    options.latency.powercap_root = rcdnn::ResolveUserPath(options.latency.powercap_root);
    options.db_path = rcdnn::ResolveUserPath(options.db_path);
    RunPlatforms(options, std::cout);
  });
}
