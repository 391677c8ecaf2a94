#include "benchmarks/platforms.h"

#include <cstdio>

#include "benchmarks/layer_profile.h"

namespace rcdnn::benchmarks {

PlatformRun MeasureCpuPlatform(const std::vector<Workload>& workloads, const CpuLatencyOptions& options) {
  Validate(options);
  const CpuPlatform cpu = DescribeCpuPlatform(options);
  PlatformRun run;
  run.method = "cpu";
  run.platform = {{"cpu_model", cpu.cpu_model},
                  {"cpu_id", cpu.cpu_id},
                  {"cpu_isa", cpu.cpu_isa},
                  {"logical_cores", std::to_string(cpu.logical_cores)},
                  {"kernel", cpu.kernel},
                  {"compiler", cpu.compiler},
                  {"threads", std::to_string(options.threads)}};
  run.conditions = {{"cpu_mhz", cpu.cpu_mhz.empty() ? "not reported" : cpu.cpu_mhz},
                    {"load_average_before", cpu.load_average}};
  run.machine_summary = std::to_string(cpu.logical_cores) + " logical cores, " + cpu.kernel;
  run.build_flags = cpu.compiler;
  run.energy_source = cpu.energy_source;
  run.energy_measured = cpu.energy_measured;
  run.energy_key = "rapl";
  run.threads = options.threads;
  run.warmup = options.warmup;
  run.repetitions = options.repetitions;
  run.batch_repetitions = options.batch_repetitions;
  run.batch = options.batch;
  run.energy_seconds = options.energy_seconds;
  for (const Workload& workload : workloads) {
    run.networks.push_back(MeasureCpu(workload.spec, workload.params, workload.increments, options));
    run.weights.push_back(workload.weights);
  }
  // Loads above the core count mean the timings shared the CPU with other work.
  run.conditions.push_back({"load_average_after", LoadAverage()});
  return run;
}

void PrintLayerProfile(const Workload& workload, int warmup, int repetitions, std::ostream& out) {
  std::vector<std::vector<LayerTime>> columns;
  for (const Increment& increment : workload.increments) {
    columns.push_back(ProfileLayers(workload.spec, workload.params, increment.widths, increment.head, warmup,
                                    repetitions));
  }
  out << "  per-layer batch-1 median us (layers run one by one, unfused), by increment:\n";
  char cell[64];
  std::snprintf(cell, sizeof(cell), "    %-8s %-8s", "layer", "kind");
  out << cell;
  for (const Increment& increment : workload.increments) {
    std::snprintf(cell, sizeof(cell), " %10s", ("incr " + std::to_string(increment.number)).c_str());
    out << cell;
  }
  out << "\n";
  for (size_t l = 0; l < workload.spec.layers.size(); ++l) {
    std::snprintf(cell, sizeof(cell), "    %-8s %-8s", columns[0][l].layer.c_str(), columns[0][l].kind.c_str());
    out << cell;
    for (const std::vector<LayerTime>& column : columns) {
      std::snprintf(cell, sizeof(cell), " %10.2f", column[l].stats.median_us);
      out << cell;
    }
    out << "\n";
  }
}

PlatformRun RunPlatforms(const PlatformsOptions& options, std::ostream& out) {
  Validate(options.latency);
  const std::vector<Workload> workloads = options.model_paths.empty()
                                              ? RandomWeightWorkloads(options.spec_paths, options.fractions,
                                                                      options.seed)
                                              : ModelWorkloads(options.model_paths);
  PlatformRun run = MeasureCpuPlatform(workloads, options.latency);
  run.method_prefix = options.method_prefix;
  PrintReport(run, out);
  for (size_t k = 0; k < workloads.size(); ++k) {
    if (options.profile_layers || !FindInversions(run.networks[k], false).empty()) {
      out << "\n" << workloads[k].spec.name << ":\n";
      PrintLayerProfile(workloads[k], options.latency.warmup, options.latency.repetitions, out);
    }
  }
  if (!options.db_path.empty()) {
    const int64_t id = WritePlatformRun(options.db_path, run, options.target, options.profile);
    out << "\nstored as run " << id << " in " << options.db_path << "\n";
  }
  return run;
}

}  // namespace rcdnn::benchmarks
