#include "analysis/claims.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis {
namespace {

using artifacts::AccuracyCurve;
using artifacts::CurvePoint;
using artifacts::kPaperScheme;

using artifacts::Join;

// Fills datasets and profiles from the runs.
void Describe(const StoreView& store, const std::set<int64_t>& runs, Claim* claim) {
  std::vector<std::string> profiles;
  for (int64_t id : runs) {
    const std::string& p = store.Run(id).info.profile;
    if (std::find(profiles.begin(), profiles.end(), p) == profiles.end()) profiles.push_back(p);
  }
  claim->datasets = artifacts::DatasetLabel(store, runs);
  claim->profiles = Join(profiles, ", ");
}

std::string Pct(double value) { return FormatNumber(value, Fixed(2)) + "%"; }
std::string Points(double value) { return FormatNumber(value, Fixed(2)) + " pt"; }

std::string MissingList(const std::vector<std::string>& networks, const std::string& what) {
  return networks.empty() ? "" : what + " for " + Join(networks, ", ");
}

// What a claim's check gathers network by network: a line per network
// measured, the networks it could not measure, and the runs it read.
struct Findings {
  std::vector<std::string> ours, lacking;
  std::set<int64_t> runs;
};

// Writes the findings into the claim: our values, their data sets and
// profiles, the verdict (none while `holds` is unset: nothing measured) and
// what is missing.
void Conclude(const StoreView& store, const Findings& findings, std::optional<bool> holds, const std::string& missing,
              Claim* claim) {
  claim->ours = Join(findings.ours, "; ");
  claim->networks_measured = static_cast<int>(findings.ours.size());
  Describe(store, findings.runs, claim);
  if (holds) claim->verdict = *holds ? Verdict::kHolds : Verdict::kDoesNotHold;
  claim->missing = missing;
}

Claim EnergyClaim(const ArtifactContext& context) {
  Claim c{"energy", "Up to 95% energy reduction with less than 1% accuracy loss across the three benchmarks",
          "95.53% / 58.74% / 32.61% accelerator energy savings; accuracy drops 0.60 / 0.96 / 0.29 pt (Table 9)",
          "every network measured loses < 1 point of test accuracy and the largest accelerator-energy saving is "
          ">= 90% (95% within 5 points); MAC-only savings do not count as energy",
          "", "", "", Verdict::kNotMeasured, "", 0};
  Findings f;
  bool all_drops_below_1 = true, any_energy = false;
  double best_saving = 0;
  for (const PaperNetwork& n : PaperNetworks()) {
    // Table 9's models: those of the Table 7 optimum where they were trained.
    const std::optional<artifacts::ModelSet> models = artifacts::PaperSettingModels(context.store, n.id);
    const std::string scheme = models ? models->Method("opportunistic") : "opportunistic";
    const auto drop = context.store.Value("accuracy_drop_pct", n.id, "", scheme, "test",
                                          std::string(kPaperScheme) + ";vs=golden-full", std::nullopt);
    const auto saving = context.store.Value("energy_savings_pct", n.id, "", scheme, "test", kPaperScheme, std::nullopt);
    if (!models || !drop || !saving) {
      f.lacking.push_back(n.paper_name);
      continue;
    }
    results::MetricFilter filter;
    filter.network = n.id;
    filter.name = "energy_savings_pct";
    filter.method = scheme;
    std::set<int64_t> network_runs;
    for (const auto& row : context.store.Query(filter)) {
      if (row.metric.key == kPaperScheme) network_runs.insert(row.run_id);
    }
    bool relative_macs = true;
    filter.name = "cost_model_is_relative_macs";
    filter.method = "";
    for (const auto& row : context.store.Query(filter)) {
      if (network_runs.count(row.run_id)) relative_macs = row.metric.value != 0;
    }
    f.runs.insert(network_runs.begin(), network_runs.end());
    // The paper counts energy as power x time: the same escalations' time saving, beside ours.
    const auto time_saving =
        context.store.Value("time_savings_pct", n.id, "", scheme, "test", kPaperScheme, std::nullopt);
    const std::string as_power_time =
        time_saving && !relative_macs ? " (" + Pct(*time_saving) + " as power x time)" : "";
    f.ours.push_back(n.paper_name + ": " + Pct(*saving) + (relative_macs ? " MAC" : " energy") + " saving" +
                     as_power_time + ", " + Points(*drop) + " drop (" + models->label + " models)");
    all_drops_below_1 = all_drops_below_1 && *drop < 1.0;
    if (!relative_macs) {
      any_energy = true;
      best_saving = std::max(best_saving, *saving);
    }
  }
  std::string missing = MissingList(f.lacking, "no Table 9 results (runtime-scheme analysis)");
  if (!any_energy) {
    missing += std::string(missing.empty() ? "" : "; ") +
               "no accelerator energy behind the savings (run the runtime analysis with the accelerator's cost file)";
  }
  Conclude(context.store, f, any_energy ? std::optional(all_drops_below_1 && best_saving >= 90.0) : std::nullopt,
           missing, &c);
  return c;
}

Claim IncrementalClaim(const ArtifactContext& context) {
  Claim c{"incremental", "Incremental training with 4 increments stays within 1.4% of the golden full-network accuracy",
          "at most 1.4% full-network accuracy loss (Figure 10)",
          "for every network measured, golden full-width test accuracy minus the last increment's test accuracy "
          "(incremental training with golden init, 4 increments) is <= 1.4 points",
          "", "", "", Verdict::kNotMeasured, "", 0};
  Findings f;
  double worst = -1e9;
  for (const PaperNetwork& n : PaperNetworks()) {
    const std::vector<CurvePoint> incremental = AccuracyCurve(context.store, n.id, "incremental_golden_init", "test");
    const std::vector<CurvePoint> golden = AccuracyCurve(context.store, n.id, "golden", "test");
    if (incremental.empty() || golden.empty()) {
      f.lacking.push_back(n.paper_name);
      continue;
    }
    const CurvePoint& last = incremental.back();
    const CurvePoint* full = nullptr;
    for (const CurvePoint& g : golden) {
      if (g.width == last.width) full = &g;
    }
    if (full == nullptr) {
      f.lacking.push_back(n.paper_name + " (no golden model of width " + last.width + ")");
      continue;
    }
    const double gap = 100.0 * (full->accuracy - last.accuracy);
    worst = std::max(worst, gap);
    f.runs.insert(last.run_id);
    f.runs.insert(full->run_id);
    f.ours.push_back(n.paper_name + ": " + Points(gap) + " (" + FormatNumber(last.accuracy, Fixed(4)) + " vs golden " +
                   FormatNumber(full->accuracy, Fixed(4)) + ", " + std::to_string(incremental.size()) +
                   " increments)");
  }
  Conclude(context.store, f, f.ours.empty() ? std::nullopt : std::optional(worst <= 1.4),
           MissingList(f.lacking, "no test accuracy of incremental_golden_init and golden"), &c);
  return c;
}

Claim StorageClaim(const ArtifactContext& context) {
  Claim c{"storage", "Approximately 50% less storage than Big/Little, with similar accuracy",
          "extra storage 0.58 / 0.10 / 17.39% (ours) vs 30.71 / 88.08 / 96.43% (Big/Little), Table 6",
          "total storage saving 1 - (1 + ours extra) / (1 + Big/Little extra), averaged over the networks measured, "
          "is >= 40% (about 50%, or more)",
          "", "", "", Verdict::kNotMeasured, "", 0};
  Findings f;
  double sum = 0;
  int count = 0;
  for (const PaperNetwork& n : PaperNetworks()) {
    const artifacts::StorageOverhead s = artifacts::ComputeStorageOverhead(context.store, n.id);
    if (s.ours_reference_bytes <= 0 || s.big_little_reference_bytes <= 0) {
      f.lacking.push_back(n.paper_name);
      continue;
    }
    const double saving = 100.0 * (1.0 - (1.0 + s.OursPct() / 100) / (1.0 + s.BigLittlePct() / 100));
    sum += saving;
    ++count;
    f.runs.insert(s.run_ids.begin(), s.run_ids.end());
    f.ours.push_back(n.paper_name + ": " + Pct(saving) + " saving (extra " + Pct(s.OursPct()) + " vs " +
                   Pct(s.BigLittlePct()) + ")");
  }
  Conclude(context.store, f, count == 0 ? std::nullopt : std::optional(sum / count >= 40.0),
           MissingList(f.lacking, "no storage_bytes of incremental and golden models"), &c);
  return c;
}

Claim ShutdownClaim(const ArtifactContext& context) {
  Claim c{"shutdown", "Channel shutdown of the full network collapses accuracy, where incremental training does not",
          "\"disastrous accuracy drop\" (Figure 9, ALEXnet; no number printed)",
          "for every network measured, channel shutdown at the first increment's width is >= 20 points below "
          "incremental training (golden init) at that width, on the validation set",
          "", "", "", Verdict::kNotMeasured, "", 0};
  Findings f;
  bool all = true;
  for (const PaperNetwork& n : PaperNetworks()) {
    std::vector<CurvePoint> incremental = AccuracyCurve(context.store, n.id, "incremental_golden_init", "val");
    if (incremental.empty()) incremental = AccuracyCurve(context.store, n.id, "incremental", "val");
    const std::vector<CurvePoint> shutdown = AccuracyCurve(context.store, n.id, "shutdown", "val");
    const CurvePoint* off = nullptr;
    if (!incremental.empty()) {
      for (const CurvePoint& s : shutdown) {
        if (s.width == incremental.front().width) off = &s;
      }
    }
    if (off == nullptr) {
      f.lacking.push_back(n.paper_name);
      continue;
    }
    const CurvePoint& on = incremental.front();
    const double gap = 100.0 * (on.accuracy - off->accuracy);
    all = all && gap >= 20.0;
    f.runs.insert(on.run_id);
    f.runs.insert(off->run_id);
    f.ours.push_back(n.paper_name + " at " + on.width + ": shutdown " + FormatNumber(off->accuracy, Fixed(4)) +
                   " vs incremental " + FormatNumber(on.accuracy, Fixed(4)) + " (" + Points(gap) + ")");
  }
  Conclude(context.store, f, f.ours.empty() ? std::nullopt : std::optional(all),
           MissingList(f.lacking, "no validation accuracy of shutdown and incremental training at the same width"), &c);
  return c;
}

Claim FixedPointClaim(const ArtifactContext& context) {
  Claim c{"fixed-point", "<32,16> fixed point loses no accuracy against floating point",
          "no accuracy drop (Section 5.1; no number printed)",
          "for every network measured, the test accuracy drop of <32,16> fixed point vs float on the same images is "
          "<= 0.1 points at every width measured",
          "", "", "", Verdict::kNotMeasured, "", 0};
  results::MetricFilter filter;
  filter.name = "fixed_point_accuracy_drop_pct";
  std::map<std::string, std::pair<double, int>> worst;  // network -> (largest |drop|, widths)
  Findings f;
  for (const auto& row : context.store.Query(filter)) {
    if (row.metric.key != "format=<32,16>") continue;
    auto& [largest, widths] = worst[row.metric.network];
    largest = std::max(largest, std::abs(row.metric.value));
    ++widths;
    f.runs.insert(row.run_id);
  }
  bool all = true;
  for (const std::string& network : artifacts::InPaperOrder([&] {
         std::vector<std::string> ids;
         for (const auto& [id, w] : worst) ids.push_back(id);
         return ids;
       }())) {
    const auto& [largest, widths] = worst.at(network);
    all = all && largest <= 0.1;
    f.ours.push_back(PaperName(network) + ": at most " + Points(largest) + " drop over " + std::to_string(widths) +
                   " width(s)");
  }
  Conclude(context.store, f, f.ours.empty() ? std::nullopt : std::optional(all),
           f.ours.empty() ? "no metric fixed_point_accuracy_drop_pct (key format=<32,16>): accel_sim's model_on_accel "
                            "tool (bit-accurate <32,16> inference of a trained model against float on the same test "
                            "images)"
                          : "",
           &c);
  return c;
}

}  // namespace

const char* ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kHolds: return "holds";
    case Verdict::kDoesNotHold: return "does not hold";
    case Verdict::kNotMeasured: return "not measured yet";
  }
  return "?";
}

std::vector<Claim> EvaluateClaims(const ArtifactContext& context) {
  return {EnergyClaim(context), IncrementalClaim(context), StorageClaim(context), ShutdownClaim(context),
          FixedPointClaim(context)};
}

}  // namespace rcdnn::analysis
