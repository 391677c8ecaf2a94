#include "models/runtime/opportunistic.h"

#include <gtest/gtest.h>

#include "models/runtime/test_util.h"

namespace rcdnn::models::runtime {
namespace {

using testing::ErrorOf;
using testing::MakeSet;

// A scripted three-increment network on six images. Thresholds 0.5 and 0.7:
//   image  margin1  margin2  answered by      correct there
//   0      0.90     -        increment 1      yes
//   1      0.50     -        increment 1      no   (margin == theta is final)
//   2      0.49     0.80     increment 2      yes
//   3      0.10     0.70     increment 2      no   (tie again)
//   4      0.10     0.69     increment 3      yes  (the last is final whatever its margin)
//   5      0.00     0.10     increment 3      no
class ScriptedNetwork : public ::testing::Test {
 protected:
  PredictionSet one = MakeSet({true, false, false, false, false, false}, {0.9, 0.5, 0.49, 0.1, 0.1, 0.0});
  PredictionSet two = MakeSet({true, true, true, false, false, false}, {0.95, 0.9, 0.8, 0.7, 0.69, 0.1});
  PredictionSet three = MakeSet({true, true, true, true, true, false}, {1, 1, 1, 1, 0.2, 0.05});
  std::vector<Rung> rungs{{&one, 0.25, 1.0, 10.0}, {&two, 0.5, 3.0, 20.0}, {&three, 1.0, 10.0, 50.0}};
};

TEST_F(ScriptedNetwork, EscalatesExactlyWhereTheMarginIsBelowTheThreshold) {
  const std::vector<double> thresholds = {0.5, 0.7};
  const std::vector<int> expected = {0, 0, 1, 1, 2, 2};
  for (int k = 0; k < 6; ++k) EXPECT_EQ(FinalRung(rungs, thresholds, k), expected[k]) << "image " << k;
  const EscalationResult r = RunEscalation(rungs, thresholds, Reuse::kNone);
  EXPECT_EQ(r.images, 6);
  EXPECT_EQ(r.final_at, (std::vector<int64_t>{2, 2, 2}));
  EXPECT_EQ(r.correct, 3);  // images 0, 2, 4
  EXPECT_DOUBLE_EQ(r.accuracy, 0.5);
  EXPECT_EQ(r.reruns, 0 + 0 + 1 + 1 + 2 + 2);
  // No reuse: 2 x 1 + 2 x (1 + 3) + 2 x (1 + 3 + 10) = 38 over 6 images.
  EXPECT_DOUBLE_EQ(r.mean_energy, 38.0 / 6.0);
  EXPECT_DOUBLE_EQ(r.mean_time, (2 * 10.0 + 2 * 30.0 + 2 * 80.0) / 6.0);
  EXPECT_DOUBLE_EQ(r.full_energy, 10.0);
  EXPECT_DOUBLE_EQ(r.energy_savings, 1.0 - 38.0 / 60.0);
  // Time is saved against the last rung's 50 on every image: 1 - (20 + 60 + 160) / 300.
  ASSERT_TRUE(r.time_savings.has_value());
  EXPECT_DOUBLE_EQ(*r.time_savings, 1.0 - 240.0 / 300.0);
  EXPECT_DOUBLE_EQ(r.mean_final_fraction, (2 * 0.25 + 2 * 0.5 + 2 * 1.0) / 6.0);
}

TEST_F(ScriptedNetwork, ReuseCostsOnlyTheAnsweringIncrement) {
  const EscalationResult r = RunEscalation(rungs, {0.5, 0.7}, Reuse::kReuse);
  EXPECT_DOUBLE_EQ(r.mean_energy, (2 * 1.0 + 2 * 3.0 + 2 * 10.0) / 6.0);
  EXPECT_DOUBLE_EQ(r.mean_time, (2 * 10.0 + 2 * 20.0 + 2 * 50.0) / 6.0);
  EXPECT_EQ(r.reruns, 6);  // the passes happen either way; reuse makes them cheaper
}

TEST_F(ScriptedNetwork, PartialReuseCreditsOnlyTheValidShareOfTheRungBelow) {
  rungs[1].reuse_share = 0.5;   // half of increment 1's work survives into 2
  rungs[2].reuse_share = 0.25;  // a quarter of increment 2's into 3
  const EscalationResult r = RunEscalation(rungs, {0.5, 0.7}, Reuse::kReuse);
  // Final at 1: 1; at 2: 1 + 3 - 0.5; at 3: 1 + (3 - 0.5) + (10 - 0.75).
  EXPECT_DOUBLE_EQ(r.mean_energy, (2 * 1.0 + 2 * 3.5 + 2 * 12.75) / 6.0);
  EXPECT_DOUBLE_EQ(r.mean_time, (2 * 10.0 + 2 * 25.0 + 2 * 70.0) / 6.0);
  // No reuse ignores the shares.
  EXPECT_DOUBLE_EQ(RunEscalation(rungs, {0.5, 0.7}, Reuse::kNone).mean_energy, 38.0 / 6.0);
  rungs[2].reuse_share = 1.5;
  EXPECT_THROW(RunEscalation(rungs, {0.5, 0.7}, Reuse::kReuse), Error);
}

TEST_F(ScriptedNetwork, ThetaZeroStopsAtTheFirstIncrement) {
  const EscalationResult r = RunEscalation(rungs, {0.0, 0.0}, Reuse::kNone);
  EXPECT_EQ(r.final_at, (std::vector<int64_t>{6, 0, 0}));
  EXPECT_DOUBLE_EQ(r.accuracy, one.Accuracy());
  EXPECT_DOUBLE_EQ(r.mean_energy, 1.0);
  EXPECT_EQ(r.reruns, 0);
}

TEST_F(ScriptedNetwork, ThetaOneRunsEveryIncrement) {
  // Margins below 1 escalate; the last increment answers them all.
  const EscalationResult r = RunEscalation(rungs, {1.0, 1.0}, Reuse::kNone);
  EXPECT_EQ(r.final_at, (std::vector<int64_t>{0, 0, 6}));
  EXPECT_DOUBLE_EQ(r.accuracy, three.Accuracy());
  EXPECT_DOUBLE_EQ(r.mean_energy, 14.0);
  EXPECT_DOUBLE_EQ(r.energy_savings, 1.0 - 14.0 / 10.0);  // negative: worse than the full network alone
  EXPECT_EQ(r.reruns, 12);
}

TEST_F(ScriptedNetwork, SingleIncrementNeedsNoThreshold) {
  const EscalationResult r = RunEscalation({rungs[2]}, {}, Reuse::kNone);
  EXPECT_DOUBLE_EQ(r.accuracy, three.Accuracy());
  EXPECT_DOUBLE_EQ(r.energy_savings, 0.0);
}

TEST_F(ScriptedNetwork, UnknownTimeIsReportedAsUnknown) {
  rungs[1].time = -1;
  const EscalationResult r = RunEscalation(rungs, {0.5, 0.7}, Reuse::kNone);
  EXPECT_LT(r.mean_time, 0);
  EXPECT_FALSE(r.time_savings.has_value());
}

TEST_F(ScriptedNetwork, BadInputsAreErrors) {
  EXPECT_NE(ErrorOf([&] { RunEscalation(rungs, {0.5}, Reuse::kNone); }).find("1 thresholds for 3 increments"),
            std::string::npos);
  EXPECT_THROW(RunEscalation({}, {}, Reuse::kNone), Error);
  const PredictionSet empty;
  EXPECT_NE(ErrorOf([&] { RunEscalation({{&empty, 1, 1, 1}}, {}, Reuse::kNone); }).find("empty image set"),
            std::string::npos);
  const PredictionSet shorter = MakeSet({true}, {0.5});
  EXPECT_THROW(RunEscalation({rungs[0], {&shorter, 1, 1, 1}}, {0.5}, Reuse::kNone), Error);
}

TEST(ThresholdFileTest, ReadsOneThresholdPerIncrementButTheLast) {
  EXPECT_EQ(ParseThresholdFile("# Table 7, LeNet\n2 0.85\n1 0.90\n", "t.txt", 3), (std::vector<double>{0.90, 0.85}));
  EXPECT_TRUE(ParseThresholdFile("", "t.txt", 1).empty());
}

TEST(ThresholdFileTest, BadFilesNameTheLine) {
  struct Case {
    std::string text, message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "t.txt is empty"},
           {"1\n", "t.txt:1: expected 'increment theta'"},
           {"1 0.5 7\n", "t.txt:1: expected 'increment theta'"},
           {"1 high\n", "t.txt:1: theta 'high'"},
           {"1 1.5\n", "t.txt:1: theta 1.5 is outside [0, 1]"},
           {"1 -0.1\n", "t.txt:1: theta -0.1 is outside [0, 1]"},
           {"\n3 0.5\n", "t.txt:2: increment 3 is outside 1..2"},
           {"1 0.5\n1 0.6\n", "t.txt:2: increment 1 is given twice"},
           {"1 0.5\n", "no threshold for increment 2"},
       }) {
    const std::string message = ErrorOf([&] { ParseThresholdFile(c.text, "t.txt", 3); });
    EXPECT_NE(message.find(c.message), std::string::npos) << c.text << " -> " << message;
  }
}

}  // namespace
}  // namespace rcdnn::models::runtime
