// What a platform measurement is made of, whatever the platform: the
// sub-networks timed (one per increment), latency statistics of repeated
// runs, and the result of one increment. The CPU path (cpu_latency.h) and the
// CUDA path (gpu/gpu_latency.h) both fill IncrementTiming; platform_report.h
// prints and stores it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::benchmarks {

// Summary of repeated latency samples, in microseconds.
//
// Percentiles interpolate linearly between order statistics (Hyndman & Fan
// type 7, numpy's default): with the n samples sorted ascending, percentile q
// sits at position q * (n - 1). So the median of {1, 2, 3, 4} is 2.5, and
// p10/p90 of one sample are that sample.
struct LatencyStats {
  int samples = 0;
  double median_us = 0, p10_us = 0, p90_us = 0;
  double min_us = 0, max_us = 0, mean_us = 0;
};

// q in [0, 1] of ascending `sorted` (non-empty). Throws rcdnn::Error otherwise.
double Percentile(const std::vector<double>& sorted, double q);

// Throws rcdnn::Error when `samples_us` is empty or holds a value that is
// negative, NaN or infinite.
LatencyStats Summarize(std::vector<double> samples_us);

// One sub-network to time: increment `number` (1-based) runs `widths` with
// classifier `head`. `label` is what tables print in the fraction column:
// "0.25" for a uniform fraction, or "" when the widths come from a model's
// schedule.
struct Increment {
  int number = 1;
  std::string label;
  models::Widths widths;
  int head = 0;
};

// Increments 1..N at uniform fractions (e.g. 0.25, 0.5, 0.75, 1), each with
// its own head (head i-1 for increment i), as in the paper's Section 5.2.
std::vector<Increment> UniformIncrements(const models::NetSpec& spec, const std::vector<double>& fractions);

// The result of timing one increment on one platform.
struct IncrementTiming {
  Increment increment;
  int64_t macs = 0;      // per image, InferShapes
  LatencyStats batch1;   // one image per forward pass
  int batch = 0;         // images per forward pass of `batched`; 0 when not measured
  LatencyStats batched;  // whole-batch latency
  // Energy per image of batch-1 runs; nullopt when the platform has no
  // readable energy counter (never estimated from a model).
  std::optional<double> energy_uj_per_image;
};

struct NetworkTiming {
  std::string network;  // NetSpec::name
  std::vector<IncrementTiming> increments;  // ascending widths; the last is the reference ("full")
};

}  // namespace rcdnn::benchmarks
