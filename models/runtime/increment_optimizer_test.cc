#include "models/runtime/increment_optimizer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "models/runtime/score_margin.h"
#include "models/runtime/test_util.h"

namespace rcdnn::models::runtime {
namespace {

using testing::ErrorOf;
using testing::MakeSet;

// ---- Eq. 1-3 against hand computations -------------------------------------

TEST(EquationsTest, Eq2MixesCorrectAndWrong) {
  // 0.8 * 0.9 + 0.2 * 0.2 = 0.76
  const std::vector<IncrementModel> m = {{0.25, 0.8, 0.9, 0.2}, {1.0, 0.95, 1, 0}};
  EXPECT_DOUBLE_EQ(FinalProbability(m, 0), 0.76);
  EXPECT_DOUBLE_EQ(FinalProbability(m, 1), 1.0);  // P_N = 1
}

TEST(EquationsTest, SingleIncrement) {
  const std::vector<IncrementModel> m = {{1.0, 0.93, 0.4, 0.7}};  // margins do not matter for N = 1
  EXPECT_DOUBLE_EQ(ExpectedCost(m, Reuse::kNone), 1.0);
  EXPECT_DOUBLE_EQ(ExpectedCost(m, Reuse::kReuse), 1.0);
  EXPECT_DOUBLE_EQ(ExpectedAccuracy(m), 0.93);
}

TEST(EquationsTest, TwoIncrementsUnderOracleMargins) {
  const std::vector<IncrementModel> m = {{0.25, 0.9, 1, 0}, {1.0, 0.95, 1, 0}};
  // No reuse: 0.25 * 0.9 + (0.25 + 1) * 0.1 = 0.35; reuse: 0.25 * 0.9 + 1 * 0.1 = 0.325.
  EXPECT_DOUBLE_EQ(ExpectedCost(m, Reuse::kNone), 0.35);
  EXPECT_DOUBLE_EQ(ExpectedCost(m, Reuse::kReuse), 0.325);
  // T_2 = 0.95, T_1 = 0.9 * 1 + 0.1 * 0.95 = 0.995.
  EXPECT_DOUBLE_EQ(ExpectedAccuracy(m), 0.995);
}

TEST(EquationsTest, ThreeIncrementsWithImperfectMargins) {
  const std::vector<IncrementModel> m = {{1, 0.8, 0.9, 0.2}, {3, 0.9, 0.8, 0.5}, {10, 0.95, 0, 0}};
  // P_1 = 0.76, P_2 = 0.9 * 0.8 + 0.1 * 0.5 = 0.77, P_3 = 1.
  // No reuse: 1 * 0.76 + 4 * 0.01 + 14 * 0.23 = 4.02; reuse: 0.76 + 3 * 0.01 + 10 * 0.23 = 3.09.
  EXPECT_NEAR(ExpectedCost(m, Reuse::kNone), 4.02, 1e-12);
  EXPECT_NEAR(ExpectedCost(m, Reuse::kReuse), 3.09, 1e-12);
  // Partial reuse, s_2 = 0.5 and s_3 = 0.2: C = 1, 1 + 3 - 0.5 = 3.5, 3.5 + 10 - 0.6 = 12.9;
  // 0.76 + 3.5 * 0.01 + 12.9 * 0.23 = 3.762.
  std::vector<IncrementModel> partial = m;
  partial[1].reuse_share = 0.5;
  partial[2].reuse_share = 0.2;
  EXPECT_NEAR(ExpectedCost(partial, Reuse::kReuse), 3.762, 1e-12);
  EXPECT_NEAR(ExpectedCost(partial, Reuse::kNone), 4.02, 1e-12);
  // T_3 = 0.95; T_2 = 0.72 + 0.23 * 0.95 = 0.9385; T_1 = 0.72 + 0.24 * 0.9385 = 0.94524.
  EXPECT_NEAR(ExpectedAccuracy(m), 0.94524, 1e-12);
}

TEST(EquationsTest, ThetaZeroAndOneBoundaries) {
  // theta = 0: every answer final at increment 1 (P(SM >= 0 | .) = 1).
  const std::vector<IncrementModel> zero = {{1, 0.7, 1, 1}, {3, 0.8, 1, 1}, {10, 0.9, 0, 0}};
  EXPECT_DOUBLE_EQ(ExpectedCost(zero, Reuse::kNone), 1.0);
  EXPECT_DOUBLE_EQ(ExpectedAccuracy(zero), 0.7);
  // theta = 1 (margins below 1): nothing final before the last increment.
  const std::vector<IncrementModel> one = {{1, 0.7, 0, 0}, {3, 0.8, 0, 0}, {10, 0.9, 0, 0}};
  EXPECT_DOUBLE_EQ(ExpectedCost(one, Reuse::kNone), 14.0);
  EXPECT_DOUBLE_EQ(ExpectedCost(one, Reuse::kReuse), 10.0);
  EXPECT_DOUBLE_EQ(ExpectedAccuracy(one), 0.9);
  EXPECT_THROW(ExpectedCost({}, Reuse::kNone), Error);
  EXPECT_THROW(ExpectedAccuracy({}), Error);
}

TEST(EquationsTest, TwoIncrementsMatchAlgorithm3WithMeasuredMargins) {
  // For N = 2, Eq. 1 and Eq. 3 with measured P(SM >= theta | correct/wrong) are exact.
  const PredictionSet small = MakeSet({true, true, false, false, true, false, true}, {0.9, 0.3, 0.8, 0.1, 0.6, 0.5, 0.55});
  const PredictionSet full = MakeSet({true, true, true, false, true, true, false}, {1, 1, 1, 1, 1, 1, 1});
  const std::vector<Rung> rungs = {{&small, 0.25, 2.0, -1}, {&full, 1.0, 7.0, -1}};
  for (double theta : {0.0, 0.3, 0.55, 0.6, 1.0}) {
    const MarginProbabilities p = MeasureMarginProbabilities(small, theta);
    const std::vector<IncrementModel> m = {{2.0, p.p_correct, p.p_final_given_correct, p.p_final_given_wrong},
                                           {7.0, full.Accuracy(), 1, 0}};
    for (Reuse reuse : {Reuse::kNone, Reuse::kReuse}) {
      const EscalationResult r = RunEscalation(rungs, {theta}, reuse);
      EXPECT_NEAR(ExpectedCost(m, reuse), r.mean_energy, 1e-12) << theta;
    }
    // Eq. 3 assumes escalated images are as accurate on the full network as any: compare on a full
    // network that is right on every image, where that assumption holds.
    const PredictionSet perfect = MakeSet(std::vector<bool>(7, true), std::vector<double>(7, 1.0));
    const std::vector<Rung> perfect_rungs = {{&small, 0.25, 2.0, -1}, {&perfect, 1.0, 7.0, -1}};
    const std::vector<IncrementModel> mp = {m[0], {7.0, 1.0, 1, 0}};
    EXPECT_NEAR(ExpectedAccuracy(mp), RunEscalation(perfect_rungs, {theta}, Reuse::kNone).accuracy, 1e-12) << theta;
  }
}

// ---- Figure 6 fit ------------------------------------------------------------

TEST(FitTest, RecoversAnExactExponential) {
  std::vector<AccuracyPoint> points;
  for (double f : {0.1, 0.25, 0.4, 0.6, 0.8, 1.0}) points.push_back({f, 0.99 - 0.5 * std::exp(-8.0 * f)});
  const AccuracyCurve curve = FitAccuracyCurve(points, 0.1);
  ASSERT_EQ(curve.kind, AccuracyCurve::Kind::kExponential);
  EXPECT_NEAR(curve.a, 0.99, 1e-5);
  EXPECT_NEAR(curve.b, 0.5, 1e-4);
  EXPECT_NEAR(curve.c, 8.0, 1e-3);
  EXPECT_LT(curve.rms_residual, 1e-6);
  EXPECT_NEAR(curve(0.5), 0.99 - 0.5 * std::exp(-4.0), 1e-5);
  EXPECT_NE(curve.Describe().find("least-squares"), std::string::npos);
}

TEST(FitTest, FallsBackToPiecewiseLinearWithTwoPoints) {
  const AccuracyCurve curve = FitAccuracyCurve({{1.0, 0.9}, {0.5, 0.8}}, 0.1);
  ASSERT_EQ(curve.kind, AccuracyCurve::Kind::kPiecewiseLinear);
  EXPECT_NE(curve.note.find("needs 3"), std::string::npos);
  EXPECT_DOUBLE_EQ(curve(0.0), 0.1);  // the chance-level anchor
  EXPECT_DOUBLE_EQ(curve(0.25), 0.45);
  EXPECT_DOUBLE_EQ(curve(0.75), 0.85);
  EXPECT_DOUBLE_EQ(curve(1.0), 0.9);
}

TEST(FitTest, FallsBackWhenAccuracyFallsAndKeepsTheCurveMonotone) {
  const AccuracyCurve curve = FitAccuracyCurve({{0.25, 0.9}, {0.5, 0.8}, {1.0, 0.7}}, 0.1);
  ASSERT_EQ(curve.kind, AccuracyCurve::Kind::kPiecewiseLinear);
  EXPECT_DOUBLE_EQ(curve(0.5), 0.9);  // running maximum
  EXPECT_DOUBLE_EQ(curve(1.0), 0.9);
  EXPECT_GT(curve.rms_residual, 0);
}

TEST(FitTest, BadPointsAreErrors) {
  EXPECT_THROW(FitAccuracyCurve({}, 0.1), Error);
  EXPECT_THROW(FitAccuracyCurve({{0.0, 0.5}}, 0.1), Error);
  EXPECT_THROW(FitAccuracyCurve({{0.5, 1.5}}, 0.1), Error);
  EXPECT_NE(ErrorOf([] { FitAccuracyCurve({{0.5, 0.5}, {0.5, 0.6}}, 0.1); }).find("given twice"), std::string::npos);
}

// ---- Eq. 4 sweep -----------------------------------------------------------------

// Accuracy 0.90 / 0.96 / 0.98 / 0.99 at fractions 0.25 / 0.5 / 0.75 / 1.
AccuracyCurve QuarterCurve() { return FitAccuracyCurve({{0.25, 0.90}, {0.5, 0.96}, {0.75, 0.98}, {1.0, 0.99}}, 0.1); }

TEST(SweepTest, FindsTheHandComputedOptimum) {
  // Piecewise (the four points do not fit a - b exp(-c f) exactly, but either curve passes near them);
  // force the piecewise curve so the values at the grid points are exact.
  AccuracyCurve curve;
  curve.kind = AccuracyCurve::Kind::kPiecewiseLinear;
  curve.knots = {{0, 0.1}, {0.25, 0.90}, {0.5, 0.96}, {0.75, 0.98}, {1.0, 0.99}};
  SweepOptions options;
  options.step = 0.25;
  options.min_first_fraction = 0.25;
  options.max_increments = 3;
  // No reuse, E per candidate: {1} 1; {.25,1} .35; {.5,1} .54; {.75,1} .77;
  // {.25,.5,1} .34; {.25,.75,1} .345; {.5,.75,1} .55.
  const SweepResult r = SweepIncrements(curve, [](double f) { return f; }, options);
  EXPECT_EQ(r.candidates, 7);
  EXPECT_EQ(r.best.fractions, (std::vector<double>{0.25, 0.5, 1.0}));
  EXPECT_NEAR(r.best.expected_cost, 0.34, 1e-12);
  EXPECT_NEAR(r.best.net_acc, 0.9 + 0.1 * (0.96 + 0.04 * 0.99), 1e-12);
  ASSERT_EQ(r.best_per_n.size(), 3u);
  EXPECT_EQ(r.best_per_n[0].fractions, (std::vector<double>{1.0}));
  EXPECT_NEAR(r.best_per_n[1].expected_cost, 0.35, 1e-12);
  // A larger minimum first fraction: {.5,1} at .54 wins.
  options.min_first_fraction = 0.5;
  EXPECT_EQ(SweepIncrements(curve, [](double f) { return f; }, options).best.fractions,
            (std::vector<double>{0.5, 1.0}));
  // Reuse: {.25,1} .325; {.25,.5,1} .225 + .5 * .06 + .04 = .295; {.25,.75,1} .305.
  options.min_first_fraction = 0.25;
  options.reuse = Reuse::kReuse;
  const SweepResult reuse = SweepIncrements(curve, [](double f) { return f; }, options);
  EXPECT_EQ(reuse.best.fractions, (std::vector<double>{0.25, 0.5, 1.0}));
  EXPECT_NEAR(reuse.best.expected_cost, 0.295, 1e-12);
  // Nothing of the increment below reusable: reuse costs what no reuse does.
  options.reuse_share = [](double, double) { return 0.0; };
  const SweepResult none = SweepIncrements(curve, [](double f) { return f; }, options);
  EXPECT_EQ(none.best.fractions, r.best.fractions);
  EXPECT_NEAR(none.best.expected_cost, 0.34, 1e-12);
  // Half of it: {.25,1} .225 + (.25 + 1 - .125) * .1 = .3375; {.25,.5,1} .225 + (.25 + .375) * .06
  // + (.625 + .75) * .04 = .3175; {.25,.75,1} .225 + .875 * .08 + (.875 + .625) * .02 = .325.
  options.reuse_share = [](double, double) { return 0.5; };
  const SweepResult half = SweepIncrements(curve, [](double f) { return f; }, options);
  EXPECT_EQ(half.best.fractions, (std::vector<double>{0.25, 0.5, 1.0}));
  EXPECT_NEAR(half.best.expected_cost, 0.3175, 1e-12);
}

TEST(SweepTest, MaxOneIncrementIsTheFullNetwork) {
  SweepOptions options;
  options.max_increments = 1;
  const SweepResult r = SweepIncrements(QuarterCurve(), [](double f) { return f; }, options);
  EXPECT_EQ(r.candidates, 1);
  EXPECT_EQ(r.best.fractions, (std::vector<double>{1.0}));
  EXPECT_DOUBLE_EQ(r.best.expected_cost, 1.0);
}

TEST(SweepTest, BadOptionsAreErrors) {
  SweepOptions options;
  options.step = 0.3;
  EXPECT_NE(ErrorOf([&] { SweepIncrements(QuarterCurve(), [](double f) { return f; }, options); }).find("must divide 1"),
            std::string::npos);
  options = SweepOptions();
  options.min_first_fraction = 0;
  EXPECT_THROW(SweepIncrements(QuarterCurve(), [](double f) { return f; }, options), Error);
  options = SweepOptions();
  options.max_increments = 0;
  EXPECT_THROW(SweepIncrements(QuarterCurve(), [](double f) { return f; }, options), Error);
}

// ---- thresholds on a scripted validation set ------------------------------------

// Four images, increment 1 costs 1 and the full network 4 (no reuse: 5 when escalated):
//   image  margin1  correct at 1  correct at 2
//   A      0.9      yes           yes
//   B      0.6      yes           yes
//   C      0.3      no            yes
//   D      0.1      no            no
// theta <= 0.1: all final, accuracy 0.50, energy 1, savings x accuracy 0.375 (the optimum)
// theta in (0.1, 0.3]: accuracy 0.50, energy 2;  theta in (0.3, 0.6]: accuracy 0.75, energy 3
// theta in (0.6, 0.9]: accuracy 0.75, energy 4;  theta > 0.9: accuracy 0.75, energy 5
class ScriptedValidation : public ::testing::Test {
 protected:
  PredictionSet small = MakeSet({true, true, false, false}, {0.9, 0.6, 0.3, 0.1});
  PredictionSet full = MakeSet({true, true, true, false}, {1, 1, 1, 1});
  std::vector<Rung> rungs{{&small, 0.25, 1.0, -1}, {&full, 1.0, 4.0, -1}};
  ThresholdSearchOptions options{0.1, 0.0};
};

TEST_F(ScriptedValidation, ProductCriterionTakesTheSmallestBestTheta) {
  const ThresholdChoice c = ChooseThresholds(rungs, Reuse::kNone, ThresholdCriterion::kSavingsTimesAccuracy, options);
  ASSERT_EQ(c.thresholds.size(), 1u);
  EXPECT_DOUBLE_EQ(c.thresholds[0], 0.0);  // 0.1 ties with it (D's margin 0.1 is final); the first wins
  EXPECT_DOUBLE_EQ(c.objective, 0.375);
  EXPECT_DOUBLE_EQ(c.result.accuracy, 0.5);
}

TEST_F(ScriptedValidation, MaxDropCriterionFindsTheCheapestFeasibleTheta) {
  // No drop allowed: accuracy must be 0.75; theta = 0.3 keeps C (margin == theta is final), so 0.4.
  const ThresholdChoice c = ChooseThresholds(rungs, Reuse::kNone, ThresholdCriterion::kMinEnergyWithinDrop, options);
  EXPECT_DOUBLE_EQ(c.thresholds[0], 0.4);
  EXPECT_TRUE(c.feasible);
  EXPECT_DOUBLE_EQ(c.result.mean_energy, 3.0);
  EXPECT_DOUBLE_EQ(c.reference_accuracy, 0.75);
  // A 25-point drop allowed: theta = 0 (energy 1) is feasible.
  options.max_accuracy_drop = 0.25;
  EXPECT_DOUBLE_EQ(
      ChooseThresholds(rungs, Reuse::kNone, ThresholdCriterion::kMinEnergyWithinDrop, options).thresholds[0], 0.0);
}

TEST_F(ScriptedValidation, TuneOnValidationThenRunOnTest) {
  PredictionSet small_test = MakeSet({true, false}, {0.35, 0.2});
  PredictionSet full_test = MakeSet({true, true}, {1, 1});
  const std::vector<Rung> test = {{&small_test, 0.25, 1.0, -1}, {&full_test, 1.0, 4.0, -1}};
  const TunedScheme s =
      TuneOnValidationRunOnTest(rungs, test, Reuse::kNone, ThresholdCriterion::kMinEnergyWithinDrop, options);
  EXPECT_DOUBLE_EQ(s.validation.thresholds[0], 0.4);
  EXPECT_EQ(s.test.final_at, (std::vector<int64_t>{0, 2}));  // both margins below 0.4
  EXPECT_DOUBLE_EQ(s.test.accuracy, 1.0);
}

TEST_F(ScriptedValidation, SingleIncrementHasNoThresholds) {
  const ThresholdChoice c =
      ChooseThresholds({rungs[1]}, Reuse::kNone, ThresholdCriterion::kSavingsTimesAccuracy, options);
  EXPECT_TRUE(c.thresholds.empty());
  EXPECT_DOUBLE_EQ(c.result.accuracy, 0.75);
}

TEST_F(ScriptedValidation, TooFineAGridIsAnError) {
  std::vector<Rung> five(5, rungs[0]);
  five.back() = rungs[1];
  ThresholdSearchOptions fine;
  fine.step = 0.01;
  EXPECT_NE(ErrorOf([&] { ChooseThresholds(five, Reuse::kNone, ThresholdCriterion::kSavingsTimesAccuracy, fine); })
                .find("coarser --threshold-step"),
            std::string::npos);
  fine.step = 0.3;
  EXPECT_THROW(ChooseThresholds(rungs, Reuse::kNone, ThresholdCriterion::kSavingsTimesAccuracy, fine), Error);
}

}  // namespace
}  // namespace rcdnn::models::runtime
