// Table 7: the optimal number of increments and their fractions (the Eq. 1
// sweep of Section 4.2) and the score-margin threshold of each increment,
// chosen on the validation set by maximising energy saving x accuracy.
// Produced by the runtime-scheme analysis (models/runtime).
#include <algorithm>
#include <map>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis::artifacts {
namespace {

// The first metric `name` of (network, method) whose key starts with `key_prefix`, by increment.
std::map<int, double> ByIncrement(const StoreView& store, const std::string& name, const std::string& network,
                                  const std::string& method, const std::string& key_prefix, std::set<int64_t>* runs,
                                  std::string* key_found) {
  results::MetricFilter filter;
  filter.name = name;
  filter.network = network;
  filter.method = method;
  std::map<int, double> values;
  for (const results::MetricRow& row : store.Query(filter)) {
    if (row.metric.key.rfind(key_prefix, 0) != 0) continue;
    if (key_found->empty()) *key_found = row.metric.key;
    if (row.metric.key != *key_found) continue;
    values[row.metric.increment.value_or(0)] = row.metric.value;
    runs->insert(row.run_id);
  }
  return values;
}

}  // namespace

ArtifactOutput Table7(const ArtifactContext& context) {
  ArtifactOutput out;
  const Comparison value{"value", Significant(4), false};
  Table table{"table7", "Table 7: number of increments, fractions of active channels and score-margin thresholds",
              {"network", "data set", "quantity", "ours from"}, {}, {}};
  Append(&table.header, value.Header());
  for (const PaperNetwork& network : PaperNetworks()) {
    std::set<int64_t> runs;
    std::string sweep_key, threshold_key;
    const auto count = ByIncrement(context.store, "table7_num_increments", network.id, "sweep", "reuse=no-reuse",
                                   &runs, &sweep_key);
    const auto fractions = ByIncrement(context.store, "table7_fraction", network.id, "sweep",
                                       sweep_key.empty() ? "reuse=no-reuse" : sweep_key, &runs, &sweep_key);
    // Thresholds belong to trained increments: the Table 7 optimum's when
    // they were trained, as in the paper, else the 4 uniform increments'.
    const ModelSet models = PaperSettingModels(context.store, network.id).value_or(ModelSets().back());
    const auto thresholds = ByIncrement(context.store, "table7_threshold", network.id, models.Method("opportunistic"),
                                        kPaperScheme, &runs, &threshold_key);
    const std::string trained = TrainedFractions(context.store, network.id, models);
    const std::string trained_from =
        trained.empty() ? "trained increments" : "trained increments " + trained + " (" + models.label + ")";
    if (count.empty() && thresholds.empty()) {
      out.missing.push_back({"no Table 7 results of " + network.paper_name +
                                 " (metrics table7_num_increments / table7_fraction, method sweep, key "
                                 "reuse=no-reuse;cost=...; table7_threshold, method opportunistic, key " +
                                 kPaperScheme + ")",
                             ShardsCommand(network, context.profile) + "; the runtime-scheme analysis (models/runtime `runtime`) is part of it"});
    }
    out.run_ids.insert(runs.begin(), runs.end());
    const std::string dataset = DatasetLabel(context.store, runs);
    const PaperValue* paper_count = context.paper.Find("table7", network.paper_name, "Num Incr.");
    std::vector<std::string> row = {network.paper_name, dataset, "Num Incr.", sweep_key.empty() ? "Eq. 1 sweep" : "Eq. 1 sweep (" + sweep_key + ")"};
    Append(&row, value.Cells(paper_count ? paper_count->number : std::nullopt,
                             count.empty() ? std::nullopt : std::optional<double>(count.begin()->second)));
    table.rows.push_back(row);
    int n = paper_count ? static_cast<int>(*paper_count->number) : 0;
    if (!fractions.empty()) n = std::max(n, fractions.rbegin()->first);
    if (!thresholds.empty()) n = std::max(n, thresholds.rbegin()->first);
    for (int i = 1; i <= n; ++i) {
      const std::string name = network.paper_name + " incr " + std::to_string(i);
      for (const char* quantity : {"fraction", "threshold"}) {
        const bool is_fraction = std::string(quantity) == "fraction";
        const auto& ours = is_fraction ? fractions : thresholds;
        const PaperValue* paper = context.paper.Find("table7", name, quantity);
        const auto it = ours.find(i);
        if (!paper && it == ours.end()) continue;
        std::vector<std::string> r = {network.paper_name, dataset, "incr " + std::to_string(i) + " " + quantity,
                                      is_fraction ? "Eq. 1 sweep" : trained_from};
        Append(&r, value.Cells(paper ? paper->number : std::nullopt,
                               it == ours.end() ? std::nullopt : std::optional<double>(it->second)));
        table.rows.push_back(r);
      }
    }
  }
  table.notes.push_back(std::string("Thresholds are those of the paper's setting (") + kPaperScheme +
                        ") and belong to the increments of a trained model: the models trained at the sweep's "
                        "optimum (Table 7 optimum, as the paper does) where they were trained, else the 4 uniform "
                        "increments of Figures 9 and 10.");
  out.tables.push_back(table);
  return out;
}

}  // namespace rcdnn::analysis::artifacts
