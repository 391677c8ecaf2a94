// Helpers shared by the engine's tests: reproducible random fills, central
// differences and tolerance checks.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/engine/params.h"
#include "models/spec/net_spec.h"

namespace rcdnn::models::testing {

// Uniform in [lo, hi) from a seeded mt19937_64 (our own conversion, so the
// same values with every standard library).
class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  float Uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(rng_() >> 40) * (1.0f / 16777216.0f); }
  int Int(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  void Fill(float* data, int64_t count, float lo = -1.0f, float hi = 1.0f) {
    for (int64_t i = 0; i < count; ++i) data[i] = Uniform(lo, hi);
  }
  std::vector<float> Vector(int64_t count, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> v(count);
    Fill(v.data(), count, lo, hi);
    return v;
  }
  void Fill(LayerParams* params, float scale = 1.0f) {
    Fill(params->weights.data(), params->weights.size(), -scale, scale);
    Fill(params->bias.data(), params->bias.size(), -scale, scale);
  }

 private:
  std::mt19937_64 rng_;
};

// (f(x + eps) - f(x - eps)) / (2 eps), restoring *x.
template <typename F>
double CentralDifference(double* x, F f, double eps = 1e-6) {
  const double saved = *x;
  *x = saved + eps;
  const double plus = f();
  *x = saved - eps;
  const double minus = f();
  *x = saved;
  return (plus - minus) / (2 * eps);
}

// Indices to check among `count`: all when few, else the first, the last and
// a fixed random sample.
inline std::vector<int64_t> CheckedIndices(int64_t count, int64_t max_checks, uint64_t seed) {
  std::vector<int64_t> indices;
  if (count <= max_checks) {
    for (int64_t i = 0; i < count; ++i) indices.push_back(i);
    return indices;
  }
  indices = {0, count - 1};
  std::mt19937_64 rng(seed);
  while (static_cast<int64_t>(indices.size()) < max_checks) indices.push_back(static_cast<int64_t>(rng() % count));
  return indices;
}

// |analytic - numeric| <= atol + rtol * |numeric|.
inline ::testing::AssertionResult GradientNear(double analytic, double numeric, double atol, double rtol) {
  const double diff = analytic - numeric;
  if ((diff < 0 ? -diff : diff) <= atol + rtol * (numeric < 0 ? -numeric : numeric)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "analytic " << analytic << " vs numeric " << numeric;
}

// Parameters shaped for `spec` with uniform weights of Xavier's scale,
// sqrt(3 / fan_in), and uniform biases in [-0.1, 0.1): well-conditioned
// activations whatever the spec's own fillers are.
inline NetParams RandomParams(const NetSpec& spec, int num_heads, uint64_t seed) {
  NetParams params = ZerosLike(spec, num_heads);
  Random random(seed);
  auto fill = [&](LayerParams* layer) {
    const float scale = std::sqrt(3.0f / static_cast<float>(layer->weights.cols()));
    random.Fill(layer->weights.data(), layer->weights.size(), -scale, scale);
    random.Fill(layer->bias.data(), layer->bias.size(), -0.1f, 0.1f);
  };
  for (LayerParams& layer : params.sliced) fill(&layer);
  for (LayerParams& layer : params.heads) fill(&layer);
  return params;
}

// Spec files are data dependencies: models/spec/<name>.net in the runfiles.
inline NetSpec LoadSpec(const std::string& name) { return LoadNetSpec("models/spec/" + name + ".net"); }

}  // namespace rcdnn::models::testing
