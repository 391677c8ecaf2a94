#include "gpu/gpu_latency.h"

#include <cmath>
#include <cstdio>

#include "benchmarks/cpu_latency.h"
#include "common/error.h"
#include "gpu/gpu_network.h"
#include "results/provenance.h"

namespace rcdnn::gpu {
namespace {

std::string Mhz(const std::optional<unsigned>& mhz) { return mhz ? std::to_string(*mhz) + " MHz" : "not reported"; }

std::string Gib(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return text;
}

}  // namespace

void Validate(const GpuLatencyOptions& options) {
  if (options.batch < 1) throw Error("batch must be >= 1 (got " + std::to_string(options.batch) + ")");
  if (options.warmup < 0) throw Error("warmup must be >= 0 (got " + std::to_string(options.warmup) + ")");
  if (options.repetitions < 1) {
    throw Error("repetitions must be >= 1 (got " + std::to_string(options.repetitions) + ")");
  }
  if (options.batch_repetitions < 1) {
    throw Error("batch-repetitions must be >= 1 (got " + std::to_string(options.batch_repetitions) + ")");
  }
  if (!(options.energy_seconds >= 0) || !std::isfinite(options.energy_seconds)) {
    throw Error("energy-seconds must be a finite number >= 0");
  }
}

benchmarks::NetworkTiming MeasureGpu(const benchmarks::Workload& workload, const GpuLatencyOptions& options,
                                     const Nvml& nvml, std::string* energy_source, std::string* energy_key) {
  Validate(options);
  const models::NetSpec& spec = workload.spec;
  GpuNetwork network(spec, workload.params, options.batch);  // the one upload
  const int64_t image_floats = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  const std::vector<float> images = benchmarks::NoiseImages(image_floats * options.batch, 7);
  benchmarks::NetworkTiming timing;
  timing.network = spec.name;
  for (const benchmarks::Increment& increment : workload.increments) {
    benchmarks::IncrementTiming result;
    result.increment = increment;
    result.macs = models::TotalMacs(models::InferShapes(spec, increment.widths));
    result.batch1 = benchmarks::Summarize(
        network.TimeForwards(images.data(), 1, increment.widths, increment.head, options.warmup, options.repetitions));
    if (options.batch > 1) {
      result.batch = options.batch;
      result.batched = benchmarks::Summarize(network.TimeForwards(images.data(), options.batch, increment.widths,
                                                                  increment.head, options.warmup,
                                                                  options.batch_repetitions));
    }
    if (options.energy_seconds > 0) {
      const EnergyResult energy = MeasureEnergy(nvml, [&] {
        return network.RunFor(images.data(), 1, increment.widths, increment.head, options.energy_seconds);
      });
      result.energy_uj_per_image = energy.uj_per_image;
      // The run's label comes from the first increment that was metered; until
      // one is, from the first reason it was not.
      if (energy_key->empty() && (!energy.key.empty() || energy_source->empty())) {
        *energy_source = energy.source;
        *energy_key = energy.key;
      }
    }
    timing.increments.push_back(result);
  }
  return timing;
}

benchmarks::PlatformRun MeasureGpuPlatform(const DeviceInfo& device, const std::vector<benchmarks::Workload>& workloads,
                                           const GpuLatencyOptions& options) {
  Validate(options);
  if (!device.usable) throw Error("no usable CUDA device: " + device.reason);
  const Nvml nvml(device.pci_bus_id, options.nvml_library);
  benchmarks::PlatformRun run;
  run.method = "gpu";
  const std::string driver = nvml.DriverVersion();
  auto cuda_version = [](int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); };
  run.platform = {
      {"gpu_model", device.name},
      {"pci_bus_id", device.pci_bus_id},
      {"compute_capability", std::to_string(device.compute_major) + "." + std::to_string(device.compute_minor)},
      {"multiprocessors", std::to_string(device.multiprocessors)},
      {"memory_gib", Gib(device.memory_bytes)},
      {"cuda_runtime", cuda_version(device.runtime_version)},
      {"cuda_driver_api", cuda_version(device.driver_version)},
      {"nvidia_driver", driver.empty() ? "not reported (" + nvml.reason() + ")" : driver},
      {"peak_sm_clock", std::to_string(device.peak_sm_clock_mhz) + " MHz"},
      {"peak_memory_clock", std::to_string(device.peak_memory_clock_mhz) + " MHz"},
      {"max_sm_clock_nvml", Mhz(nvml.MaxClockMhz(Nvml::kClockSm))},
      {"host_cpu", results::CpuModel()},
      {"kernels", "nvcc -O2, im2col + cuBLAS SGEMM (FP32, no TF32), sm_80/sm_90 + compute_90 PTX"},
  };
  run.conditions = {{"sm_clock_before", Mhz(nvml.ClockMhz(Nvml::kClockSm))},
                    {"memory_clock_before", Mhz(nvml.ClockMhz(Nvml::kClockMemory))},
                    {"host_load_average_before", benchmarks::LoadAverage()}};
  run.machine_summary = "GPU " + device.name + (driver.empty() ? "" : ", driver " + driver);
  run.build_flags = "nvcc -O2 -std=c++17 (device code); host: " + benchmarks::CompilerFlagsLabel();
  run.threads = 1;
  run.warmup = options.warmup;
  run.repetitions = options.repetitions;
  run.batch_repetitions = options.batch_repetitions;
  run.batch = options.batch;
  run.energy_seconds = options.energy_seconds;
  std::string energy_source, energy_key;
  for (const benchmarks::Workload& workload : workloads) {
    run.networks.push_back(MeasureGpu(workload, options, nvml, &energy_source, &energy_key));
    run.weights.push_back(workload.weights);
  }
  run.conditions.push_back({"sm_clock_after", Mhz(nvml.ClockMhz(Nvml::kClockSm))});
  run.energy_key = energy_key;
  run.energy_measured = !energy_key.empty();
  run.energy_source = options.energy_seconds <= 0 ? "energy not requested (energy-seconds = 0)"
                      : energy_source.empty()     ? nvml.reason()
                                                  : energy_source;
  if (run.energy_measured) run.energy_source += "; NVML device: " + nvml.device_match();
  return run;
}

}  // namespace rcdnn::gpu
