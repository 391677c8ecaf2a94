#include "benchmarks/timing.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/error.h"

namespace rcdnn::benchmarks {

double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) throw Error("Percentile: no samples");
  if (!(q >= 0 && q <= 1)) throw Error("Percentile: q must be in [0, 1]");
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

LatencyStats Summarize(std::vector<double> samples_us) {
  if (samples_us.empty()) throw Error("latency statistics of zero samples");
  double sum = 0;
  for (double v : samples_us) {
    if (!std::isfinite(v) || v < 0) throw Error("latency sample " + std::to_string(v) + " is not a finite time >= 0");
    sum += v;
  }
  std::sort(samples_us.begin(), samples_us.end());
  LatencyStats stats;
  stats.samples = static_cast<int>(samples_us.size());
  stats.median_us = Percentile(samples_us, 0.5);
  stats.p10_us = Percentile(samples_us, 0.1);
  stats.p90_us = Percentile(samples_us, 0.9);
  stats.min_us = samples_us.front();
  stats.max_us = samples_us.back();
  stats.mean_us = sum / static_cast<double>(samples_us.size());
  return stats;
}

std::vector<Increment> UniformIncrements(const models::NetSpec& spec, const std::vector<double>& fractions) {
  std::vector<Increment> increments;
  for (size_t i = 0; i < fractions.size(); ++i) {
    char label[32];
    std::snprintf(label, sizeof(label), "%.4g", fractions[i]);
    increments.push_back({static_cast<int>(i) + 1, label, models::UniformWidths(spec, fractions[i]),
                          static_cast<int>(i)});
  }
  return increments;
}

}  // namespace rcdnn::benchmarks
