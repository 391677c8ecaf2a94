// Forward-pass latency of the CPU engine per increment, timed with
// std::chrono::steady_clock, and package energy where RAPL is readable.
//
//   CpuLatencyOptions options;           // threads, batch, warm-up, repetitions
//   NetworkTiming timing = MeasureCpu(spec, params, UniformIncrements(spec, {0.25, 0.5, 0.75, 1}), options);
//
// Method, per increment, one after the other (blocked, not interleaved):
//  1. batch 1: `warmup` untimed forward passes, then `repetitions` passes,
//     each timed on its own (so the spread is per-image latency jitter);
//  2. batch `batch` (when > 1): `warmup` untimed and `batch_repetitions`
//     timed passes, timing whole batches;
//  3. energy (when RAPL is readable and energy_seconds > 0): batch-1 passes
//     back to back for at least energy_seconds, package counter read before
//     and after; energy per image = difference / images. Nothing is estimated
//     where the counter is absent or did not move: energy_uj_per_image
//     stays nullopt.
// The engine runs with EngineOptions{threads}; a batch of 1 always runs on
// the calling thread (network.h), so `threads` matters for batches only.
// Inputs are fixed pseudo-random images; the weights are the caller's.
#pragma once

#include <cstdint>
#include <string>

#include "benchmarks/rapl.h"
#include "benchmarks/timing.h"
#include "models/engine/params.h"
#include "models/spec/net_spec.h"

namespace rcdnn::benchmarks {

struct CpuLatencyOptions {
  int threads = 1;              // EngineOptions::threads, recorded with the run
  int batch = 64;               // images per batched pass; 1 = batch-1 only
  int warmup = 10;              // untimed passes before each timed series
  int repetitions = 200;        // timed batch-1 passes per increment
  int batch_repetitions = 20;   // timed batched passes per increment
  double energy_seconds = 1.0;  // length of each energy loop; 0 = no energy
  std::string powercap_root = kDefaultPowercapRoot;
};

// Throws rcdnn::Error naming the first bad parameter.
void Validate(const CpuLatencyOptions& options);

// The platform a CPU measurement ran on, as read on this machine.
struct CpuPlatform {
  std::string cpu_model;      // /proc/cpuinfo "model name"
  std::string cpu_id;         // "family 26 model 17 stepping 0" (identifies the core generation)
  std::string cpu_isa;        // vector extensions the CPU reports: "avx2 fma avx512f"
  int logical_cores = 0;      // online logical CPUs
  std::string cpu_mhz;        // /proc/cpuinfo "cpu MHz" of the first CPU, "" if absent
  std::string kernel;         // uname: "Linux 6.1.0-18-amd64"
  std::string load_average;   // /proc/loadavg's 1, 5 and 15 minute loads when the description was taken
  std::string compiler;       // CompilerFlagsLabel()
  std::string energy_source;  // RaplMeter::description()
  bool energy_measured = false;
};

CpuPlatform DescribeCpuPlatform(const CpuLatencyOptions& options);

// What the compiler predefined for this translation unit (the same flags
// .bazelrc gives the engine): compiler and version, optimisation, ISA
// extensions, e.g. "GCC 12.2.0, optimized, NDEBUG, x86-64 AVX2 FMA".
std::string CompilerFlagsLabel();

// Times `increments` of `spec` with `params` as described above. Throws
// rcdnn::Error on bad options or widths.
NetworkTiming MeasureCpu(const models::NetSpec& spec, const models::NetParams& params,
                         const std::vector<Increment>& increments, const CpuLatencyOptions& options);

// /proc/loadavg's "1min 5min 15min" loads, or "not reported". A load above
// the core count means the timings shared the CPU with other work.
std::string LoadAverage();

// Deterministic pseudo-random floats in [-1, 1) (a fixed LCG): the images
// every platform measures on.
std::vector<float> NoiseImages(int64_t count, uint32_t seed);

}  // namespace rcdnn::benchmarks
