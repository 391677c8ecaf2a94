// Table 9: accuracy drop and energy savings of the opportunistic scheme
// (Algorithm 3 with the thresholds of Table 7) on the test set, normalised to
// the full golden network. Produced by the runtime-scheme analysis
// (models/runtime), in the paper's setting: thresholds maximising energy
// saving x accuracy, every escalation a fresh forward pass.
#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Table9(const ArtifactContext& context) {
  ArtifactOutput out;
  const Comparison drop{"accuracy drop %", Fixed(2), false}, savings{"energy savings %", Fixed(2), false},
      gpu{"GPU energy savings %", Fixed(2), false};
  Table table{"table9", "Table 9: energy savings and accuracy drop of the dynamic configuration, vs the golden result",
              {"network", "data set", "cost model"}, {}, {}};
  Append(&table.header, drop.Header());
  Append(&table.header, savings.Header());
  Append(&table.header, gpu.Header());
  for (const PaperNetwork& network : PaperNetworks()) {
    const std::optional<double> ours_drop =
        context.store.Value("accuracy_drop_pct", network.id, "", "opportunistic", "test",
                            std::string(kPaperScheme) + ";vs=golden-full", std::nullopt);
    const std::optional<double> ours_savings = context.store.Value("energy_savings_pct", network.id, "",
                                                                   "opportunistic", "test", kPaperScheme, std::nullopt);
    std::set<int64_t> runs;
    std::string cost_model = "";
    results::MetricFilter filter;
    filter.network = network.id;
    filter.method = "opportunistic";
    filter.name = "energy_savings_pct";
    for (const results::MetricRow& row : context.store.Query(filter)) {
      if (row.metric.key == kPaperScheme && row.metric.split == "test") runs.insert(row.run_id);
    }
    filter.method = "";
    filter.name = "cost_model_is_relative_macs";
    for (const results::MetricRow& row : context.store.Query(filter)) {
      if (runs.count(row.run_id)) {
        cost_model = row.metric.value != 0 ? "relative MACs (no energy model): " + row.metric.key : row.metric.key;
      }
    }
    if (!ours_drop && !ours_savings) {
      out.missing.push_back({"no Table 9 results of " + network.paper_name +
                                 " (metrics accuracy_drop_pct, key " + kPaperScheme +
                                 ";vs=golden-full, and energy_savings_pct, key " + kPaperScheme +
                                 "; method opportunistic, split test)",
                             ShardsCommand(network) + "; the runtime-scheme analysis (models/runtime `runtime`) is part of it, "
                                 "with the accelerator's cost file from //artifacts:accel_sim"});
    }
    out.run_ids.insert(runs.begin(), runs.end());
    auto paper = [&](const char* row) -> std::optional<double> {
      const PaperValue* v = context.paper.Find("table9", row, network.paper_name);
      return v ? v->number : std::nullopt;
    };
    std::vector<std::string> row = {network.paper_name, DatasetLabel(context.store, runs), cost_model};
    Append(&row, drop.Cells(paper("Accuracy Drop"), ours_drop));
    Append(&row, savings.Cells(paper("Acc. Energy Savings"), ours_savings));
    Append(&row, gpu.Cells(paper("GPU Energy Savings"), std::nullopt));
    table.rows.push_back(row);
  }
  table.notes.push_back("Energy savings vs always running the full network; accuracy drop in percentage points vs "
                        "the full golden model. Where the cost model is relative MACs, the savings are savings in "
                        "multiply-accumulates, not accelerator energy. The GPU row is not measured here.");
  NoteStandIns(&table);
  out.tables.push_back(table);
  return out;
}

}  // namespace rcdnn::analysis::artifacts
