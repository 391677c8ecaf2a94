// Table 9: accuracy drop and energy savings of the opportunistic scheme
// (Algorithm 3 with the thresholds of Table 7) on the test set, normalised to
// the full golden network. Produced by the runtime-scheme analysis
// (models/runtime), in the paper's setting: thresholds maximising energy
// saving x accuracy, every escalation a fresh forward pass; beside it, the
// thresholds of least energy within a bounded accuracy drop.
#include <map>
#include <set>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis::artifacts {
namespace {

// Savings of the opportunistic scheme on a measured platform (the paper's
// GPU column: its Table 5 costs under the scheme's escalations): the test
// images answered by each increment (answered_by_increment, paper setting),
// each having run increments 1..i as fresh passes, priced at the platform's
// per-increment cost, against running the full network on every image. The
// cost is measured energy where the platform has it, else measured time.
struct PlatformSavings {
  std::optional<double> pct;
  std::string what;  // "energy" or "time"
  std::set<int64_t> run_ids;
};

PlatformSavings SavingsOn(const ArtifactContext& context, const std::string& network, const ModelSet& models,
                          const std::string& scheme_key, const std::string& platform) {
  PlatformSavings result;
  std::map<int, double> answered;  // increment -> images
  results::MetricFilter filter;
  filter.name = "answered_by_increment";
  filter.network = network;
  filter.method = models.Method("opportunistic");
  filter.split = "test";
  for (const results::MetricRow& row : context.store.Query(filter)) {
    if (row.metric.key != scheme_key || !row.metric.increment) continue;
    answered[*row.metric.increment] = row.metric.value;
    result.run_ids.insert(row.run_id);
  }
  // Each increment's width (the runtime analysis records the trained model's).
  std::map<int, std::string> width_of;
  filter = {};
  filter.name = "table7_trained_fraction";
  filter.network = network;
  for (const results::MetricRow& row : context.store.Query(filter)) {
    if (models.Holds(row.metric.method) && row.metric.increment) width_of[*row.metric.increment] = row.metric.width;
  }
  if (answered.empty() || width_of.size() != answered.size()) return result;
  // The timings of the set's own models (<prefix>cpu: the optimum's widths,
  // //artifacts:<net>_table7_platforms) first, then the uniform widths'.
  std::vector<std::string> sources = {models.Method(platform)};
  if (sources.front() != platform) sources.push_back(platform);
  for (const std::string& source : sources) {
    for (const char* what : {"energy", "time"}) {
      std::map<std::string, double> cost;  // width -> per-image cost on the platform
      filter = {};
      filter.name = std::string(what) == "energy" ? "energy_uj" : "time_us";
      filter.network = network;
      filter.method = source;
      std::set<int64_t> cost_runs;
      for (const results::MetricRow& row : context.store.Query(filter)) {
        if (row.metric.key != "total") continue;
        cost[row.metric.width] = row.metric.value;
        cost_runs.insert(row.run_id);
      }
      // The platform must have measured every width the scheme ran.
      bool priced = true;
      for (const auto& [increment, width] : width_of) priced = priced && cost.count(width);
      if (!priced) continue;
      double spent = 0, images = 0, cumulative = 0;
      for (const auto& [increment, count] : answered) {
        cumulative += cost.at(width_of.at(increment));
        spent += count * cumulative;
        images += count;
      }
      if (images <= 0) continue;
      result.pct = 100.0 * (1.0 - spent / (images * cost.at(width_of.rbegin()->second)));
      result.what = what;
      result.run_ids.insert(cost_runs.begin(), cost_runs.end());
      return result;
    }
  }
  return result;
}

// How the thresholds were chosen on the validation set: the paper's
// criterion, then the runtime analysis' alternative, shown beside it because
// the product can favour a large accuracy drop (it weighs a point of saving
// like a point of accuracy).
struct CriterionRow {
  const char* key;    // the runtime analysis' metric key (scheme)
  const char* label;  // the table's "thresholds" column
  bool paper;         // the paper's setting: its values go beside this row
};
const CriterionRow kCriteria[] = {
    {kPaperScheme, "max saving x accuracy (paper)", true},
    {"criterion=max-drop;reuse=no-reuse", "min energy within max drop", false},
};

}  // namespace

ArtifactOutput Table9(const ArtifactContext& context) {
  ArtifactOutput out;
  const Comparison drop{"accuracy drop %", Fixed(2), false}, savings{"energy savings %", Fixed(2), false},
      power_time{"energy savings as P×T %", Fixed(2), false}, gpu{"GPU energy savings %", Fixed(2), false};
  bool gpu_by_time = false;
  Table table{"table9", "Table 9: energy savings and accuracy drop of the dynamic configuration, vs the golden result",
              {"network", "data set", "models", "thresholds", "cost model"}, {}, {}};
  Append(&table.header, drop.Header());
  Append(&table.header, savings.Header());
  Append(&table.header, power_time.Header());
  Append(&table.header, gpu.Header());
  table.header.push_back("CPU savings % (measured)");
  std::vector<std::string> single_increment, untrained_optimum;
  for (const PaperNetwork& network : PaperNetworks()) {
    auto paper = [&](const char* row, const CriterionRow& criterion) -> std::optional<double> {
      const PaperValue* v = criterion.paper ? context.paper.Find("table9", row, network.paper_name) : nullptr;
      return v ? v->number : std::nullopt;
    };
    bool any_set = false, optimum_trained = false;
    for (const ModelSet& models : ModelSets()) {
      const std::string scheme = models.Method("opportunistic");
      const std::string fractions = TrainedFractions(context.store, network.id, models);
      for (const CriterionRow& criterion : kCriteria) {
        const std::optional<double> ours_drop =
            context.store.Value("accuracy_drop_pct", network.id, "", scheme, "test",
                                std::string(criterion.key) + ";vs=golden-full", std::nullopt);
        const std::optional<double> ours_savings =
            context.store.Value("energy_savings_pct", network.id, "", scheme, "test", criterion.key, std::nullopt);
        // The same escalations priced by time: energy as power x time.
        const std::optional<double> ours_time_savings =
            context.store.Value("time_savings_pct", network.id, "", scheme, "test", criterion.key, std::nullopt);
        if (!ours_drop && !ours_savings) continue;
        if (criterion.paper) {
          any_set = true;
          optimum_trained = optimum_trained || &models == &ModelSets().front();
          if (fractions == "1") single_increment.push_back(network.paper_name + " (" + models.label + ")");
        }
        std::set<int64_t> runs;
        std::string cost_model = "";
        results::MetricFilter filter;
        filter.network = network.id;
        filter.method = scheme;
        filter.name = "energy_savings_pct";
        for (const results::MetricRow& row : context.store.Query(filter)) {
          if (row.metric.key == criterion.key && row.metric.split == "test") runs.insert(row.run_id);
        }
        filter.method = "";
        filter.name = "cost_model_is_relative_macs";
        for (const results::MetricRow& row : context.store.Query(filter)) {
          if (runs.count(row.run_id)) {
            cost_model = row.metric.value != 0 ? "relative MACs (no energy model): " + row.metric.key : row.metric.key;
          }
        }
        out.run_ids.insert(runs.begin(), runs.end());
        std::vector<std::string> row = {network.paper_name, DatasetLabel(context.store, runs),
                                        models.label + (fractions.empty() ? "" : " (" + fractions + ")"),
                                        criterion.label, cost_model};
        Append(&row, drop.Cells(paper("Accuracy Drop", criterion), ours_drop));
        Append(&row, savings.Cells(paper("Acc. Energy Savings", criterion), ours_savings));
        Append(&row, power_time.Cells(paper("Acc. Energy Savings", criterion), ours_time_savings));
        const PlatformSavings on_gpu = SavingsOn(context, network.id, models, criterion.key, "gpu");
        const PlatformSavings on_cpu = SavingsOn(context, network.id, models, criterion.key, "cpu");
        gpu_by_time = gpu_by_time || (on_gpu.pct && on_gpu.what == "time");
        for (const PlatformSavings* p : {&on_gpu, &on_cpu}) {
          if (p->pct) out.run_ids.insert(p->run_ids.begin(), p->run_ids.end());
        }
        Append(&row, gpu.Cells(paper("GPU Energy Savings", criterion), on_gpu.pct));
        row.push_back(on_cpu.pct ? FormatNumber(*on_cpu.pct, Fixed(2)) + " (" + on_cpu.what + ")" : "");
        table.rows.push_back(row);
      }
    }
    if (any_set && !optimum_trained) untrained_optimum.push_back(network.paper_name);
    if (!any_set) {
      out.missing.push_back({"no Table 9 results of " + network.paper_name +
                                 " (metrics accuracy_drop_pct, key " + kPaperScheme +
                                 ";vs=golden-full, and energy_savings_pct, key " + kPaperScheme +
                                 "; method opportunistic or table7_opportunistic, split test)",
                             ShardsCommand(network, context.profile) + "; the runtime-scheme analysis (models/runtime `runtime`) is part of it, "
                                 "with the accelerator's cost file from //artifacts:accel_sim"});
      std::vector<std::string> row = {network.paper_name, "", "", kCriteria[0].label, ""};
      Append(&row, drop.Cells(paper("Accuracy Drop", kCriteria[0]), std::nullopt));
      Append(&row, savings.Cells(paper("Acc. Energy Savings", kCriteria[0]), std::nullopt));
      Append(&row, power_time.Cells(paper("Acc. Energy Savings", kCriteria[0]), std::nullopt));
      Append(&row, gpu.Cells(paper("GPU Energy Savings", kCriteria[0]), std::nullopt));
      row.push_back("");
      table.rows.push_back(row);
    }
  }
  table.notes.push_back("Energy savings vs always running the full network; accuracy drop in percentage points vs "
                        "the full golden model. Where the cost model is relative MACs, the savings are savings in "
                        "multiply-accumulates, not accelerator energy.");
  table.notes.push_back("Models: 'Table 7 optimum' = trained (golden initialisation) with the increments our "
                        "Table 7 sweep chose, as the paper's Table 9 is; '4 uniform increments' = the 25/50/75/100% "
                        "models of Figures 9 and 10, for comparison.");
  table.notes.push_back("Thresholds (chosen on the validation set): 'max saving x accuracy (paper)' maximises "
                        "energy saving x accuracy, the paper's setting, and is the row its values sit beside; 'min "
                        "energy within max drop' minimises energy while validation accuracy stays within the "
                        "runtime analysis' --max-accuracy-drop (default 1 point) of the last increment's. The "
                        "product can trade many points of accuracy for a few points of saving; the second row "
                        "shows what a bounded drop costs.");
  table.notes.push_back("Accelerator savings ('energy savings') are of our model's energy, on-chip and DRAM "
                        "(Table 4's E). The paper counts energy as the design's power times time (its Table 4's E "
                        "is 1213.4 mW × T), so its savings are the accelerator's time savings: 'energy savings as "
                        "P×T' prices the same escalations that way (Table 4's 'E as P×T'), and is the column to "
                        "compare with the paper's. The thresholds are those chosen with our energy.");
  table.notes.push_back("Measured platforms (GPU column, CPU column): the test images answered by each increment "
                        "under the row's thresholds, each having run increments 1..i afresh, priced at the "
                        "platform's measured per-increment cost (//artifacts:platforms, or gpu/'s timer), against "
                        "the full network on every image. The cost is measured energy where a counter was readable, "
                        "else measured batch-1 time (marked). The paper's GPU was a Jetson TX1; ours is the machine "
                        "named in the provenance.");
  table.notes.push_back("A Table 7 optimum row is priced with the timings of its own models (methods table7_cpu, "
                        "table7_gpu: //artifacts:<net>_table7_cpu_platforms, _gpu_platforms), else with the 4 "
                        "uniform widths' (method cpu, gpu) where all of its widths are among them. Every timing "
                        "runs alone, after the experiments (artifacts/BUILD, platform_timings).");
  if (!single_increment.empty()) {
    table.notes.push_back("The sweep chose a single increment, the full network, for " + Join(single_increment, ", ") +
                          ": there is nothing to configure at runtime and no saving.");
  }
  if (!untrained_optimum.empty()) {
    table.notes.push_back("No models of the Table 7 optimum in the store for " + Join(untrained_optimum, ", ") +
                          ": their row is the 4 uniform increments (bazel build //artifacts:<net>_shards trains "
                          "both).");
  }
  if (gpu_by_time) table.notes.push_back("The GPU column is time savings: no energy counter was readable.");
  NoteStandIns(&table);
  out.tables.push_back(table);
  return out;
}

}  // namespace rcdnn::analysis::artifacts
