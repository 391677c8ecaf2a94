// Batch-1 and batched forward latency of the paper's networks per increment
// on this machine's CUDA device, with board energy from NVML (Table 5's GPU
// analogue). Without a usable device it says why and exits 0, storing nothing
// (with --empty-db-without-device, --db is still created, holding no run).
//   bazel run //gpu:gpu_platforms -- --db out.db
#include <iostream>

#include "common/cli.h"
#include "benchmarks/platform_report.h"
#include "benchmarks/workloads.h"
#include "gpu/device_net.h"
#include "gpu/gpu_latency.h"
#include "results/store.h"

using namespace rcdnn;
namespace po = rcdnn::cli::po;

int main(int argc, char** argv) {
  gpu::GpuLatencyOptions options;
  std::string specs, fractions = "0.25,0.5,0.75,1", db_path, target = "//gpu:gpu_platforms", profile = "paper",
              method_prefix;
  std::vector<std::string> models;
  uint64_t seed = 1;
  bool empty_db_without_device = false;
  po::options_description flags;
  flags.add_options()
      ("repetitions", po::value(&options.repetitions)->default_value(options.repetitions),
       "timed batch-1 forward passes per increment")
      ("batch-repetitions", po::value(&options.batch_repetitions)->default_value(options.batch_repetitions),
       "timed batched forward passes per increment")
      ("warmup", po::value(&options.warmup)->default_value(options.warmup), "untimed passes before each series")
      ("batch", po::value(&options.batch)->default_value(options.batch),
       "images per pass of the batched series (1: batch-1 only)")
      ("energy-seconds", po::value(&options.energy_seconds)->default_value(options.energy_seconds),
       "length of each increment's NVML energy loop (0: no energy)")
      ("nvml-library", po::value(&options.nvml_library)->default_value(options.nvml_library),
       "NVML shared library to load")
      ("specs", po::value(&specs),
       "comma-separated spec files timed with random weights (default: models/spec/{lenet,convnets,alexnet}.net)")
      ("fractions", po::value(&fractions)->default_value(fractions), "uniform width of each increment, ascending")
      ("seed", po::value(&seed)->default_value(seed), "InitParams seed of the random weights")
      ("models", po::value(&models)->multitoken(),
       "trained model files to time instead of --specs (their schedules and heads)")
      ("method-prefix", po::value(&method_prefix)->default_value(""),
       "put before the stored method \"gpu\" (table7_: the Table 7 optimum's models, read by Table 9)")
      ("db", po::value(&db_path)->default_value(""), "results store to write the run into (created if absent)")
      ("target", po::value(&target)->default_value(target), "target label recorded with the run")
      ("profile", po::value(&profile)->default_value(profile), "profile recorded with the run")
      ("empty-db-without-device", po::bool_switch(&empty_db_without_device),
       "without a usable device, still create --db as a store with no runs (a build action's output)");
  const int parsed = rcdnn::cli::ParseFlags(argc, argv, "gpu_platforms",
                                       "Forward latency (and NVML energy) per increment on this CUDA device.", flags);
  if (parsed >= 0) return parsed;
  return rcdnn::cli::RunMain("gpu_platforms", [&] {
    gpu::Validate(options);
    std::vector<std::string> spec_paths = {"models/spec/lenet.net", "models/spec/convnets.net",
                                           "models/spec/alexnet.net"};
    if (!specs.empty()) spec_paths = rcdnn::ResolveUserPaths(benchmarks::SplitList(specs));
    const std::vector<double> parsed_fractions = benchmarks::ParseAscendingFractions(fractions, "fractions");
    const gpu::DeviceInfo device = gpu::QueryDevice();
    if (!device.usable) {
      std::cout << "gpu_platforms: no usable CUDA device (" << device.reason << "); nothing measured, nothing stored";
      if (empty_db_without_device && !db_path.empty()) {
        const std::string path = rcdnn::ResolveUserPath(db_path);
        results::Store::Open(path);  // creates the schema
        std::cout << " (" << path << " is a store with no runs)";
      }
      std::cout << ".\n";
      return;
    }
    const std::vector<benchmarks::Workload> workloads =
        models.empty() ? benchmarks::RandomWeightWorkloads(spec_paths, parsed_fractions, seed)
                       : benchmarks::ModelWorkloads(rcdnn::ResolveUserPaths(models));
    benchmarks::PlatformRun run = gpu::MeasureGpuPlatform(device, workloads, options);
    run.method_prefix = method_prefix;
    benchmarks::PrintReport(run, std::cout);
    if (!db_path.empty()) {
      const std::string path = rcdnn::ResolveUserPath(db_path);
      const int64_t id = benchmarks::WritePlatformRun(path, run, target, profile);
      std::cout << "\nstored as run " << id << " in " << path << "\n";
    }
  });
}
