#include "accel_sim/nfu.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/error.h"

namespace rcdnn::accel {

void NfuStats::Add(const NfuStats& other, int64_t times) {
  cycles += other.cycles * times;
  multiplies += other.multiplies * times;
  tree_adds += other.tree_adds * times;
  comparisons += other.comparisons * times;
  accumulate_adds += other.accumulate_adds * times;
  nonlinear_ops += other.nonlinear_ops * times;
}

Nfu::Nfu(const NfuConfig& config) : config_(config) {
  if (config_.neurons < 1 || config_.synapses < 1 || config_.pipeline_stages < 1) {
    throw Error("nfu: neurons, synapses and pipeline stages must be at least 1");
  }
}

void Nfu::CheckLanes(int active_inputs, int active_neurons) const {
  if (active_inputs < 1 || active_inputs > config_.synapses || active_neurons < 1 ||
      active_neurons > config_.neurons) {
    throw Error("nfu: a pass with " + std::to_string(active_neurons) + " neurons x " +
                std::to_string(active_inputs) + " inputs does not fit " + std::to_string(config_.neurons) + " x " +
                std::to_string(config_.synapses));
  }
}

// The least k with 2^k >= n (n >= 1).
static int CeilLog2(int n) {
  int k = 0;
  while ((int64_t{1} << k) < n) ++k;
  return k;
}

// Sums values[0..n) pairwise, level by level, in place. `add` is the adder.
template <typename T, typename Add>
static T TreeSum(T* values, int n, Add add) {
  for (int width = n; width > 1; width = (width + 1) / 2) {
    for (int i = 0; i < width / 2; ++i) values[i] = add(values[2 * i], values[2 * i + 1]);
    if (width % 2) values[width / 2] = values[width - 1];
  }
  return values[0];
}

void Nfu::MacPass(const int32_t* inputs, int active_inputs, const int32_t* weights, int64_t weight_stride,
                  int active_neurons, int64_t* acc, SaturationCounter* acc_saturations) {
  CheckLanes(active_inputs, active_neurons);
  int64_t products[64];
  std::vector<int64_t> wide;
  int64_t* p = products;
  if (active_inputs > 64) {
    wide.resize(active_inputs);
    p = wide.data();
  }
  // When every product is below 2^headroom_bits in magnitude, no partial sum
  // of the tree, in any order, leaves the 64-bit accumulator: the tree's
  // saturating sum is then the plain (vectorisable) sum, bit for bit.
  const int headroom_bits = 63 - CeilLog2(active_inputs);
  for (int n = 0; n < active_neurons; ++n) {
    const int32_t* w = weights + n * weight_stride;
    uint64_t plain_sum = 0, magnitude_bits = 0;  // unsigned: wraps instead of overflowing
    for (int a = 0; a < active_inputs; ++a) {
      p[a] = MultiplyToAccumulator(w[a], inputs[a]);  // |p| < 2^62
      plain_sum += static_cast<uint64_t>(p[a]);
      magnitude_bits |= static_cast<uint64_t>(p[a] < 0 ? -p[a] : p[a]);
    }
    const int64_t sum =
        (magnitude_bits >> headroom_bits) == 0
            ? static_cast<int64_t>(plain_sum)
            : TreeSum(p, active_inputs, [&](int64_t x, int64_t y) { return SaturatingAdd(x, y, acc_saturations); });
    acc[n] = SaturatingAdd(acc[n], sum, acc_saturations);
  }
  CountMacPasses(1, int64_t{active_inputs} * active_neurons, int64_t{active_inputs - 1} * active_neurons,
                 active_neurons);
}

void Nfu::MacPass(const float* inputs, int active_inputs, const float* weights, int64_t weight_stride,
                  int active_neurons, float* acc) {
  CheckLanes(active_inputs, active_neurons);
  float products[64];
  std::vector<float> wide;
  float* p = products;
  if (active_inputs > 64) {
    wide.resize(active_inputs);
    p = wide.data();
  }
  for (int n = 0; n < active_neurons; ++n) {
    const float* w = weights + n * weight_stride;
    for (int a = 0; a < active_inputs; ++a) p[a] = w[a] * inputs[a];
    acc[n] += TreeSum(p, active_inputs, [](float x, float y) { return x + y; });
  }
  CountMacPasses(1, int64_t{active_inputs} * active_neurons, int64_t{active_inputs - 1} * active_neurons,
                 active_neurons);
}

void Nfu::PoolPass(const int32_t* values, int active, bool is_max, int64_t* acc) {
  CheckLanes(1, active);
  for (int n = 0; n < active; ++n) acc[n] = is_max ? std::max<int64_t>(acc[n], values[n]) : acc[n] + values[n];
  CountPoolPasses(1, active, is_max);
}

void Nfu::PoolPass(const float* values, int active, bool is_max, float* acc) {
  CheckLanes(1, active);
  for (int n = 0; n < active; ++n) acc[n] = is_max ? std::max(acc[n], values[n]) : acc[n] + values[n];
  CountPoolPasses(1, active, is_max);
}

void Nfu::CountMacPasses(int64_t passes, int64_t multiplies, int64_t tree_adds, int64_t accumulate_adds) {
  stats_.cycles += passes;
  stats_.multiplies += multiplies;
  stats_.tree_adds += tree_adds;
  stats_.accumulate_adds += accumulate_adds;
}

void Nfu::CountPoolPasses(int64_t passes, int64_t lane_ops, bool is_max) {
  stats_.cycles += passes;
  (is_max ? stats_.comparisons : stats_.tree_adds) += lane_ops;
}

}  // namespace rcdnn::accel
