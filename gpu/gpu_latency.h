// Forward-pass latency per increment on the CUDA device, and board energy
// from NVML: the GPU counterpart of benchmarks/cpu_latency.h, filling the
// same NetworkTiming so benchmarks/platform_report.h prints and stores it
// (method "gpu").
//
// Method, per network: the weights are uploaded once (GpuNetwork); then per
// increment, blocked:
//  1. batch 1: `warmup` untimed passes, then `repetitions` passes each timed
//     by CUDA events (input copy in and logits copy out included);
//  2. batch `batch` (when > 1): `warmup` + `batch_repetitions` the same way;
//  3. energy: batch-1 passes back to back for energy_seconds under NVML
//     (nvml.h: the energy counter, else power sampling, else not measured).
#pragma once

#include <string>
#include <vector>

#include "benchmarks/platform_report.h"
#include "benchmarks/timing.h"
#include "benchmarks/workloads.h"
#include "gpu/device_net.h"
#include "gpu/nvml.h"

namespace rcdnn::gpu {

struct GpuLatencyOptions {
  int batch = 64;
  int warmup = 20;
  int repetitions = 200;
  int batch_repetitions = 50;
  double energy_seconds = 2.0;  // 0 = no energy
  std::string nvml_library = Nvml::kLibrary;
};

// Throws rcdnn::Error naming the first bad parameter.
void Validate(const GpuLatencyOptions& options);

// Times one network's increments on `network`'s device (and meters energy
// with `nvml`). *energy_source / *energy_key receive what the energy numbers
// are (nvml.h's EnergyResult): from the first increment that was metered,
// else the first increment's reason why not.
benchmarks::NetworkTiming MeasureGpu(const benchmarks::Workload& workload, const GpuLatencyOptions& options,
                                     const Nvml& nvml, std::string* energy_source, std::string* energy_key);

// The whole platform measurement: device description (model, PCI id,
// compute capability, CUDA runtime and driver, NVIDIA driver, clocks as read
// from NVML), host CPU, then every workload. Throws rcdnn::Error when
// `device` is not usable.
benchmarks::PlatformRun MeasureGpuPlatform(const DeviceInfo& device, const std::vector<benchmarks::Workload>& workloads,
                                           const GpuLatencyOptions& options);

}  // namespace rcdnn::gpu
