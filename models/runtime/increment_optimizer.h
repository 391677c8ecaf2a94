// Choosing the number and sizes of increments (Section 4.2, Eq. 1-4) and the
// score-margin thresholds of a trained incremental model.
//
// Notation (paper): increment i in 1..N has fraction f_i of the full
// network's channels (f_N = 1), threshold theta_i (none for i = N), and
// P_i = P(SM_i >= theta_i | f_i) is the probability that its answer is final.
//
//   Eq. 2  P_i = P(f_i correct) P(SM_i >= theta_i | correct)
//              + (1 - P(f_i correct)) P(SM_i >= theta_i | wrong),  P_N = 1.
//   Eq. 1  E = sum_i C_i (P_i - P_{i-1}),  P_0 = 0, with
//              C_i = c_1 + ... + c_i   (Reuse::kNone: the paper's Eq. 1)
//              C_i = c_1 + (c_2 - s_2 c_1) + ... + (c_i - s_i c_{i-1})
//                                      (Reuse::kReuse; s_i the share of
//                                      increment i-1's work that i reuses,
//                                      s_i = 1 gives the ideal C_i = c_i)
//          and c_i the cost of running increment i (the paper uses c_i = f_i,
//          "expected fraction of the network deployed").
//          Eq. 1 takes P_i - P_{i-1} as the probability of stopping at i,
//          i.e. assumes an image final at i-1 would also be final at i; it is
//          computed as written.
//   Eq. 3  net_acc = T_1, T_N = P(f_N correct),
//          T_i = P(f_i correct) P(SM_i >= theta_i | correct) + (1 - P_i) T_{i+1}.
//          The paper prints the first term as "P(SM_i < theta_i | f_i
//          correct)", which would make accuracy fall as an answer becomes
//          final when right; we read it as the probability of a final and
//          correct answer (the only reading under which Eq. 3 is an accuracy).
//   Eq. 4  argmin over N, F, Theta of [E, 1 - net_acc]; the paper sweeps N
//          and F on a grid assuming P(SM < theta | correct) =
//          P(SM >= theta | wrong) = 0 ("oracle margins"), so P_i =
//          P(f_i correct); we minimise E and break ties by higher net_acc.
//
// P(f correct) comes from a curve fitted to the golden models' validation
// accuracies against fraction (Figure 6), see FitAccuracyCurve.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/runtime/opportunistic.h"

namespace rcdnn::models::runtime {

// ---- Figure 6: accuracy versus fraction --------------------------------

struct AccuracyPoint {
  double fraction = 0;  // in (0, 1]
  double accuracy = 0;  // in [0, 1]
};

struct AccuracyCurve {
  enum class Kind { kExponential, kPiecewiseLinear };
  Kind kind = Kind::kPiecewiseLinear;
  double a = 0, b = 0, c = 0;        // kExponential: acc(f) = a - b exp(-c f), b > 0, c > 0
  std::vector<AccuracyPoint> knots;  // kPiecewiseLinear: ascending fraction, non-decreasing accuracy
  double rms_residual = 0;           // over the golden points
  std::string note;                  // why the fallback was used, or ""

  double operator()(double fraction) const;  // clamped to [0, 1]
  std::string Describe() const;
};

// Least-squares fit of acc(f) = a - b exp(-c f) (monotone increasing: b, c >
// 0): for each c on a log grid over [1e-2, 1e3] (then refined by golden
// section) a and b are the linear least-squares solution. The fit "fails"
// with fewer than 3 distinct fractions or when no c gives b > 0; then the
// curve is the piecewise-linear interpolation through (0, chance_accuracy)
// and the golden points, made monotone by a running maximum, flat beyond the
// largest fraction. Throws rcdnn::Error for no points, a fraction outside
// (0, 1], an accuracy outside [0, 1] or a fraction given twice.
AccuracyCurve FitAccuracyCurve(std::vector<AccuracyPoint> points, double chance_accuracy);

// ---- Eq. 1-3 -------------------------------------------------------------

struct IncrementModel {
  double cost = 0;                   // c_i
  double p_correct = 0;              // P(f_i correct)
  double p_final_given_correct = 1;  // P(SM_i >= theta_i | f_i correct)
  double p_final_given_wrong = 0;    // P(SM_i >= theta_i | f_i wrong)
  double reuse_share = 1;            // s_i (Reuse::kReuse; ignored for the first)
};

// Eq. 2 for increment i (0-based) of `increments`; 1 for the last.
double FinalProbability(const std::vector<IncrementModel>& increments, int i);
// Eq. 1. Throws rcdnn::Error for no increments.
double ExpectedCost(const std::vector<IncrementModel>& increments, Reuse reuse);
// Eq. 3. Throws rcdnn::Error for no increments.
double ExpectedAccuracy(const std::vector<IncrementModel>& increments);

// ---- Eq. 4: sweep over N and F -------------------------------------------

struct SweepOptions {
  double step = 0.05;               // fraction grid: step, 2 step, ..., 1 (1/step must be an integer)
  double min_first_fraction = 0.25;  // f_1 >= this (Figure 7: tiny increments have uninformative margins)
  int max_increments = 4;           // N in 1..max_increments
  Reuse reuse = Reuse::kNone;
  // Reuse::kReuse: s of fraction `above` over fraction `below` (cost_model.h
  // ReusableShare); empty = 1, all of the increment below is reused.
  std::function<double(double below, double above)> reuse_share;
};

struct SweepCandidate {
  std::vector<double> fractions;  // f_1 < ... < f_N = 1
  double expected_cost = 0;       // Eq. 1 under oracle margins
  double net_acc = 0;             // Eq. 3 under oracle margins
};

struct SweepResult {
  SweepCandidate best;
  std::vector<SweepCandidate> best_per_n;  // index N - 1
  int64_t candidates = 0;
};

// cost_of_fraction(f) is c for a network of fraction f (the paper: f itself;
// or relative MACs). Throws rcdnn::Error for a bad grid step, a minimum first
// fraction outside (0, 1], or max_increments < 1.
SweepResult SweepIncrements(const AccuracyCurve& accuracy, const std::function<double(double)>& cost_of_fraction,
                            const SweepOptions& options);

// ---- thresholds of a trained model ---------------------------------------

enum class ThresholdCriterion {
  kSavingsTimesAccuracy,  // the paper: maximise energy saving x accuracy
  kMinEnergyWithinDrop,   // minimise energy with accuracy >= full - max drop
};
const char* CriterionName(ThresholdCriterion criterion);  // "product" | "max-drop"

struct ThresholdSearchOptions {
  double step = 0.01;                    // theta grid 0, step, ..., 1 (1/step an integer)
  double max_accuracy_drop = 0.01;       // kMinEnergyWithinDrop, absolute (0.01 = 1 point)
  int64_t max_combinations = 250000;     // (1/step + 1)^(N-1) above this is an error
};

struct ThresholdChoice {
  std::vector<double> thresholds;  // one per rung but the last
  EscalationResult result;         // on the set searched (validation)
  double objective = 0;            // savings x accuracy, or mean energy
  double reference_accuracy = 0;   // last rung alone (kMinEnergyWithinDrop)
  bool feasible = true;            // false: no grid point meets the drop; the most accurate one is returned
};

// Exhaustive search of the theta grid (every rung but the last) on the
// rungs' predictions, typically the validation set. Ties keep the first
// combination in lexicographic order (smaller thresholds first) after
// preferring lower energy (product criterion) or higher accuracy (max-drop).
// Throws rcdnn::Error for a bad step or too many combinations.
ThresholdChoice ChooseThresholds(const std::vector<Rung>& rungs, Reuse reuse, ThresholdCriterion criterion,
                                 const ThresholdSearchOptions& options);

}  // namespace rcdnn::models::runtime

namespace rcdnn::models::runtime {

// Thresholds chosen on the validation rungs, then Algorithm 3 on the test
// rungs with them (the paper: "optimal threshold ... on the validation set",
// results "from the test sets"). Rungs of both sets must match in count.
struct TunedScheme {
  ThresholdChoice validation;
  EscalationResult test;
};
TunedScheme TuneOnValidationRunOnTest(const std::vector<Rung>& validation, const std::vector<Rung>& test, Reuse reuse,
                                      ThresholdCriterion criterion, const ThresholdSearchOptions& options);

}  // namespace rcdnn::models::runtime
