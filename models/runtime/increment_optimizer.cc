#include "models/runtime/increment_optimizer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "common/error.h"

namespace rcdnn::models::runtime {
namespace {

constexpr double kTie = 1e-12;

// Number of grid intervals in [0, 1] for `step`; throws unless 1/step is an
// integer (within rounding).
int GridIntervals(double step, const std::string& what) {
  if (!(step > 0.0 && step <= 1.0)) throw Error(what + " " + std::to_string(step) + " must be in (0, 1]");
  const double count = std::round(1.0 / step);
  if (std::fabs(count * step - 1.0) > 1e-9 || count > 1e6) {
    throw Error(what + " " + std::to_string(step) + " must divide 1 (e.g. 0.05, 0.01)");
  }
  return static_cast<int>(count);
}

struct ExpFit {
  double a = 0, b = 0, sse = std::numeric_limits<double>::infinity();
  bool ok = false;
};

// For fixed c, acc = a - b x with x = exp(-c f) is linear in (a, b).
ExpFit FitForC(const std::vector<AccuracyPoint>& points, double c) {
  const double n = static_cast<double>(points.size());
  double mean_x = 0, mean_y = 0;
  for (const AccuracyPoint& p : points) {
    mean_x += std::exp(-c * p.fraction);
    mean_y += p.accuracy;
  }
  mean_x /= n;
  mean_y /= n;
  double sxx = 0, sxy = 0;
  for (const AccuracyPoint& p : points) {
    const double dx = std::exp(-c * p.fraction) - mean_x;
    sxx += dx * dx;
    sxy += dx * (p.accuracy - mean_y);
  }
  ExpFit fit;
  if (!(sxx > 1e-300)) return fit;
  const double slope = sxy / sxx;
  fit.b = -slope;
  fit.a = mean_y - slope * mean_x;
  if (!(fit.b > 0) || !std::isfinite(fit.a)) return fit;
  fit.sse = 0;
  for (const AccuracyPoint& p : points) {
    const double r = p.accuracy - (fit.a - fit.b * std::exp(-c * p.fraction));
    fit.sse += r * r;
  }
  fit.ok = std::isfinite(fit.sse);
  return fit;
}

double Clamp01(double v) { return std::min(1.0, std::max(0.0, v)); }

}  // namespace

double AccuracyCurve::operator()(double fraction) const {
  if (kind == Kind::kExponential) return Clamp01(a - b * std::exp(-c * fraction));
  if (fraction <= knots.front().fraction) return Clamp01(knots.front().accuracy);
  for (size_t i = 1; i < knots.size(); ++i) {
    if (fraction <= knots[i].fraction) {
      const AccuracyPoint& lo = knots[i - 1];
      const AccuracyPoint& hi = knots[i];
      const double t = (fraction - lo.fraction) / (hi.fraction - lo.fraction);
      return Clamp01(lo.accuracy + t * (hi.accuracy - lo.accuracy));
    }
  }
  return Clamp01(knots.back().accuracy);
}

std::string AccuracyCurve::Describe() const {
  char text[256];
  if (kind == Kind::kExponential) {
    std::snprintf(text, sizeof(text), "least-squares acc(f) = %.6g - %.6g*exp(-%.6g*f), rms residual %.4g", a, b, c,
                  rms_residual);
    return text;
  }
  std::snprintf(text, sizeof(text), "piecewise-linear through (0, chance) and %zu golden points, rms residual %.4g",
                knots.size() - 1, rms_residual);
  return std::string(text) + (note.empty() ? "" : " (" + note + ")");
}

AccuracyCurve FitAccuracyCurve(std::vector<AccuracyPoint> points, double chance_accuracy) {
  if (points.empty()) throw Error("Figure 6 fit: no golden accuracies to fit");
  if (!(chance_accuracy >= 0.0 && chance_accuracy <= 1.0)) {
    throw Error("Figure 6 fit: chance accuracy " + std::to_string(chance_accuracy) + " is outside [0, 1]");
  }
  std::sort(points.begin(), points.end(),
            [](const AccuracyPoint& x, const AccuracyPoint& y) { return x.fraction < y.fraction; });
  for (size_t i = 0; i < points.size(); ++i) {
    const AccuracyPoint& p = points[i];
    if (!(p.fraction > 0.0 && p.fraction <= 1.0)) {
      throw Error("Figure 6 fit: fraction " + std::to_string(p.fraction) + " is outside (0, 1]");
    }
    if (!(p.accuracy >= 0.0 && p.accuracy <= 1.0)) {
      throw Error("Figure 6 fit: accuracy " + std::to_string(p.accuracy) + " is outside [0, 1]");
    }
    if (i > 0 && p.fraction == points[i - 1].fraction) {
      throw Error("Figure 6 fit: fraction " + std::to_string(p.fraction) + " given twice");
    }
  }
  AccuracyCurve curve;
  std::string failure;
  if (points.size() < 3) {
    failure = "exponential fit needs 3 golden widths, have " + std::to_string(points.size());
  } else {
    constexpr int kGrid = 600;
    const double log_lo = std::log(1e-2), log_hi = std::log(1e3);
    int best = -1;
    ExpFit best_fit;
    std::vector<double> log_c(kGrid);
    for (int g = 0; g < kGrid; ++g) {
      log_c[g] = log_lo + (log_hi - log_lo) * g / (kGrid - 1);
      const ExpFit fit = FitForC(points, std::exp(log_c[g]));
      if (fit.ok && fit.sse < best_fit.sse) {
        best_fit = fit;
        best = g;
      }
    }
    if (best < 0) {
      failure = "no a - b*exp(-c*f) with b, c > 0 fits (accuracy does not rise with fraction)";
    } else {
      // Golden-section refinement of log c between the neighbouring grid points.
      double lo = log_c[std::max(0, best - 1)], hi = log_c[std::min(kGrid - 1, best + 1)];
      const double ratio = (std::sqrt(5.0) - 1) / 2;
      for (int it = 0; it < 100; ++it) {
        const double m1 = hi - ratio * (hi - lo), m2 = lo + ratio * (hi - lo);
        if (FitForC(points, std::exp(m1)).sse < FitForC(points, std::exp(m2)).sse) {
          hi = m2;
        } else {
          lo = m1;
        }
      }
      double c = std::exp(0.5 * (lo + hi));
      ExpFit refined = FitForC(points, c);
      if (!refined.ok || refined.sse > best_fit.sse) {
        c = std::exp(log_c[best]);
        refined = best_fit;
      }
      curve.kind = AccuracyCurve::Kind::kExponential;
      curve.a = refined.a;
      curve.b = refined.b;
      curve.c = c;
      curve.rms_residual = std::sqrt(refined.sse / static_cast<double>(points.size()));
      return curve;
    }
  }
  curve.kind = AccuracyCurve::Kind::kPiecewiseLinear;
  curve.note = failure;
  curve.knots.push_back({0.0, chance_accuracy});
  double running = chance_accuracy;
  double sse = 0;
  for (const AccuracyPoint& p : points) {
    running = std::max(running, p.accuracy);
    curve.knots.push_back({p.fraction, running});
    sse += (running - p.accuracy) * (running - p.accuracy);
  }
  curve.rms_residual = std::sqrt(sse / static_cast<double>(points.size()));
  return curve;
}

double FinalProbability(const std::vector<IncrementModel>& increments, int i) {
  if (i + 1 == static_cast<int>(increments.size())) return 1.0;
  const IncrementModel& m = increments[i];
  return m.p_correct * m.p_final_given_correct + (1.0 - m.p_correct) * m.p_final_given_wrong;
}

double ExpectedCost(const std::vector<IncrementModel>& increments, Reuse reuse) {
  if (increments.empty()) throw Error("Eq. 1: no increments");
  double expected = 0, cumulative = 0, previous_final = 0;
  for (size_t i = 0; i < increments.size(); ++i) {
    cumulative += increments[i].cost;
    if (reuse == Reuse::kReuse && i > 0) cumulative -= increments[i].reuse_share * increments[i - 1].cost;
    const double c_i = cumulative;
    const double final = FinalProbability(increments, static_cast<int>(i));
    expected += c_i * (final - previous_final);
    previous_final = final;
  }
  return expected;
}

double ExpectedAccuracy(const std::vector<IncrementModel>& increments) {
  if (increments.empty()) throw Error("Eq. 3: no increments");
  double t = increments.back().p_correct;  // T_N
  for (int i = static_cast<int>(increments.size()) - 2; i >= 0; --i) {
    const IncrementModel& m = increments[i];
    t = m.p_correct * m.p_final_given_correct + (1.0 - FinalProbability(increments, i)) * t;
  }
  return t;
}

SweepResult SweepIncrements(const AccuracyCurve& accuracy, const std::function<double(double)>& cost_of_fraction,
                            const SweepOptions& options) {
  const int intervals = GridIntervals(options.step, "sweep fraction step");
  if (!(options.min_first_fraction > 0.0 && options.min_first_fraction <= 1.0)) {
    throw Error("minimum first fraction " + std::to_string(options.min_first_fraction) + " is outside (0, 1]");
  }
  if (options.max_increments < 1 || options.max_increments > 16) {
    throw Error("maximum number of increments " + std::to_string(options.max_increments) + " is outside 1..16");
  }
  const int first_k = std::max(1, static_cast<int>(std::ceil(options.min_first_fraction * intervals - 1e-9)));
  std::vector<double> cost(intervals + 1), p_correct(intervals + 1);
  for (int k = 1; k <= intervals; ++k) {
    const double f = static_cast<double>(k) / intervals;
    cost[k] = cost_of_fraction(f);
    if (!std::isfinite(cost[k]) || cost[k] < 0) throw Error("sweep: cost of fraction " + std::to_string(f) + " is invalid");
    p_correct[k] = accuracy(f);
  }
  // reuse_share[below][above] of grid points, once (the candidates reuse them).
  std::vector<std::vector<double>> reuse_share(intervals + 1, std::vector<double>(intervals + 1, 1.0));
  if (options.reuse == Reuse::kReuse && options.reuse_share) {
    for (int below = 1; below <= intervals; ++below) {
      for (int above = below + 1; above <= intervals; ++above) {
        const double share = options.reuse_share(static_cast<double>(below) / intervals,
                                                 static_cast<double>(above) / intervals);
        if (!(share >= 0 && share <= 1)) throw Error("sweep: a reuse share is outside [0, 1]");
        reuse_share[below][above] = share;
      }
    }
  }
  SweepResult result;
  result.best_per_n.resize(options.max_increments);
  std::vector<bool> have(options.max_increments, false);
  auto better = [](const SweepCandidate& x, const SweepCandidate& y) {
    if (x.expected_cost < y.expected_cost - kTie) return true;
    return std::fabs(x.expected_cost - y.expected_cost) <= kTie && x.net_acc > y.net_acc + kTie;
  };
  std::vector<int> ks;
  // Chooses the n - 1 grid points below 1 in increasing order, then scores.
  std::function<void(int, int)> choose = [&](int n, int from) {
    if (static_cast<int>(ks.size()) == n - 1) {
      std::vector<IncrementModel> model;
      SweepCandidate candidate;
      int below = 0;
      for (int k : ks) {
        model.push_back({cost[k], p_correct[k], 1.0, 0.0, below > 0 ? reuse_share[below][k] : 1.0});
        candidate.fractions.push_back(static_cast<double>(k) / intervals);
        below = k;
      }
      model.push_back({cost[intervals], p_correct[intervals], 1.0, 0.0, below > 0 ? reuse_share[below][intervals] : 1.0});
      candidate.fractions.push_back(1.0);
      candidate.expected_cost = ExpectedCost(model, options.reuse);
      candidate.net_acc = ExpectedAccuracy(model);
      ++result.candidates;
      if (!have[n - 1] || better(candidate, result.best_per_n[n - 1])) {
        result.best_per_n[n - 1] = candidate;
        have[n - 1] = true;
      }
      return;
    }
    for (int k = from; k < intervals; ++k) {
      ks.push_back(k);
      choose(n, k + 1);
      ks.pop_back();
    }
  };
  for (int n = 1; n <= options.max_increments; ++n) choose(n, first_k);
  bool any = false;
  for (int n = 1; n <= options.max_increments; ++n) {
    if (!have[n - 1]) continue;
    if (!any || better(result.best_per_n[n - 1], result.best)) result.best = result.best_per_n[n - 1];
    any = true;
  }
  // best_per_n keeps only the N that had a candidate (grids too coarse for large N have none).
  std::vector<SweepCandidate> present;
  for (int n = 1; n <= options.max_increments; ++n) {
    if (have[n - 1]) present.push_back(result.best_per_n[n - 1]);
  }
  result.best_per_n = present;
  return result;
}

const char* CriterionName(ThresholdCriterion criterion) {
  return criterion == ThresholdCriterion::kSavingsTimesAccuracy ? "product" : "max-drop";
}

ThresholdChoice ChooseThresholds(const std::vector<Rung>& rungs, Reuse reuse, ThresholdCriterion criterion,
                                 const ThresholdSearchOptions& options) {
  if (rungs.empty()) throw Error("threshold search: no networks");
  const int intervals = GridIntervals(options.step, "threshold step");
  if (!(options.max_accuracy_drop >= 0.0 && options.max_accuracy_drop <= 1.0)) {
    throw Error("maximum accuracy drop " + std::to_string(options.max_accuracy_drop) + " is outside [0, 1]");
  }
  const int free = static_cast<int>(rungs.size()) - 1;
  double combinations = std::pow(intervals + 1.0, free);
  if (combinations > static_cast<double>(options.max_combinations)) {
    throw Error("threshold search: " + std::to_string(static_cast<int64_t>(combinations)) + " combinations for " +
                std::to_string(rungs.size()) + " increments at step " + std::to_string(options.step) +
                " exceed " + std::to_string(options.max_combinations) + "; use a coarser --threshold-step");
  }
  // Validates the rungs and gives the reference (all thresholds unused).
  const std::vector<double> always_full(free, 2.0);
  const EscalationResult full = RunEscalation(rungs, always_full, reuse);
  const int64_t n = full.images;
  std::vector<double> energy;
  for (const Rung& r : rungs) energy.push_back(r.energy);
  std::vector<double> answered(rungs.size());
  const std::vector<double> shares = ReuseShares(rungs);
  for (size_t i = 0; i < rungs.size(); ++i) answered[i] = AnsweredCost(energy, shares, static_cast<int>(i), reuse);
  const double full_energy = rungs.back().energy;
  const double reference = rungs.back().predictions->Accuracy();

  std::vector<int> digits(free, 0);
  std::vector<double> thresholds(free, 0.0);
  ThresholdChoice best;
  bool have = false;
  double best_energy = 0, best_accuracy = 0;
  bool best_feasible = false;
  while (true) {
    for (int d = 0; d < free; ++d) thresholds[d] = static_cast<double>(digits[d]) / intervals;
    double energy_sum = 0;
    int64_t correct = 0;
    for (int64_t k = 0; k < n; ++k) {
      const int i = FinalRung(rungs, thresholds, k);
      energy_sum += answered[i];
      correct += rungs[i].predictions->Correct(k);
    }
    const double mean_energy = energy_sum / static_cast<double>(n);
    const double accuracy = static_cast<double>(correct) / static_cast<double>(n);
    bool take = false;
    if (criterion == ThresholdCriterion::kSavingsTimesAccuracy) {
      const double objective = (1.0 - mean_energy / full_energy) * accuracy;
      take = !have || objective > best.objective + kTie ||
             (std::fabs(objective - best.objective) <= kTie && mean_energy < best_energy - kTie);
      if (take) best.objective = objective;
    } else {
      const bool feasible = accuracy >= reference - options.max_accuracy_drop - kTie;
      if (!have) {
        take = true;
      } else if (feasible != best_feasible) {
        take = feasible;
      } else if (feasible) {
        take = mean_energy < best_energy - kTie ||
               (std::fabs(mean_energy - best_energy) <= kTie && accuracy > best_accuracy + kTie);
      } else {
        take = accuracy > best_accuracy + kTie;
      }
      if (take) {
        best_feasible = feasible;
        best.objective = mean_energy;
      }
    }
    if (take) {
      have = true;
      best.thresholds = thresholds;
      best_energy = mean_energy;
      best_accuracy = accuracy;
    }
    int d = free - 1;
    while (d >= 0 && digits[d] == intervals) digits[d--] = 0;
    if (d < 0) break;
    ++digits[d];
  }
  best.result = RunEscalation(rungs, best.thresholds, reuse);
  best.reference_accuracy = reference;
  best.feasible = criterion == ThresholdCriterion::kSavingsTimesAccuracy || best_feasible;
  return best;
}

}  // namespace rcdnn::models::runtime

namespace rcdnn::models::runtime {

TunedScheme TuneOnValidationRunOnTest(const std::vector<Rung>& validation, const std::vector<Rung>& test, Reuse reuse,
                                      ThresholdCriterion criterion, const ThresholdSearchOptions& options) {
  if (validation.size() != test.size()) {
    throw Error("threshold tuning: " + std::to_string(validation.size()) + " validation networks vs " +
                std::to_string(test.size()) + " test networks");
  }
  TunedScheme scheme;
  scheme.validation = ChooseThresholds(validation, reuse, criterion, options);
  scheme.test = RunEscalation(test, scheme.validation.thresholds, reuse);
  return scheme;
}

}  // namespace rcdnn::models::runtime
