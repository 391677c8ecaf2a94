#include "models/runtime/big_little.h"

#include <gtest/gtest.h>

#include "models/runtime/test_util.h"

namespace rcdnn::models::runtime {
namespace {

using testing::MakeSet;

// Little costs 1, big 4; an escalated image costs 1 + 4 = 5 (two separate networks).
// Validation as in increment_optimizer_test: margins 0.9 / 0.6 / 0.3 / 0.1, little right on the
// first two, big right on the first three. The product criterion picks theta = 0 (energy 1,
// accuracy 0.5); the no-drop criterion picks theta = 0.4 (energy 3, accuracy 0.75).
class BigLittleTest : public ::testing::Test {
 protected:
  PredictionSet little_val = MakeSet({true, true, false, false}, {0.9, 0.6, 0.3, 0.1});
  PredictionSet big_val = MakeSet({true, true, true, false}, {1, 1, 1, 1});
  // Test: little margins 0.8 (right), 0.35 (wrong), 0.05 (wrong); big right on all.
  PredictionSet little_test = MakeSet({true, false, false}, {0.8, 0.35, 0.05});
  PredictionSet big_test = MakeSet({true, true, true}, {1, 1, 1});
  BigLittleNetwork little{&little_val, &little_test, 0.25, 1.0, 2.0};
  BigLittleNetwork big{&big_val, &big_test, 1.0, 4.0, 8.0};
  ThresholdSearchOptions options{0.1, 0.0};
};

TEST_F(BigLittleTest, MaxDropThresholdOnValidationThenTest) {
  const TunedScheme s = RunBigLittle(little, big, ThresholdCriterion::kMinEnergyWithinDrop, options);
  ASSERT_EQ(s.validation.thresholds.size(), 1u);
  EXPECT_DOUBLE_EQ(s.validation.thresholds[0], 0.4);
  // Test at 0.4: image 0 stays little (cost 1), images 1 and 2 escalate (cost 5 each).
  EXPECT_EQ(s.test.final_at, (std::vector<int64_t>{1, 2}));
  EXPECT_DOUBLE_EQ(s.test.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s.test.mean_energy, 11.0 / 3.0);
  EXPECT_DOUBLE_EQ(s.test.mean_time, (2.0 + 10.0 + 10.0) / 3.0);
  EXPECT_DOUBLE_EQ(s.test.energy_savings, 1.0 - (11.0 / 3.0) / 4.0);
  EXPECT_EQ(s.test.reruns, 2);
}

TEST_F(BigLittleTest, ProductThresholdKeepsEverythingOnLittle) {
  const TunedScheme s = RunBigLittle(little, big, ThresholdCriterion::kSavingsTimesAccuracy, options);
  EXPECT_DOUBLE_EQ(s.validation.thresholds[0], 0.0);
  EXPECT_DOUBLE_EQ(s.test.mean_energy, 1.0);
  EXPECT_DOUBLE_EQ(s.test.accuracy, 1.0 / 3.0);
}

TEST_F(BigLittleTest, GivenThresholdNeverReuses) {
  const EscalationResult r = RunBigLittleAt(little, big, 0.5);
  EXPECT_EQ(r.final_at, (std::vector<int64_t>{1, 2}));
  EXPECT_DOUBLE_EQ(r.mean_energy, (1.0 + 5.0 + 5.0) / 3.0);
}

TEST_F(BigLittleTest, MismatchedOrMissingSetsAreErrors) {
  PredictionSet other = MakeSet({true}, {0.5});
  BigLittleNetwork bad = big;
  bad.test = &other;
  EXPECT_THROW(RunBigLittle(little, bad, ThresholdCriterion::kSavingsTimesAccuracy, options), Error);
  bad = big;
  bad.validation = nullptr;
  EXPECT_THROW(RunBigLittle(little, bad, ThresholdCriterion::kSavingsTimesAccuracy, options), Error);
}

}  // namespace
}  // namespace rcdnn::models::runtime
