// Table 6: additional storage, normalised to the original (full) network,
// of our scheme (one shared set of weights plus a classifier head per
// increment) and of Big/Little (a separate golden model per smaller width).
// Computed from the `storage_bytes` metrics the evaluations write for every
// model file: key "shared" (the sliced layers' weights) and key "head"
// (one classifier per increment).
#include <algorithm>
#include <map>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis::artifacts {
namespace {

struct ModelStorage {
  double shared = 0;
  std::map<int, double> heads;  // increment -> bytes
  int64_t run_id = 0;
  double Total() const { return shared + (heads.empty() ? 0 : heads.rbegin()->second); }
};

// Storage of every model of `method` of `network`, by the model's full
// width, smallest model first.
std::vector<std::pair<std::string, ModelStorage>> Storage(const StoreView& store, const std::string& network,
                                            const std::string& method) {
  results::MetricFilter filter;
  filter.name = "storage_bytes";
  filter.network = network;
  filter.method = method;
  std::map<std::string, ModelStorage> models;
  const auto rows = store.Query(filter);
  for (const results::MetricRow& row : rows) {
    if (row.metric.key != "shared") continue;
    models[row.metric.width].shared = row.metric.value;
    models[row.metric.width].run_id = row.run_id;
  }
  // A head's width is its increment's width; it belongs to the model of the
  // same run whose full width is the widest at or above it. Our evaluations
  // store one model per (run, method) for incremental methods, so heads are
  // matched by run.
  for (const results::MetricRow& row : rows) {
    if (row.metric.key != "head" || !row.metric.increment) continue;
    for (auto& [width, model] : models) {
      if (model.run_id == row.run_id && (method != "golden" || width == row.metric.width)) {
        model.heads[*row.metric.increment] = row.metric.value;
      }
    }
  }
  std::vector<std::pair<std::string, ModelStorage>> sorted(models.begin(), models.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second.Total() < b.second.Total(); });
  return sorted;
}

}  // namespace

StorageOverhead ComputeStorageOverhead(const StoreView& store, const std::string& network) {
  StorageOverhead result;
  result.method = "incremental_golden_init";
  auto incremental = Storage(store, network, result.method);
  if (incremental.empty()) {
    result.method = "incremental";
    incremental = Storage(store, network, result.method);
  }
  if (!incremental.empty()) {
    const ModelStorage& model = incremental.back().second;
    result.run_ids.insert(model.run_id);
    double extra = 0;
    for (const auto& [increment, bytes] : model.heads) {
      if (increment != model.heads.rbegin()->first) extra += bytes;
    }
    result.ours_extra_bytes = extra;
    result.ours_reference_bytes = model.Total();
    result.ours_heads = static_cast<int>(model.heads.size());
  }
  const auto golden = Storage(store, network, "golden");
  if (golden.size() >= 2) {
    // The widest golden model is the original network; Big/Little stores the others too.
    const ModelStorage& full = golden.back().second;
    double extra = 0;
    for (auto it = golden.begin(); it != std::prev(golden.end()); ++it) {
      extra += it->second.Total();
      result.big_little_widths += (result.big_little_widths.empty() ? "" : " + ") + it->first;
      result.run_ids.insert(it->second.run_id);
    }
    result.run_ids.insert(full.run_id);
    result.big_little_extra_bytes = extra;
    result.big_little_reference_bytes = full.Total();
  }
  return result;
}

ArtifactOutput Table6(const ArtifactContext& context) {
  ArtifactOutput out;
  const Comparison overhead{"extra storage %", Fixed(2), true};
  Table table{"table6", "Table 6: additional storage normalised to the original network",
              {"network", "data set", "scheme", "what is stored", "extra bytes", "original network bytes"}, {}, {}};
  Append(&table.header, overhead.Header());
  for (const PaperNetwork& network : PaperNetworks()) {
    const StorageOverhead storage = ComputeStorageOverhead(context.store, network.id);
    out.run_ids.insert(storage.run_ids.begin(), storage.run_ids.end());
    const std::string dataset = DatasetLabel(context.store, storage.run_ids);
    if (storage.ours_reference_bytes > 0) {
      std::vector<std::string> row = {network.paper_name, dataset, "Ours (" + storage.method + ")",
                                      "shared weights + " + std::to_string(storage.ours_heads) + " classifier heads",
                                      FormatNumber(storage.ours_extra_bytes, Significant(12)),
                                      FormatNumber(storage.ours_reference_bytes, Significant(12))};
      const PaperValue* paper = context.paper.Find("table6", "Ours", network.paper_name);
      Append(&row, overhead.Cells(paper ? paper->number : std::nullopt, storage.OursPct()));
      table.rows.push_back(row);
    } else {
      out.missing.push_back(MissingShards(context, network.id, "no storage_bytes (keys shared/head) of an incremental model of " +
                                                          network.paper_name));
    }
    if (storage.big_little_reference_bytes > 0) {
      std::vector<std::string> row = {network.paper_name, dataset, "Big/Little",
                                      "golden models " + storage.big_little_widths,
                                      FormatNumber(storage.big_little_extra_bytes, Significant(12)),
                                      FormatNumber(storage.big_little_reference_bytes, Significant(12))};
      const PaperValue* paper = context.paper.Find("table6", "Big/Little", network.paper_name);
      Append(&row, overhead.Cells(paper ? paper->number : std::nullopt, storage.BigLittlePct()));
      table.rows.push_back(row);
    } else {
      out.missing.push_back(MissingShards(context, network.id, "fewer than two golden models' storage_bytes of " +
                                                          network.paper_name));
    }
  }
  table.notes.push_back("Bytes are the model files' weight storage (float32). Ours: the classifier heads of the "
                        "increments before the last are the extra storage. Big/Little here stores the golden model of "
                        "every smaller width we trained (4 increments: 25/50/75%), while the paper's Big/Little row "
                        "follows its own increments, so the widths behind the two numbers may differ.");
  NoteStandIns(&table);
  if (!table.rows.empty()) out.tables.push_back(table);
  return out;
}

}  // namespace rcdnn::analysis::artifacts
