#include "models/runtime/score_margin.h"

#include <gtest/gtest.h>

#include "models/runtime/test_util.h"

namespace rcdnn::models::runtime {
namespace {

using testing::MakeSet;

TEST(ScoreMarginTest, HistogramSplitsCorrectAndWrong) {
  // 4 bins of width 0.25: 0.25 opens bin 1, 0.5 bin 2, and 1.0 falls in the last bin.
  const PredictionSet set = MakeSet({true, true, false, true, false, true}, {0.0, 0.25, 0.49, 0.5, 0.99, 1.0});
  const MarginHistogram h = ComputeMarginHistogram(set, 4);
  EXPECT_EQ(h.correct, (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(h.wrong, (std::vector<int64_t>{0, 1, 0, 1}));
  EXPECT_DOUBLE_EQ(h.BinLow(3), 0.75);
  EXPECT_THROW(ComputeMarginHistogram(set, 0), Error);
}

TEST(ScoreMarginTest, ProbabilitiesCountMarginEqualToThetaAsFinal) {
  const PredictionSet set = MakeSet({true, true, true, false}, {0.2, 0.5, 0.9, 0.5});
  const MarginProbabilities p = MeasureMarginProbabilities(set, 0.5);
  EXPECT_DOUBLE_EQ(p.p_correct, 0.75);
  EXPECT_DOUBLE_EQ(p.p_final_given_correct, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(p.p_final_given_wrong, 1.0);
  const MarginProbabilities all = MeasureMarginProbabilities(set, 0.0);
  EXPECT_DOUBLE_EQ(all.p_final_given_correct, 1.0);
  EXPECT_DOUBLE_EQ(all.p_final_given_wrong, 1.0);
  const MarginProbabilities none = MeasureMarginProbabilities(set, 1.0);
  EXPECT_DOUBLE_EQ(none.p_final_given_correct, 0.0);
  EXPECT_DOUBLE_EQ(none.p_final_given_wrong, 0.0);
}

TEST(ScoreMarginTest, NoWrongImagesGivesZeroConditional) {
  const MarginProbabilities p = MeasureMarginProbabilities(MakeSet({true, true}, {0.1, 0.9}), 0.5);
  EXPECT_DOUBLE_EQ(p.p_correct, 1.0);
  EXPECT_DOUBLE_EQ(p.p_final_given_wrong, 0.0);
}

}  // namespace
}  // namespace rcdnn::models::runtime
