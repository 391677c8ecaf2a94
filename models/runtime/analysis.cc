#include "models/runtime/analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>

#include "common/error.h"
#include "common/sha256.h"
#include "models/runtime/big_little.h"
#include "models/runtime/cost_model.h"
#include "models/runtime/feedback_controller.h"
#include "models/runtime/increment_optimizer.h"
#include "models/runtime/opportunistic.h"
#include "models/runtime/predictions.h"
#include "models/runtime/score_margin.h"
#include "models/runtime/storage.h"
#include "models/spec/net_spec.h"

namespace rcdnn::models::runtime {
namespace {

std::string Num(double value, const char* format = "%.4f") {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

std::string Pct(double fraction) { return Num(100.0 * fraction, "%.2f%%"); }

std::string Join(const std::vector<double>& values, const char* format = "%.2f") {
  std::string text;
  for (size_t i = 0; i < values.size(); ++i) text += (i ? " " : "") + Num(values[i], format);
  return values.empty() ? "-" : text;
}

// Aligned columns, two spaces apart, a dashed line under the header.
std::string Aligned(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size(), 0);
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) {
      text += cells[c];
      if (c + 1 < cells.size()) text += std::string(width[c] - cells[c].size() + 2, ' ');
    }
    text.erase(text.find_last_not_of(' ') + 1);  // no trailing spaces after an empty last cell
    return text + "\n";
  };
  std::string text = "  " + line(header);
  size_t total = 0;
  for (size_t c = 0; c < width.size(); ++c) total += width[c] + (c + 1 < width.size() ? 2 : 0);
  text += "  " + std::string(total, '-') + "\n";
  for (const auto& row : rows) text += "  " + line(row);
  return text;
}

// The paper's x/y: channels of the first sliced layer over the full network's.
double Fraction(const NetSpec& spec, const Widths& widths) {
  return static_cast<double>(widths.at(0)) / static_cast<double>(FullWidths(spec).at(0));
}

// Every method this run writes starts with `method_prefix` (RuntimeOptions),
// so that two model sets of one network never mix in the store: the scheme
// names ("opportunistic", "sweep", "", ...) get it here; the methods read
// from the predictions (`read_methods`) carry it already.
class Metrics {
 public:
  Metrics(std::string network, std::string method_prefix, std::set<std::string> read_methods)
      : network_(std::move(network)), method_prefix_(std::move(method_prefix)),
        read_methods_(std::move(read_methods)) {}
  void Add(const std::string& name, const std::string& width, const std::string& method, const std::string& split,
           const std::string& key, std::optional<int> increment, double value, const std::string& unit) {
    if (!std::isfinite(value)) return;  // e.g. an unknown time; the store refuses non-finite values
    const std::string stored = read_methods_.count(method) ? method : method_prefix_ + method;
    list_.push_back({name, network_, width, stored, split, key, increment, value, unit});
  }
  std::vector<results::Metric>& list() { return list_; }

 private:
  std::string network_;
  std::string method_prefix_;
  std::set<std::string> read_methods_;
  std::vector<results::Metric> list_;
};

std::string FileDigest(const std::string& path) { return path.empty() ? "" : Sha256OfFile(path); }

struct SchemeRow {
  std::string scheme;  // "opportunistic" | "big-little"
  std::string key;     // "criterion=product;reuse=no-reuse"
  std::string label;
  std::vector<double> thresholds;
  std::optional<ThresholdChoice> validation;
  EscalationResult test;
};

}  // namespace

RuntimeReport RunRuntimeAnalysis(const RuntimeOptions& options) {
  // The methods read from the predictions carry the prefix too.
  RuntimeOptions o = options;
  o.golden_method = o.method_prefix + o.golden_method;
  if (!o.incremental_method.empty()) o.incremental_method = o.method_prefix + o.incremental_method;
  // ---- inputs -------------------------------------------------------------
  if (o.predictions_path.empty()) throw Error("--predictions is required");
  if (o.spec_path.empty()) throw Error("--spec is required");
  if (o.sweep_cost != "fraction" && o.sweep_cost != "relative-macs") {
    throw Error("--sweep-cost must be 'fraction' or 'relative-macs', got '" + o.sweep_cost + "'");
  }
  if (!(o.little_fraction >= 0.0 && o.little_fraction <= 1.0)) {
    throw Error("--little-fraction " + std::to_string(o.little_fraction) + " is outside [0, 1]");
  }
  const NetSpec spec = LoadNetSpec(o.spec_path);
  const Widths full = FullWidths(spec);
  const PredictionsFile file = ReadPredictionsCsv(o.predictions_path);
  const std::vector<std::string> methods = MethodsOf(file, spec.name);
  if (methods.empty()) {
    std::string present;
    for (const auto& [key, set] : file.sets) {
      if (present.find(key.network) == std::string::npos) present += (present.empty() ? "" : ", ") + key.network;
    }
    throw Error(o.predictions_path + " has no rows for network '" + spec.name + "' (of " + o.spec_path +
                "); it has: " + present);
  }
  auto has_method = [&](const std::string& m) { return std::find(methods.begin(), methods.end(), m) != methods.end(); };
  std::string method = o.incremental_method;
  if (method.empty()) {
    method = o.method_prefix +
             (has_method(o.method_prefix + "incremental_golden_init") ? "incremental_golden_init" : "incremental");
  }
  if (!has_method(method)) {
    throw Error(o.predictions_path + " has no rows of method '" + method + "' for " + spec.name +
                " (--incremental-method)");
  }
  const IncrementSeries val = SelectIncrements(file, spec.name, method, "val", o.increments);
  const IncrementSeries test = SelectIncrements(file, spec.name, method, "test", val.NumIncrements());
  if (val.widths != test.widths) throw Error(o.predictions_path + ": " + method + " has other widths on val than on test");
  const int n = val.NumIncrements();
  for (const Widths& w : val.widths) ValidateWidths(spec, w);
  const std::vector<WidthPredictions> golden_val = SelectByWidth(file, spec.name, o.golden_method, "val");
  const std::vector<WidthPredictions> golden_test = SelectByWidth(file, spec.name, o.golden_method, "test");
  auto find_golden = [&](const std::vector<WidthPredictions>& sets, const Widths& w) -> const PredictionSet* {
    for (const WidthPredictions& g : sets) {
      if (g.widths == w) return &g.predictions;
    }
    return nullptr;
  };
  const PredictionSet* golden_full_val = find_golden(golden_val, full);
  const PredictionSet* golden_full_test = find_golden(golden_test, full);
  if (golden_full_val == nullptr || golden_full_test == nullptr) {
    throw Error(o.predictions_path + " has no " + o.golden_method + " rows of the full width " + WidthsToString(full) +
                " on both val and test (evaluate the full golden model)");
  }
  CheckSameImages(val.increments[0], *golden_full_val, o.predictions_path + ": " + method + " vs golden on val");
  CheckSameImages(test.increments[0], *golden_full_test, o.predictions_path + ": " + method + " vs golden on test");
  const Widths little_widths = o.little_fraction > 0 ? UniformWidths(spec, o.little_fraction) : val.widths[0];

  std::vector<Widths> priced = val.widths;
  if (std::find(priced.begin(), priced.end(), little_widths) == priced.end()) priced.push_back(little_widths);
  if (std::find(priced.begin(), priced.end(), full) == priced.end()) priced.push_back(full);
  const CostModel cost = o.cost_path.empty() ? RelativeMacsCost(spec, priced) : ReadCostFile(o.cost_path, val.widths);
  std::vector<double> thresholds_given;
  if (!o.thresholds_path.empty()) thresholds_given = ReadThresholdFile(o.thresholds_path, n);

  RuntimeReport report;
  report.network = spec.name;
  Metrics metrics(spec.name, o.method_prefix, {method, o.golden_method});
  std::string& out = report.text;
  const ThresholdSearchOptions search{o.threshold_step, o.max_accuracy_drop};
  out += "Runtime schemes for " + spec.name + " (" + method + ", " + std::to_string(n) + " increments; " +
         std::to_string(val.NumImages()) + " validation / " + std::to_string(test.NumImages()) + " test images)\n";
  out += "Cost model: " + cost.description + ", energy in " + cost.EnergyUnit() +
         (cost.HasTime() ? std::string(", time in ") + cost.TimeUnit() : std::string(", no time")) + "\n";
  metrics.Add("cost_model_is_relative_macs", "", "", "", cost.description, std::nullopt, cost.relative_macs ? 1 : 0, "");

  // ---- Figure 6 fit and the Eq. 4 sweep (Table 7, first part) --------------
  std::vector<AccuracyPoint> points;
  for (const WidthPredictions& g : golden_val) {
    points.push_back({Fraction(spec, g.widths), g.predictions.Accuracy()});
    metrics.Add("fig6_golden_accuracy", WidthsToString(g.widths), o.golden_method, "val", "", std::nullopt,
                g.predictions.Accuracy(), "");
  }
  const AccuracyCurve curve = FitAccuracyCurve(points, 1.0 / spec.NumClasses());
  out += "\nFigure 6 fit of golden validation accuracy vs fraction: " + curve.Describe() + "\n";
  if (curve.kind == AccuracyCurve::Kind::kExponential) {
    metrics.Add("fig6_fit_a", "", o.golden_method, "val", "", std::nullopt, curve.a, "");
    metrics.Add("fig6_fit_b", "", o.golden_method, "val", "", std::nullopt, curve.b, "");
    metrics.Add("fig6_fit_c", "", o.golden_method, "val", "", std::nullopt, curve.c, "");
  }
  metrics.Add("fig6_fit_exponential", "", o.golden_method, "val", "", std::nullopt,
              curve.kind == AccuracyCurve::Kind::kExponential ? 1 : 0, "");
  metrics.Add("fig6_fit_rms_residual", "", o.golden_method, "val", "", std::nullopt, curve.rms_residual, "");

  const std::function<double(double)> sweep_cost =
      o.sweep_cost == "fraction" ? std::function<double(double)>([](double f) { return f; })
                                 : std::function<double(double)>([&spec](double f) { return RelativeMacsOfFraction(spec, f); });
  out += "\nTable 7 (part 1): increments by the Eq. 1 sweep (Eq. 4 with P(SM<theta|correct) = P(SM>=theta|wrong) = 0;\n"
         "  cost of a fraction f = " +
         std::string(o.sweep_cost == "fraction" ? "f (the paper's Eq. 1)" : "relative MACs of f") + "; grid step " +
         Num(o.sweep_step, "%.3g") + ", f_1 >= " + Num(o.min_first_fraction, "%.3g") + ", N <= " +
         std::to_string(o.max_increments) + ")\n";
  std::vector<std::vector<std::string>> sweep_rows;
  for (Reuse reuse : {Reuse::kNone, Reuse::kReuse}) {
    SweepOptions sweep_options{o.sweep_step, o.min_first_fraction, o.max_increments, reuse,
                               [&spec](double below, double above) {
                                 return ReusableShareOfFractions(spec, below, above);
                               }};
    const SweepResult sweep = SweepIncrements(curve, sweep_cost, sweep_options);
    for (const SweepCandidate& c : sweep.best_per_n) {
      const bool best = c.fractions == sweep.best.fractions;
      sweep_rows.push_back({ReuseName(reuse), std::to_string(c.fractions.size()), Join(c.fractions),
                            Num(c.expected_cost), Num(c.net_acc), best ? "<- optimum" : ""});
      const std::string key = std::string("reuse=") + ReuseName(reuse) + ";cost=" + o.sweep_cost +
                              ";n=" + std::to_string(c.fractions.size());
      metrics.Add("sweep_expected_cost", "", "sweep", "val", key, std::nullopt, c.expected_cost, "");
      metrics.Add("sweep_net_acc", "", "sweep", "val", key, std::nullopt, c.net_acc, "");
    }
    const std::string key = std::string("reuse=") + ReuseName(reuse) + ";cost=" + o.sweep_cost;
    if (reuse == Reuse::kNone) {  // the paper's Table 7
      report.optimum_fractions = sweep.best.fractions;
      report.optimum_description = "Table 7 optimum of " + spec.name + ": the Eq. 1 sweep (" + key +
                                   ") on the " + o.golden_method + " models' validation accuracy";
    }
    metrics.Add("table7_num_increments", "", "sweep", "val", key, std::nullopt,
                static_cast<double>(sweep.best.fractions.size()), "");
    for (size_t i = 0; i < sweep.best.fractions.size(); ++i) {
      metrics.Add("table7_fraction", "", "sweep", "val", key, static_cast<int>(i + 1), sweep.best.fractions[i], "");
    }
  }
  out += Aligned({"reuse", "N", "fractions", "E (Eq. 1)", "net_acc (Eq. 3)", ""}, sweep_rows);
  out += "  (no-reuse is the paper's Eq. 1, cumulative sums; the paper's Table 7 uses it)\n";

  // ---- thresholds on validation, Algorithm 3 on test ------------------------
  auto rungs = [&](const IncrementSeries& s) {
    std::vector<Rung> r;
    for (int i = 0; i < n; ++i) {
      r.push_back({&s.increments[i], Fraction(spec, s.widths[i]), cost.EnergyOf(s.widths[i]),
                   cost.HasTime() ? cost.TimeOf(s.widths[i]) : -1.0,
                   i > 0 ? ReusableShare(spec, s.widths[i - 1], s.widths[i]) : 1.0});
    }
    return r;
  };
  const std::vector<Rung> val_rungs = rungs(val), test_rungs = rungs(test);
  std::vector<SchemeRow> schemes;
  for (ThresholdCriterion criterion :
       {ThresholdCriterion::kSavingsTimesAccuracy, ThresholdCriterion::kMinEnergyWithinDrop}) {
    for (Reuse reuse : {Reuse::kNone, Reuse::kReuse}) {
      const TunedScheme tuned = TuneOnValidationRunOnTest(val_rungs, test_rungs, reuse, criterion, search);
      SchemeRow row;
      row.scheme = "opportunistic";
      row.key = std::string("criterion=") + CriterionName(criterion) + ";reuse=" + ReuseName(reuse);
      row.label = std::string("incremental, ") + CriterionName(criterion) + ", " + ReuseName(reuse);
      if (criterion == ThresholdCriterion::kSavingsTimesAccuracy && reuse == Reuse::kNone) row.label += " [paper]";
      row.thresholds = tuned.validation.thresholds;
      row.validation = tuned.validation;
      row.test = tuned.test;
      schemes.push_back(row);
    }
  }
  if (!o.thresholds_path.empty()) {
    for (Reuse reuse : {Reuse::kNone, Reuse::kReuse}) {
      SchemeRow row;
      row.scheme = "opportunistic";
      row.key = std::string("criterion=given;reuse=") + ReuseName(reuse);
      row.label = std::string("incremental, given thresholds, ") + ReuseName(reuse);
      row.thresholds = thresholds_given;
      row.test = RunEscalation(test_rungs, thresholds_given, reuse);
      schemes.push_back(row);
    }
  }
  // Big/Little: little golden model first, full golden model on a low margin.
  const PredictionSet* little_val = find_golden(golden_val, little_widths);
  const PredictionSet* little_test = find_golden(golden_test, little_widths);
  std::string big_little_note;
  if (little_val == nullptr || little_test == nullptr) {
    big_little_note = "Big/Little skipped: no " + o.golden_method + " rows of the little width " +
                      WidthsToString(little_widths) + " on both val and test\n";
  } else if (cost.Find(little_widths) < 0 || cost.Find(full) < 0) {
    big_little_note = "Big/Little skipped: the cost model " + cost.description + " does not price width " +
                      WidthsToString(cost.Find(full) < 0 ? full : little_widths) + "\n";
  } else {
    const BigLittleNetwork little{little_val, little_test, Fraction(spec, little_widths), cost.EnergyOf(little_widths),
                                  cost.HasTime() ? cost.TimeOf(little_widths) : -1.0};
    const BigLittleNetwork big{golden_full_val, golden_full_test, 1.0, cost.EnergyOf(full),
                               cost.HasTime() ? cost.TimeOf(full) : -1.0};
    for (ThresholdCriterion criterion :
         {ThresholdCriterion::kSavingsTimesAccuracy, ThresholdCriterion::kMinEnergyWithinDrop}) {
      const TunedScheme tuned = RunBigLittle(little, big, criterion, search);
      SchemeRow row;
      row.scheme = "big-little";
      row.key = std::string("criterion=") + CriterionName(criterion) + ";reuse=no-reuse";
      row.label = std::string("big/little ") + WidthsToString(little_widths) + ", " + CriterionName(criterion);
      row.thresholds = tuned.validation.thresholds;
      row.validation = tuned.validation;
      row.test = tuned.test;
      schemes.push_back(row);
    }
  }

  // Table 7, second part: the trained model's fractions and thresholds.
  out += "\nTable 7 (part 2): the trained model " + method + ": N = " + std::to_string(n) + ", fractions";
  for (const Widths& w : val.widths) out += " " + Num(Fraction(spec, w), "%.3g");
  out += "\n  thresholds theta_i chosen on the validation set (grid step " + Num(o.threshold_step, "%.3g") +
         ";\n  product = max energy saving x accuracy, the paper's criterion; max-drop = min energy with accuracy >=\n"
         "  the last increment's accuracy - " + Num(100 * o.max_accuracy_drop, "%.3g") + " points)\n";
  std::vector<std::vector<std::string>> t7;
  for (const SchemeRow& s : schemes) {
    if (!s.validation) continue;
    const ThresholdChoice& v = *s.validation;
    t7.push_back({s.label, Join(s.thresholds), Num(v.result.accuracy), Pct(v.result.energy_savings),
                  v.feasible ? "" : "infeasible: no grid point within the drop"});
    for (size_t i = 0; i < s.thresholds.size(); ++i) {
      metrics.Add("table7_threshold", "", s.scheme, "val", s.key, static_cast<int>(i + 1), s.thresholds[i], "");
    }
  }
  out += Aligned({"scheme", "thresholds", "val accuracy", "val savings", ""}, t7);
  for (int i = 0; i < n; ++i) {
    metrics.Add("table7_trained_fraction", WidthsToString(val.widths[i]), method, "", "", i + 1,
                Fraction(spec, val.widths[i]), "");
  }

  // Eq. 1-3 with margin probabilities measured on validation, against Algorithm 3 on validation.
  out += "\nEq. 1-3 with P(SM >= theta | correct / wrong) measured on validation vs Algorithm 3 on validation\n";
  std::vector<std::vector<std::string>> eq_rows;
  for (const SchemeRow& s : schemes) {
    if (s.scheme != "opportunistic" || !s.validation) continue;
    const Reuse reuse = s.key.find("reuse=reuse") != std::string::npos ? Reuse::kReuse : Reuse::kNone;
    std::vector<IncrementModel> model;
    for (int i = 0; i < n; ++i) {
      const MarginProbabilities p = MeasureMarginProbabilities(val.increments[i], i + 1 < n ? s.thresholds[i] : 0.0);
      model.push_back({val_rungs[i].energy, p.p_correct, p.p_final_given_correct, p.p_final_given_wrong,
                       val_rungs[i].reuse_share});
    }
    const double e = ExpectedCost(model, reuse), acc = ExpectedAccuracy(model);
    eq_rows.push_back({s.label, Num(e), Num(s.validation->result.mean_energy), Num(acc),
                       Num(s.validation->result.accuracy)});
    metrics.Add("eq1_expected_" + cost.EnergyMetricName(), "", s.scheme, "val", s.key, std::nullopt, e,
                cost.relative_macs ? "" : "uJ");
    metrics.Add("eq3_net_acc", "", s.scheme, "val", s.key, std::nullopt, acc, "");
  }
  out += Aligned({"scheme", "E (Eq. 1)", "E measured", "net_acc (Eq. 3)", "accuracy measured"}, eq_rows);

  // ---- Table 8 ------------------------------------------------------------
  out += "\nTable 8: test accuracy per increment (golden model of the same width in parentheses) and cost\n";
  std::vector<std::vector<std::string>> t8;
  for (int i = 0; i < n; ++i) {
    const std::string width = WidthsToString(test.widths[i]);
    const PredictionSet* g = find_golden(golden_test, test.widths[i]);
    const double energy = cost.EnergyOf(test.widths[i]);
    t8.push_back({std::to_string(i + 1), width, Num(Fraction(spec, test.widths[i]), "%.3g"),
                  Num(test.increments[i].Accuracy()) + (g ? " (" + Num(g->Accuracy()) + ")" : " (n/a)"),
                  Num(energy, "%.4g"), cost.HasTime() ? Num(cost.TimeOf(test.widths[i]), "%.4g") : "-",
                  i > 0 ? Num(test_rungs[i].reuse_share, "%.3f") : "-"});
    if (i > 0) metrics.Add("reuse_share", width, method, "", "", i + 1, test_rungs[i].reuse_share, "");
    metrics.Add("accuracy", width, method, "test", "", i + 1, test.increments[i].Accuracy(), "");
    metrics.Add("accuracy", width, method, "val", "", i + 1, val.increments[i].Accuracy(), "");
    if (g) metrics.Add("accuracy", width, o.golden_method, "test", "", i + 1, g->Accuracy(), "");
    metrics.Add(cost.EnergyMetricName(), width, method, "", "", i + 1, energy, cost.relative_macs ? "" : "uJ");
    if (cost.HasTime() && !cost.relative_macs) {
      metrics.Add(cost.TimeMetricName(), width, method, "", "", i + 1, cost.TimeOf(test.widths[i]), "us");
    }
  }
  out += Aligned({"incr", "width", "fraction", "accuracy (golden)", std::string("energy (") + cost.EnergyUnit() + ")",
                  std::string("time (") + (cost.HasTime() ? cost.TimeUnit() : "-") + ")", "reuse share s_i"},
                 t8);
  out += "  reuse share s_i = the share of increment i-1's MACs whose results increment i can reuse (reuse rows)\n";

  // ---- Table 9 ------------------------------------------------------------
  const double golden_acc = golden_full_test->Accuracy();
  const double incremental_full_acc = test.increments.back().Accuracy();
  out += "\nTable 9: Algorithm 3 on the test set, normalised to the full network (golden full accuracy " +
         Num(golden_acc) + ", incremental full " + Num(incremental_full_acc) + "; savings vs always running the full " +
         "network)\n";
  std::vector<std::vector<std::string>> t9;
  for (const SchemeRow& s : schemes) {
    const EscalationResult& r = s.test;
    // Relative MACs stand in for time too: no time saving to report then.
    const std::optional<double> time_savings = cost.relative_macs ? std::nullopt : r.time_savings;
    std::string finals;
    for (int64_t count : r.final_at) finals += (finals.empty() ? "" : "/") + std::to_string(count);
    t9.push_back({s.label, Join(s.thresholds), Num(r.accuracy), Pct(golden_acc - r.accuracy),
                  Pct(incremental_full_acc - r.accuracy), Num(r.mean_energy, "%.4g"), Pct(r.energy_savings),
                  time_savings ? Pct(*time_savings) : "-",
                  std::to_string(r.reruns), Num(r.mean_final_fraction, "%.3f"), finals});
    const std::string& m = s.scheme;
    const std::string width = s.scheme == "big-little" ? WidthsToString(little_widths) : "";
    metrics.Add("accuracy", width, m, "test", s.key, std::nullopt, r.accuracy, "");
    metrics.Add("accuracy_drop_pct", width, m, "test", s.key + ";vs=golden-full", std::nullopt,
                100 * (golden_acc - r.accuracy), "%");
    metrics.Add("accuracy_drop_pct", width, m, "test", s.key + ";vs=incremental-full", std::nullopt,
                100 * (incremental_full_acc - r.accuracy), "%");
    metrics.Add("mean_" + cost.EnergyMetricName(), width, m, "test", s.key, std::nullopt, r.mean_energy,
                cost.relative_macs ? "" : "uJ");
    if (r.mean_time >= 0 && !cost.relative_macs) {
      metrics.Add("mean_time_us", width, m, "test", s.key, std::nullopt, r.mean_time, "us");
    }
    metrics.Add("energy_savings_pct", width, m, "test", s.key, std::nullopt, 100 * r.energy_savings, "%");
    if (time_savings) metrics.Add("time_savings_pct", width, m, "test", s.key, std::nullopt, 100 * *time_savings, "%");
    metrics.Add("reruns", width, m, "test", s.key, std::nullopt, static_cast<double>(r.reruns), "images");
    metrics.Add("mean_deployed_fraction", width, m, "test", s.key, std::nullopt, r.mean_final_fraction, "");
    for (size_t i = 0; i < r.final_at.size(); ++i) {
      metrics.Add("answered_by_increment", width, m, "test", s.key, static_cast<int>(i + 1),
                  static_cast<double>(r.final_at[i]), "images");
    }
    if (s.validation) {
      metrics.Add("accuracy", width, m, "val", s.key, std::nullopt, s.validation->result.accuracy, "");
      metrics.Add("energy_savings_pct", width, m, "val", s.key, std::nullopt,
                  100 * s.validation->result.energy_savings, "%");
    }
  }
  out += Aligned({"scheme", "thresholds", "accuracy", "drop vs golden", "drop vs incr. full",
                  std::string("mean energy (") + cost.EnergyUnit() + ")", "savings", "time savings", "re-runs",
                  "mean fraction", "answered per rung"},
                 t9);
  out += "  [paper] = the paper's Table 9 setting: thresholds maximising savings x accuracy on validation, and every\n"
         "  escalation a fresh forward pass (Algorithm 3 as written, Eq. 1's cumulative cost). reuse = the hardware keeps\n"
         "  the smaller increment's results that stay valid (the first sliced layer's old channels and the second's\n"
         "  old-to-old partial sums: the new channels are trained into the old ones), so escalating to increment i\n"
         "  costs e_i - s_i e_(i-1) (s_i in Table 8). Big/Little never reuses.\n";
  out += big_little_note;

  // ---- Figure 7 -------------------------------------------------------------
  out += "\nFigure 7: score-margin histograms (" + std::to_string(o.margin_bins) +
         " bins over [0, 1]) of golden models on validation, correct | wrong\n";
  std::vector<std::vector<std::string>> f7;
  auto histogram_metrics = [&](const PredictionSet& set, const Widths& w, const std::string& m, const std::string& split,
                               std::optional<int> increment) {
    const MarginHistogram h = ComputeMarginHistogram(set, o.margin_bins);
    for (int b = 0; b < h.bins; ++b) {
      const std::string key = "bin=" + Num(h.BinLow(b), "%.4g");
      metrics.Add("fig7_margin_hist_correct", WidthsToString(w), m, split, key, increment,
                  static_cast<double>(h.correct[b]), "images");
      metrics.Add("fig7_margin_hist_wrong", WidthsToString(w), m, split, key, increment,
                  static_cast<double>(h.wrong[b]), "images");
    }
    return h;
  };
  for (const WidthPredictions& g : golden_val) {
    const MarginHistogram h = histogram_metrics(g.predictions, g.widths, o.golden_method, "val", std::nullopt);
    std::string correct, wrong;
    for (int b = 0; b < h.bins; ++b) {
      correct += (b ? " " : "") + std::to_string(h.correct[b]);
      wrong += (b ? " " : "") + std::to_string(h.wrong[b]);
    }
    f7.push_back({WidthsToString(g.widths), correct + " | " + wrong});
  }
  for (int i = 0; i < n; ++i) histogram_metrics(val.increments[i], val.widths[i], method, "val", i + 1);
  out += Aligned({"width", "counts per bin: correct | wrong"}, f7);

  // ---- Table 6 ---------------------------------------------------------------
  if (!o.model_paths.empty()) {
    std::vector<StoredModel> models;
    for (const std::string& path : o.model_paths) models.push_back(ReadStoredModel(path));
    const StorageTable t6 = ComputeStorageTable(spec, models);
    out += "\nTable 6: additional storage normalised to the original network (" + std::to_string(t6.reference_bytes) +
           " bytes: " + t6.reference + ")\n";
    std::vector<std::vector<std::string>> rows;
    if (t6.has_incremental) {
      rows.push_back({"ours (extra classifier heads)", std::to_string(t6.incremental_extra_bytes),
                      Pct(t6.incremental_overhead)});
      metrics.Add("storage_overhead_pct", "", "incremental", "", "", std::nullopt, 100 * t6.incremental_overhead, "%");
      metrics.Add("storage_extra_bytes", "", "incremental", "", "", std::nullopt,
                  static_cast<double>(t6.incremental_extra_bytes), "bytes");
    }
    if (t6.golden_models_extra > 0) {
      rows.push_back({"Big/Little (" + std::to_string(t6.golden_models_extra) + " extra golden models)",
                      std::to_string(t6.big_little_extra_bytes), Pct(t6.big_little_overhead)});
      metrics.Add("storage_overhead_pct", "", "big-little", "", "", std::nullopt, 100 * t6.big_little_overhead, "%");
      metrics.Add("storage_extra_bytes", "", "big-little", "", "", std::nullopt,
                  static_cast<double>(t6.big_little_extra_bytes), "bytes");
    }
    metrics.Add("storage_reference_bytes", WidthsToString(full), "", "", "", std::nullopt,
                static_cast<double>(t6.reference_bytes), "bytes");
    out += Aligned({"scheme", "extra bytes", "overhead"}, rows);
  }

  // ---- Figure 11 ----------------------------------------------------------------
  if (!o.budget_path.empty()) {
    const std::vector<BudgetStep> schedule = ReadBudgetSchedule(o.budget_path, test.NumImages());
    std::vector<CapacityLevel> levels;
    for (int i = 0; i < n; ++i) {
      levels.push_back({cost.EnergyOf(test.widths[i]), cost.HasTime() ? cost.TimeOf(test.widths[i]) : -1.0,
                        &test.increments[i]});
    }
    std::vector<ControllerRun> runs;
    for (LoosenPolicy policy : {LoosenPolicy::kJumpToMax, LoosenPolicy::kStepUp}) {
      runs.push_back(SimulateController(levels, schedule, policy, test.NumImages()));
    }
    report.trace_csv = ControllerTraceCsv(runs);
    out += "\nFigure 11: Algorithm 2 over the " + std::to_string(test.NumImages()) + " test images, " +
           std::to_string(schedule.size()) + " budget steps from " + o.budget_path + " (budgets in " + cost.EnergyUnit() +
           ")\n";
    std::vector<std::vector<std::string>> rows;
    for (const ControllerRun& run : runs) {
      std::string per_capacity;
      for (int64_t count : run.images_per_capacity) per_capacity += (per_capacity.empty() ? "" : "/") + std::to_string(count);
      rows.push_back({LoosenPolicyName(run.policy), Num(run.accuracy), std::to_string(run.energy_violations),
                      std::to_string(run.delay_violations), Num(run.mean_energy, "%.4g"),
                      run.mean_delay >= 0 ? Num(run.mean_delay, "%.4g") : "-", per_capacity});
      const std::string m = std::string("controller-") + LoosenPolicyName(run.policy);
      metrics.Add("accuracy", "", m, "test", "", std::nullopt, run.accuracy, "");
      metrics.Add("energy_violations", "", m, "test", "", std::nullopt, static_cast<double>(run.energy_violations),
                  "images");
      metrics.Add("delay_violations", "", m, "test", "", std::nullopt, static_cast<double>(run.delay_violations),
                  "images");
      metrics.Add("mean_" + cost.EnergyMetricName(), "", m, "test", "", std::nullopt, run.mean_energy,
                  cost.relative_macs ? "" : "uJ");
      for (const ControllerStep& s : run.steps) {
        const std::string key = "image=" + std::to_string(s.image);
        metrics.Add("fig11_capacity", "", m, "test", key, std::nullopt, s.capacity, "");
        metrics.Add("fig11_" + cost.EnergyMetricName(), "", m, "test", key, std::nullopt, s.energy,
                    cost.relative_macs ? "" : "uJ");
        if (s.energy_violation || s.delay_violation) {
          metrics.Add("fig11_violation", "", m, "test", key, std::nullopt, 1, "");
        }
      }
    }
    for (const ControllerStep& s : runs[0].steps) {
      const std::string key = "image=" + std::to_string(s.image);
      metrics.Add("fig11_budget_energy", "", "controller", "test", key, std::nullopt, s.budget_energy,
                  cost.relative_macs ? "" : "uJ");
      metrics.Add("fig11_budget_delay", "", "controller", "test", key, std::nullopt, s.budget_delay,
                  cost.relative_macs ? "" : "us");
    }
    out += Aligned({"policy", "accuracy", "energy violations", "delay violations",
                    std::string("mean energy (") + cost.EnergyUnit() + ")", "mean delay", "images per capacity"},
                   rows);
    out += "  jump-to-max = Algorithm 2 as written (on a loosened budget jump to MaxCapacity, then settle one step\n"
           "  per image); step-up = one increment up instead.\n";
  }

  // ---- canonical config ------------------------------------------------------
  std::string& config = report.config;
  config += "predictions=" + FileDigest(o.predictions_path) + "\n";
  config += "spec=" + Sha256Hex(spec.source_text) + "\n";
  config += "cost=" + FileDigest(o.cost_path) + "\n";
  config += "budget=" + FileDigest(o.budget_path) + "\n";
  config += "thresholds=" + FileDigest(o.thresholds_path) + "\n";
  for (const std::string& path : o.model_paths) config += "model=" + FileDigest(path) + "\n";
  config += "network=" + spec.name + "\nincremental_method=" + method + "\ngolden_method=" + o.golden_method +
            "\nincrements=" + std::to_string(n) + "\nmax_accuracy_drop=" + Num(o.max_accuracy_drop, "%.17g") +
            "\nmin_first_fraction=" + Num(o.min_first_fraction, "%.17g") + "\nsweep_step=" +
            Num(o.sweep_step, "%.17g") + "\nmax_increments=" + std::to_string(o.max_increments) +
            "\nsweep_cost=" + o.sweep_cost + "\nthreshold_step=" + Num(o.threshold_step, "%.17g") +
            "\nmargin_bins=" + std::to_string(o.margin_bins) + "\nlittle_fraction=" +
            Num(o.little_fraction, "%.17g") + "\n";
  report.metrics = std::move(metrics.list());
  return report;
}

}  // namespace rcdnn::models::runtime
