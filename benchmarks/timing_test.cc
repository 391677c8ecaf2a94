#include "benchmarks/timing.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::benchmarks {
namespace {

// Percentile at position q * (n - 1) of the sorted samples, interpolated.
TEST(PercentileTest, InterpolatesBetweenOrderStatistics) {
  struct Case {
    std::vector<double> sorted;
    double q, expected;
  };
  const Case cases[] = {
      {{7}, 0.1, 7},                          // one sample: every percentile is it
      {{7}, 0.9, 7},
      {{1, 2, 3, 4}, 0.5, 2.5},               // even count: the two middle ones averaged
      {{1, 2, 3, 4, 5}, 0.5, 3},              // odd count: the middle one
      {{0, 10}, 0.1, 1},                      // position 0.1 between 0 and 10
      {{0, 10}, 0.9, 9},
      {{10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110}, 0.1, 20},  // position 1.0 exactly
      {{10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110}, 0.9, 100},
      {{1, 2, 3, 4}, 0.0, 1},                 // q = 0 and 1: the extremes
      {{1, 2, 3, 4}, 1.0, 4},
  };
  for (const Case& c : cases) {
    EXPECT_DOUBLE_EQ(Percentile(c.sorted, c.q), c.expected) << "q=" << c.q << " n=" << c.sorted.size();
  }
}

TEST(PercentileTest, RefusesNoSamplesAndBadQuantiles) {
  EXPECT_THROW(Percentile({}, 0.5), Error);
  EXPECT_THROW(Percentile({1.0}, 1.5), Error);
  EXPECT_THROW(Percentile({1.0}, -0.1), Error);
}

TEST(SummarizeTest, KnownSampleInAnyOrder) {
  // 1..20 shuffled: median 10.5, p10 at position 1.9 -> 2.9, p90 at 17.1 -> 18.1.
  const std::vector<double> samples = {13, 2, 20, 7, 1, 18, 9, 11, 4, 16, 3, 15, 6, 19, 10, 8, 14, 5, 17, 12};
  const LatencyStats stats = Summarize(samples);
  EXPECT_EQ(stats.samples, 20);
  EXPECT_DOUBLE_EQ(stats.median_us, 10.5);
  EXPECT_NEAR(stats.p10_us, 2.9, 1e-12);
  EXPECT_NEAR(stats.p90_us, 18.1, 1e-12);
  EXPECT_DOUBLE_EQ(stats.min_us, 1);
  EXPECT_DOUBLE_EQ(stats.max_us, 20);
  EXPECT_DOUBLE_EQ(stats.mean_us, 10.5);
}

TEST(SummarizeTest, AnOutlierMovesTheMeanNotTheMedian) {
  const LatencyStats stats = Summarize({10, 10, 10, 10, 10, 10, 10, 10, 10, 1000});
  EXPECT_DOUBLE_EQ(stats.median_us, 10);
  EXPECT_DOUBLE_EQ(stats.p10_us, 10);
  EXPECT_DOUBLE_EQ(stats.mean_us, 109);
  EXPECT_NEAR(stats.p90_us, 109, 1e-9);  // position 8.1: 10 + 0.1 * 990
}

TEST(SummarizeTest, RefusesEmptyNegativeAndNonFinite) {
  EXPECT_THROW(Summarize({}), Error);
  EXPECT_THROW(Summarize({1, -1}), Error);
  EXPECT_THROW(Summarize({1, std::nan("")}), Error);
  EXPECT_THROW(Summarize({1, std::numeric_limits<double>::infinity()}), Error);
}

TEST(UniformIncrementsTest, OneHeadPerIncrementAtTheFractionsWidths) {
  const models::NetSpec spec = models::LoadNetSpec("models/spec/alexnet.net");
  const std::vector<Increment> increments = UniformIncrements(spec, {0.25, 0.5, 0.75, 1.0});
  ASSERT_EQ(increments.size(), 4u);
  EXPECT_EQ(increments[0].number, 1);
  EXPECT_EQ(increments[0].head, 0);
  EXPECT_EQ(increments[0].label, "0.25");
  EXPECT_EQ(models::WidthsToString(increments[0].widths), "8,8,16");
  EXPECT_EQ(increments[3].number, 4);
  EXPECT_EQ(increments[3].head, 3);
  EXPECT_EQ(increments[3].label, "1");
  EXPECT_EQ(increments[3].widths, models::FullWidths(spec));
}

}  // namespace
}  // namespace rcdnn::benchmarks
