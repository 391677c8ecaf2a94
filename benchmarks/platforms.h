// The `platforms` tool's work (platforms_main.cc only parses flags): time the
// networks' increments on this machine's CPU, print the report, explain any
// inversion with a per-layer profile, and optionally store the run.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "benchmarks/cpu_latency.h"
#include "benchmarks/platform_report.h"
#include "benchmarks/workloads.h"

namespace rcdnn::benchmarks {

struct PlatformsOptions {
  CpuLatencyOptions latency;
  // Spec files timed with random weights (InitParams(seed)), or, when
  // model_paths is non-empty, trained model files instead.
  std::vector<std::string> spec_paths = {"models/spec/lenet.net", "models/spec/convnets.net",
                                         "models/spec/alexnet.net"};
  std::vector<std::string> model_paths;
  std::vector<double> fractions = {0.25, 0.5, 0.75, 1.0};
  uint64_t seed = 1;
  // Per-layer times of every increment of every network; a network with a
  // batch-1 inversion gets them regardless.
  bool profile_layers = false;
  std::string method_prefix;  // PlatformRun::method_prefix
  std::string db_path;        // "" = do not store
  std::string target = "//benchmarks:platforms";
  std::string profile = "paper";
};

// The PlatformRun of a CPU measurement (method "cpu"), platform fields read
// from this machine.
PlatformRun MeasureCpuPlatform(const std::vector<Workload>& workloads, const CpuLatencyOptions& options);

// Prints per-layer median times (us), one column per increment.
void PrintLayerProfile(const Workload& workload, int warmup, int repetitions, std::ostream& out);

// Everything the tool does; returns the run (already stored when db_path is set).
PlatformRun RunPlatforms(const PlatformsOptions& options, std::ostream& out);

}  // namespace rcdnn::benchmarks
