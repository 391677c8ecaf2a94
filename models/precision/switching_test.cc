#include "models/precision/switching.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common/error.h"

namespace rcdnn::precision {
namespace {

TEST(ReadBudgetSchedule, ReadsTheArtifactFormatWithTheRuntimesParser) {
  const std::string path = ::testing::TempDir() + "/b.budget";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("# comment\nfrom_image energy_uj delay_us\n0 1300 inf\n\n400  400 inf  # tight\n800 150 5.5\n", f);
  std::fclose(f);
  const auto s = ReadBudgetSchedule(path);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].from_image, 400);
  EXPECT_DOUBLE_EQ(s[1].energy, 400);
  EXPECT_TRUE(std::isinf(s[0].delay));
  EXPECT_DOUBLE_EQ(s[2].delay, 5.5);
  EXPECT_THROW(ReadBudgetSchedule("/nonexistent/x.budget"), Error);
}

TEST(DefaultStreamLength, LastStepPlusMeanEarlierStep) {
  EXPECT_EQ(DefaultStreamLength({{0, 1, 1}, {400, 1, 1}, {800, 1, 1}, {1200, 1, 1}, {1600, 1, 1}}, 500), 2000);
  EXPECT_EQ(DefaultStreamLength({{0, 1, 1}}, 500), 500);
  EXPECT_EQ(DefaultStreamLength({{0, 1, 1}, {10, 1, 1}}, 500), 500);
}

// Three points: cheap and poor, middle, dear and good. Per image correctness
// is scripted so the stream's accuracy is known by hand.
std::vector<OperatingPoint> Points() {
  return {
      {"low", 100, 1, 0.5, {1, 0, 0, 0}},
      {"mid", 300, 1, 0.8, {1, 1, 0, 0}},
      {"high", 900, 1, 0.95, {1, 1, 1, 0}},
  };
}

TEST(ChoosePoint, MostAccurateWithinBudgetElseCheapestAndViolation) {
  bool violation = true;
  EXPECT_EQ(ChoosePoint(Points(), 1000, INFINITY, &violation), 2);
  EXPECT_FALSE(violation);
  EXPECT_EQ(ChoosePoint(Points(), 900, INFINITY, &violation), 2);  // equal to the budget fits
  EXPECT_EQ(ChoosePoint(Points(), 899, INFINITY, &violation), 1);
  EXPECT_EQ(ChoosePoint(Points(), 100, INFINITY, &violation), 0);
  EXPECT_FALSE(violation);
  EXPECT_EQ(ChoosePoint(Points(), 50, INFINITY, &violation), 0);
  EXPECT_TRUE(violation);
  EXPECT_EQ(ChoosePoint(Points(), 1000, 0.5, &violation), 0);  // delay budget below every point's time
  EXPECT_TRUE(violation);
}

TEST(RunBudgetSwitching, ScriptedSchedule) {
  // Images 0-3 budget 1000 (high), 4-7 budget 350 (mid), 8-9 budget 50 (none
  // fits: low, violations). The stream replays the 4 test images.
  const std::vector<BudgetStep> schedule = {{0, 1000, INFINITY}, {4, 350, INFINITY}, {8, 50, INFINITY}};
  const SwitchingResult r = RunBudgetSwitching(Points(), schedule, 10);
  EXPECT_EQ(r.choice, (std::vector<int>{2, 2, 2, 2, 1, 1, 1, 1, 0, 0}));
  EXPECT_EQ(r.uses, (std::vector<int64_t>{2, 4, 4}));
  EXPECT_EQ(r.violations, 2);
  // high on images 0..3: 3 correct; mid on 0..3: 2; low on images 0, 1: 1.
  EXPECT_DOUBLE_EQ(r.accuracy, 6.0 / 10.0);
  EXPECT_DOUBLE_EQ(r.mean_energy_uj, (4 * 900.0 + 4 * 300.0 + 2 * 100.0) / 10.0);
}

TEST(RunBudgetSwitching, RejectsBadInput) {
  const std::vector<BudgetStep> schedule = {{0, 1000, INFINITY}};
  EXPECT_THROW(RunBudgetSwitching({}, schedule, 10), Error);
  EXPECT_THROW(RunBudgetSwitching(Points(), {}, 10), Error);
  EXPECT_THROW(RunBudgetSwitching(Points(), schedule, 0), Error);
  auto points = Points();
  points[1].correct.pop_back();
  EXPECT_THROW(RunBudgetSwitching(points, schedule, 10), Error);
}

}  // namespace
}  // namespace rcdnn::precision
