#include "models/precision/precision_search.h"

#include <gtest/gtest.h>

#include "accel_sim/precision_energy.h"
#include "common/error.h"
#include "models/engine/params.h"
#include "models/train/test_net.h"

namespace rcdnn::precision {
namespace {

using models::testing::SyntheticImages;
using models::testing::TinySpec;

struct Fixture {
  models::Model model;
  data::ImageSet val, test;
  PrecisionProblem problem;

  Fixture() {
    model.spec = TinySpec();
    model.schedule = {models::FullWidths(model.spec)};
    model.params = models::ZerosLike(model.spec, 1);
    models::InitParams(model.spec, 5, &model.params);
    for (auto& layer : model.params.sliced) layer.bias.setConstant(0.05f);
    val = SyntheticImages(24, 1);
    test = SyntheticImages(30, 2);
    problem.spec = model.spec;
    problem.widths = model.schedule[0];
    problem.weights = WeightsOfModel(model, 0);
    problem.params = model.params;
    problem.head = 0;
    problem.validation = &val;
    problem.test = &test;
    problem.tech = accel::LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  }
};

PrecisionSearchOptions SmallOptions() {
  PrecisionSearchOptions o;
  o.sizes = SearchSizes{12, 15, 6, 2};
  o.threads = 2;
  o.seed = 9;
  return o;
}

TEST(BalancedPrefix, RoundRobinOverClassesAscending) {
  const std::vector<uint8_t> labels = {0, 0, 0, 1, 2, 2, 1};
  EXPECT_EQ(BalancedPrefix(labels, 3), (std::vector<int64_t>{0, 3, 4}));
  EXPECT_EQ(BalancedPrefix(labels, 5), (std::vector<int64_t>{0, 1, 3, 4, 6}));
  EXPECT_EQ(BalancedPrefix(labels, -1).size(), labels.size());
}

TEST(MeasureValueRanges, InputWeightsAndOutputs) {
  Fixture f;
  const std::vector<int64_t> images = {0, 1, 2, 3};
  const ValueRanges r = MeasureValueRanges(f.problem, f.val, images);
  ASSERT_EQ(r.weights.size(), 3u);
  ASSERT_EQ(r.activations.size(), 4u);
  double input_max = 0;
  for (int64_t i : images) {
    for (int p = 0; p < 64; ++p) input_max = std::max(input_max, std::fabs(double{f.val.images[i * 64 + p]}));
  }
  EXPECT_DOUBLE_EQ(r.activations[0], input_max);
  EXPECT_DOUBLE_EQ(r.weights[0], f.model.params.sliced[0].weights.cwiseAbs().maxCoeff());
  EXPECT_DOUBLE_EQ(r.weights[2], f.model.params.heads[0].weights.cwiseAbs().maxCoeff());
  for (double a : r.activations) EXPECT_GT(a, 0);
}

// Formats from the ranges never overflow the 64-bit accumulator, however wide
// the words: on the calibration images neither the accumulator nor a bias
// saturates (before the fraction cap, weights and inputs below 1
// took 31 and 30 fraction bits, leaving the accumulator +-4).
TEST(UniformRangePrecision, WideWordsLeaveTheAccumulatorItsIntegerBits) {
  Fixture f;
  for (auto& layer : f.model.params.sliced) layer.bias.setConstant(3.0f);  // sums above 4
  f.problem.params = f.model.params;
  f.problem.weights = WeightsOfModel(f.model, 0);
  const std::vector<int64_t> images = BalancedPrefix(f.val.labels, 24);
  const ValueRanges ranges = MeasureValueRanges(f.problem, f.val, images);
  const std::vector<std::vector<float>> pixels = TileImages(f.problem.spec, f.val, images);
  for (int bits : {16, 24, 32}) {
    const accel::Precision p = UniformRangePrecision(bits, ranges);
    const accel::SimResult r =
        accel::SimulateBitAccurate(f.problem.spec, f.problem.widths, f.problem.tech, f.problem.weights, p, pixels);
    EXPECT_EQ(r.total.saturations.accumulator, 0) << bits << " bits";
    EXPECT_EQ(r.total.saturations.biases, 0) << bits << " bits";
  }
}

// With 16-bit formats whose fractions come from the ranges, the tile agrees
// with itself run twice, and <32,16> classifies like the float engine would
// (checked indirectly: it equals the range-chosen 32-bit result here).
TEST(TileClassifier, ThreadsDoNotChangeTheAnswer) {
  Fixture f;
  const std::vector<int64_t> images = BalancedPrefix(f.test.labels, 15);
  const TileClassifier one(f.problem, f.test, images, 1), three(f.problem, f.test, images, 3);
  const accel::Precision p = accel::UniformPrecision(f.problem.spec, {16, 10});
  EXPECT_EQ(one.Correct(p), three.Correct(p));
  EXPECT_EQ(one.size(), 15);
}

TEST(RunPrecisionSearch, FrontIsNonDominatedReproducibleAndPricedByTheTile) {
  Fixture f;
  const PrecisionSearchOptions options = SmallOptions();
  const PrecisionSearchReport a = RunPrecisionSearch(f.problem, options);
  const PrecisionSearchReport b = RunPrecisionSearch(f.problem, options);
  ASSERT_FALSE(a.front.empty());
  ASSERT_EQ(a.front.size(), b.front.size());
  for (size_t i = 0; i < a.front.size(); ++i) {
    EXPECT_EQ(a.front[i].label, b.front[i].label);
    EXPECT_EQ(a.front[i].energy_uj, b.front[i].energy_uj);
    EXPECT_EQ(a.front[i].test_accuracy, b.front[i].test_accuracy);
  }
  EXPECT_LE(a.evaluations, 6 * 3);
  EXPECT_GT(a.seconds_per_evaluation, 0);
  for (size_t i = 0; i < a.front.size(); ++i) {
    for (size_t j = 0; j < a.front.size(); ++j) {
      EXPECT_FALSE(Dominates({a.front[j].energy_uj, a.front[j].val_accuracy},
                             {a.front[i].energy_uj, a.front[i].val_accuracy}));
    }
    if (i > 0) {
      EXPECT_GT(a.front[i].energy_uj, a.front[i - 1].energy_uj);
    }
  }
  // Uniform points: 8, 10, 12, 16, 32 bits from the ranges, then <16,10>, <32,16>.
  ASSERT_EQ(a.uniform.size(), 7u);
  EXPECT_EQ(a.uniform[0].label, "<8,range>");
  EXPECT_EQ(a.uniform[6].label, "<32,16>");
  for (size_t i = 1; i < 5; ++i) EXPECT_GT(a.uniform[i].energy_uj, a.uniform[i - 1].energy_uj);
  // <32,16> on the 32-bit tile costs exactly what SimulateAnalytical says.
  const accel::SimResult ref = accel::SimulateAnalytical(f.problem.spec, f.problem.widths, f.problem.tech);
  EXPECT_NEAR(a.uniform[6].energy_uj, ref.EnergyPjPerImage() * 1e-6, 1e-12 * ref.EnergyPjPerImage());
  // Metrics: the pareto_* schema for every point.
  const std::vector<results::Metric> metrics = ReportMetrics(a, "");
  int accuracy_rows = 0;
  for (const results::Metric& m : metrics) {
    if (m.name == "pareto_accuracy") {
      ++accuracy_rows;
      EXPECT_EQ(m.split, "test");
      EXPECT_EQ(m.key.rfind("point=", 0), 0u);
    }
    EXPECT_NE(m.name, "pareto_latency_us");
  }
  EXPECT_EQ(accuracy_rows, static_cast<int>(a.front.size() + a.uniform.size()));
}

TEST(RunPrecisionSearch, SwitchingUsesTheFront) {
  Fixture f;
  PrecisionSearchOptions options = SmallOptions();
  options.uniform_bits = {8};
  options.uniform_formats = {};
  options.budget = {{0, 1e9, INFINITY}, {10, 1e-9, INFINITY}};
  options.stream_images = 20;
  const PrecisionSearchReport r = RunPrecisionSearch(f.problem, options);
  ASSERT_TRUE(r.switched);
  EXPECT_EQ(r.switching.images, 20);
  EXPECT_EQ(r.switching.violations, 10);  // nothing fits a budget of 1e-9 uJ
  EXPECT_EQ(r.switching_labels.size(), r.front.size());
  // Under an unlimited budget the most accurate (on validation) point runs.
  size_t best = 0;
  for (size_t i = 0; i < r.front.size(); ++i) {
    if (r.front[i].val_accuracy > r.front[best].val_accuracy) best = i;
  }
  EXPECT_EQ(r.switching.choice[0], static_cast<int>(best));
}

TEST(RunPrecisionSearch, RejectsFloatTechAndTooWideBits) {
  Fixture f;
  PrecisionSearchOptions options = SmallOptions();
  f.problem.tech = accel::LoadTechConfig("accel_sim/tech/fixed16_10.tech");
  EXPECT_THROW(RunPrecisionSearch(f.problem, options), Error);  // uniform 32 bits on a 16-bit tile
  f.problem.tech = accel::LoadTechConfig("accel_sim/tech/float32.tech");
  EXPECT_THROW(RunPrecisionSearch(f.problem, options), Error);
  EXPECT_THROW(SizesForProfile("huge", 1000), Error);
}

TEST(SizesForProfile, QuickScalesImagesByTheNetworksMacs) {
  const SearchSizes lenet = SizesForProfile("quick", 2293000);
  EXPECT_EQ(lenet.val_images, 1000);
  EXPECT_EQ(lenet.test_images, 9000);
  const SearchSizes convnets = SizesForProfile("quick", 4 * int64_t{2293000});
  EXPECT_EQ(convnets.val_images, 500);
  EXPECT_EQ(convnets.test_images, 2250);
  const SearchSizes alexnet = SizesForProfile("quick", 12298240);  // about 5.4x LeNet's MACs: the floors
  EXPECT_EQ(alexnet.val_images, 500);
  EXPECT_EQ(alexnet.test_images, 2000);
  EXPECT_EQ(alexnet.population, lenet.population);
  EXPECT_EQ(alexnet.generations, lenet.generations);
  // Smaller networks never get more than LeNet's images, huge ones keep a floor.
  EXPECT_EQ(SizesForProfile("quick", 1000).val_images, 1000);
  EXPECT_EQ(SizesForProfile("quick", int64_t{1} << 40).val_images, 500);
  // smoke and paper are fixed sizes, whatever the network.
  EXPECT_EQ(SizesForProfile("smoke", 12298240).val_images, SizesForProfile("smoke", 2293000).val_images);
  EXPECT_EQ(SizesForProfile("paper", 12298240).val_images, -1);
}

}  // namespace
}  // namespace rcdnn::precision
