#include "benchmarks/cpu_latency.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>

#include "common/error.h"
#include "models/engine/network.h"
#include "results/provenance.h"

namespace rcdnn::benchmarks {
namespace {

using Clock = std::chrono::steady_clock;
using models::Network;
using models::RowMatrix;
using models::Workspace;

double MicrosecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

std::string CpuInfoField(const std::string& field) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind(field, 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

// `warmup` untimed calls of run(), then `repetitions` timed ones.
template <typename F>
LatencyStats TimeRepeated(int warmup, int repetitions, F run) {
  for (int i = 0; i < warmup; ++i) run();
  std::vector<double> samples_us;
  samples_us.reserve(repetitions);
  for (int i = 0; i < repetitions; ++i) {
    const Clock::time_point start = Clock::now();
    run();
    samples_us.push_back(MicrosecondsSince(start));
  }
  return Summarize(std::move(samples_us));
}

}  // namespace

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(in >> one >> five >> fifteen)) return "not reported";
  return one + " " + five + " " + fifteen;
}

void Validate(const CpuLatencyOptions& options) {
  if (options.threads < 1) throw Error("threads must be >= 1 (got " + std::to_string(options.threads) + ")");
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

std::string CompilerFlagsLabel() {
  std::string label;
#if defined(__clang__)
  label = "Clang " __clang_version__;
#elif defined(__GNUC__)
  label = "GCC " __VERSION__;
#else
  label = "unknown compiler";
#endif
#ifdef __OPTIMIZE__
  label += ", optimized";
#else
  label += ", not optimized";
#endif
#ifdef NDEBUG
  label += ", NDEBUG";
#endif
#if defined(__x86_64__)
  label += ", x86-64";
#elif defined(__aarch64__)
  label += ", aarch64";
#endif
#ifdef __AVX512F__
  label += " AVX-512F";
#endif
#ifdef __AVX2__
  label += " AVX2";
#endif
#ifdef __FMA__
  label += " FMA";
#endif
  return label;
}

CpuPlatform DescribeCpuPlatform(const CpuLatencyOptions& options) {
  CpuPlatform platform;
  platform.cpu_model = results::CpuModel();
  platform.cpu_id = "family " + CpuInfoField("cpu family") + " model " + CpuInfoField("model\t") + " stepping " +
                    CpuInfoField("stepping");
  const std::string flags = " " + CpuInfoField("flags") + " ";
  for (const char* isa : {"avx2", "fma", "avx512f"}) {
    if (flags.find(std::string(" ") + isa + " ") != std::string::npos) {
      platform.cpu_isa += (platform.cpu_isa.empty() ? "" : " ") + std::string(isa);
    }
  }
  if (platform.cpu_isa.empty()) platform.cpu_isa = "none of avx2, fma, avx512f";
  platform.logical_cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  platform.cpu_mhz = CpuInfoField("cpu MHz");
  utsname name{};
  platform.kernel = uname(&name) == 0 ? std::string(name.sysname) + " " + name.release : "unknown kernel";
  platform.compiler = CompilerFlagsLabel();
  platform.load_average = LoadAverage();
  const RaplMeter meter(options.powercap_root);
  platform.energy_measured = meter.available() && options.energy_seconds > 0;
  platform.energy_source = meter.available() && options.energy_seconds <= 0
                               ? "energy not requested (energy-seconds = 0)"
                               : meter.description();
  return platform;
}

std::vector<float> NoiseImages(int64_t count, uint32_t seed) {
  std::vector<float> values(count);
  uint32_t state = seed;
  for (float& v : values) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return values;
}

NetworkTiming MeasureCpu(const models::NetSpec& spec, const models::NetParams& params,
                         const std::vector<Increment>& increments, const CpuLatencyOptions& options) {
  Validate(options);
  models::EngineOptions engine_options;
  engine_options.threads = options.threads;
  const Network network(spec, engine_options);
  const int64_t image_floats = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  const std::vector<float> images = NoiseImages(image_floats * options.batch, 7);
  const RaplMeter meter(options.powercap_root);
  Workspace workspace;
  RowMatrix logits(options.batch, spec.NumClasses());

  NetworkTiming timing;
  timing.network = spec.name;
  for (const Increment& increment : increments) {
    models::ValidateWidths(spec, increment.widths);
    if (increment.head < 0 || increment.head >= static_cast<int>(params.heads.size())) {
      throw Error(spec.name + " increment " + std::to_string(increment.number) + ": head " +
                  std::to_string(increment.head) + " does not exist (the weights have " +
                  std::to_string(params.heads.size()) + " heads)");
    }
    IncrementTiming result;
    result.increment = increment;
    result.macs = models::TotalMacs(models::InferShapes(spec, increment.widths));
    auto forward = [&](int n) {
      auto block = logits.topRows(n);
      network.Forward(params, images.data(), n, increment.widths, increment.head, &workspace, block);
    };
    result.batch1 = TimeRepeated(options.warmup, options.repetitions, [&] { forward(1); });
    if (options.batch > 1) {
      result.batch = options.batch;
      result.batched = TimeRepeated(options.warmup, options.batch_repetitions, [&] { forward(options.batch); });
    }
    if (meter.available() && options.energy_seconds > 0) {
      const std::optional<std::vector<uint64_t>> before = meter.Read();
      const Clock::time_point start = Clock::now();
      int64_t images_run = 0;
      do {
        forward(1);
        ++images_run;
      } while (MicrosecondsSince(start) < options.energy_seconds * 1e6);
      const std::optional<std::vector<uint64_t>> after = meter.Read();
      // A counter that did not move metered nothing (too short a window, or a
      // frozen counter): energy stays unmeasured rather than 0 uJ.
      const double uj = before && after ? meter.DeltaUj(*before, *after) : 0.0;
      if (uj > 0) result.energy_uj_per_image = uj / static_cast<double>(images_run);
    }
    timing.increments.push_back(result);
  }
  return timing;
}

}  // namespace rcdnn::benchmarks
