#include "accel_sim/nfu.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

TEST(Nfu, PeakIs496OpsPerCycle) {
  const Nfu nfu(NfuConfig{});
  EXPECT_EQ(nfu.PeakOpsPerCycle(), 16 * (16 + 15));
  EXPECT_EQ(nfu.PeakOpsPerCycle(), 496);
  EXPECT_EQ(nfu.FillDrainCycles(), 2);
}

TEST(Nfu, AFullPassDoes256MultipliesAnd240TreeAdds) {
  Nfu nfu(NfuConfig{});
  std::vector<int32_t> inputs(16, 1), weights(256, 1);
  std::vector<int64_t> acc(16, 0);
  nfu.MacPass(inputs.data(), 16, weights.data(), 16, 16, acc.data(), nullptr);
  EXPECT_EQ(nfu.stats().cycles, 1);
  EXPECT_EQ(nfu.stats().multiplies, 256);
  EXPECT_EQ(nfu.stats().tree_adds, 240);
  EXPECT_EQ(nfu.stats().PaperOps(), 496);
  EXPECT_EQ(nfu.stats().accumulate_adds, 16);
  for (int64_t a : acc) EXPECT_EQ(a, 16);
}

TEST(Nfu, MacPassComputesExactDotProductsOnPartialLanes) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int32_t> dist(-(1 << 20), 1 << 20);
  for (int active_inputs : {1, 5, 16}) {
    for (int active_neurons : {1, 7, 16}) {
      Nfu nfu(NfuConfig{});
      const int64_t stride = 40;  // a row of a wider weight matrix
      std::vector<int32_t> inputs(16), weights(16 * stride);
      for (auto& v : inputs) v = dist(rng);
      for (auto& v : weights) v = dist(rng);
      std::vector<int64_t> acc(16, 100);
      SaturationCounter saturations;
      nfu.MacPass(inputs.data(), active_inputs, weights.data(), stride, active_neurons, acc.data(), &saturations);
      for (int n = 0; n < 16; ++n) {
        int64_t expected = 100;
        if (n < active_neurons) {
          for (int a = 0; a < active_inputs; ++a) expected += int64_t{weights[n * stride + a]} * inputs[a];
        }
        EXPECT_EQ(acc[n], expected);
      }
      EXPECT_EQ(saturations.count, 0);
      EXPECT_EQ(nfu.stats().multiplies, active_inputs * active_neurons);
      EXPECT_EQ(nfu.stats().tree_adds, (active_inputs - 1) * active_neurons);
    }
  }
}

TEST(Nfu, AccumulatorOverflowSaturatesAndIsCounted) {
  Nfu nfu(NfuConfig{});
  const int32_t big = std::numeric_limits<int32_t>::max();
  std::vector<int32_t> inputs(16, big), weights(256, big);
  std::vector<int64_t> acc(16, std::numeric_limits<int64_t>::max() - 1);
  SaturationCounter saturations;
  nfu.MacPass(inputs.data(), 16, weights.data(), 16, 1, acc.data(), &saturations);
  EXPECT_EQ(acc[0], std::numeric_limits<int64_t>::max());
  EXPECT_GT(saturations.count, 0);
}

// The adder tree's saturating sum, written out: pairwise, level by level.
int64_t ReferenceTreeSum(std::vector<int64_t> values, SaturationCounter* saturations) {
  for (size_t width = values.size(); width > 1; width = (width + 1) / 2) {
    for (size_t i = 0; i < width / 2; ++i) values[i] = SaturatingAdd(values[2 * i], values[2 * i + 1], saturations);
    if (width % 2) values[width / 2] = values[width - 1];
  }
  return values[0];
}

// Products near 2^59..2^62, signs mixed: some passes saturate inside the
// tree and some do not, on both sides of the fast path's bound. Every result
// and every saturation count is the tree's.
TEST(Nfu, LargeProductsGiveTheTreesResultsAndSaturations) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> shift(26, 31);
  std::bernoulli_distribution negative(0.5);
  auto draw = [&] {
    const int64_t magnitude = (int64_t{1} << shift(rng)) - 1 - static_cast<int64_t>(rng() % 1000);
    return static_cast<int32_t>(negative(rng) ? -magnitude : magnitude);
  };
  int64_t passes_with_saturation = 0, passes_without = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const int active_inputs = 1 + trial % 16;
    Nfu nfu(NfuConfig{});
    std::vector<int32_t> inputs(16), weights(16 * 16);
    for (auto& v : inputs) v = draw();
    for (auto& v : weights) v = draw();
    std::vector<int64_t> acc(16, 0);
    SaturationCounter saturations;
    nfu.MacPass(inputs.data(), active_inputs, weights.data(), 16, 16, acc.data(), &saturations);
    SaturationCounter expected_saturations;
    for (int n = 0; n < 16; ++n) {
      std::vector<int64_t> products(active_inputs);
      for (int a = 0; a < active_inputs; ++a) products[a] = int64_t{weights[n * 16 + a]} * inputs[a];
      const int64_t before = expected_saturations.count;
      const int64_t expected = SaturatingAdd(0, ReferenceTreeSum(products, &expected_saturations), &expected_saturations);
      EXPECT_EQ(acc[n], expected) << "trial " << trial << " neuron " << n;
      ++(expected_saturations.count > before ? passes_with_saturation : passes_without);
    }
    EXPECT_EQ(saturations.count, expected_saturations.count) << "trial " << trial;
  }
  EXPECT_GT(passes_with_saturation, 0);
  EXPECT_GT(passes_without, 0);
}

TEST(Nfu, PoolPassTakesMaxOrSum) {
  Nfu nfu(NfuConfig{});
  const int32_t values[3] = {5, -7, 2};
  int64_t max_acc[3] = {0, -10, 3};
  nfu.PoolPass(values, 3, true, max_acc);
  EXPECT_EQ(max_acc[0], 5);
  EXPECT_EQ(max_acc[1], -7);
  EXPECT_EQ(max_acc[2], 3);
  int64_t sum_acc[3] = {1, 1, 1};
  nfu.PoolPass(values, 3, false, sum_acc);
  EXPECT_EQ(sum_acc[1], -6);
  EXPECT_EQ(nfu.stats().cycles, 2);
  EXPECT_EQ(nfu.stats().comparisons, 3);
  EXPECT_EQ(nfu.stats().tree_adds, 3);
}

TEST(Nfu, FloatPassSumsInTreeOrder) {
  Nfu nfu(NfuConfig{});
  // The tree adds (1e8 + 1) + (-1e8 + 1): float (spacing 8 at 1e8) loses
  // both ones and gives 0; a left fold would give 1.
  const float inputs[4] = {1e8f, 1.0f, -1e8f, 1.0f};
  const float weights[4] = {1, 1, 1, 1};
  float acc = 0.0f;
  nfu.MacPass(inputs, 4, weights, 4, 1, &acc);
  EXPECT_EQ(acc, 0.0f);
}

TEST(Nfu, CountingMatchesExecuting) {
  Nfu executed(NfuConfig{}), counted(NfuConfig{});
  std::vector<int32_t> inputs(16, 1), weights(256, 1);
  std::vector<int64_t> acc(16, 0);
  executed.MacPass(inputs.data(), 9, weights.data(), 16, 13, acc.data(), nullptr);
  executed.MacPass(inputs.data(), 16, weights.data(), 16, 13, acc.data(), nullptr);
  counted.CountMacPasses(2, 13 * 25, 13 * (25 - 2), 13 * 2);
  EXPECT_EQ(executed.stats().cycles, counted.stats().cycles);
  EXPECT_EQ(executed.stats().multiplies, counted.stats().multiplies);
  EXPECT_EQ(executed.stats().tree_adds, counted.stats().tree_adds);
  EXPECT_EQ(executed.stats().accumulate_adds, counted.stats().accumulate_adds);
}

TEST(Nfu, RejectsPassesWiderThanTheUnit) {
  Nfu nfu(NfuConfig{});
  std::vector<int32_t> inputs(17, 1), weights(17 * 17, 1);
  std::vector<int64_t> acc(17, 0);
  EXPECT_THROW(nfu.MacPass(inputs.data(), 17, weights.data(), 17, 1, acc.data(), nullptr), Error);
  EXPECT_THROW(nfu.MacPass(inputs.data(), 1, weights.data(), 17, 17, acc.data(), nullptr), Error);
}

}  // namespace
}  // namespace rcdnn::accel
