#include "results/inspect.h"

#include "common/error.h"
#include "results/table_format.h"

namespace rcdnn::results {
namespace {

bool HasFilter(const MetricFilter& filter) {
  return filter.run_id || !filter.name.empty() || !filter.network.empty() ||
         !filter.method.empty() || !filter.split.empty();
}

TextTable RunsTable(const std::vector<RunRow>& runs) {
  TextTable table;
  table.header = {"id",     "target",  "profile",      "dataset", "seed",
                  "status", "started", "code_version", "error"};
  for (const RunRow& run : runs) {
    const RunInfo& info = run.info;
    table.rows.push_back({std::to_string(run.id), info.target, info.profile,
                          info.dataset_display_name.empty() ? info.dataset_name
                                                            : info.dataset_display_name,
                          std::to_string(info.seed), ToString(run.status), info.started_at,
                          info.code_version, run.error});
  }
  return table;
}

TextTable MetricsTable(const std::vector<MetricRow>& metrics) {
  TextTable table;
  table.header = {"run",    "name",  "network", "width", "increment",
                  "method", "split", "key",     "value", "unit"};
  for (const MetricRow& row : metrics) {
    const Metric& m = row.metric;
    table.rows.push_back({std::to_string(row.run_id), m.name, m.network, m.width,
                          m.increment ? std::to_string(*m.increment) : "", m.method, m.split,
                          m.key, FormatDouble(m.value), m.unit});
  }
  return table;
}

}  // namespace

std::string Inspect(const InspectOptions& options) {
  bool runs = options.runs;
  bool metrics = options.metrics;
  if (!runs && !metrics) {
    metrics = true;
    runs = !HasFilter(options.filter);
  }
  if (options.csv && runs && metrics) {
    throw Error("--csv prints one table: add --runs or --metrics");
  }
  const Store store = Store::OpenReadOnly(options.db_path);
  std::string out;
  if (runs) {
    const TextTable table = RunsTable(store.ListRuns());
    out += options.csv ? FormatCsv(table)
                       : "runs (" + std::to_string(table.rows.size()) + ")\n" +
                             FormatAligned(table);
  }
  if (metrics) {
    const TextTable table = MetricsTable(store.QueryMetrics(options.filter));
    if (!options.csv && runs) out += "\n";
    out += options.csv ? FormatCsv(table)
                       : "metrics (" + std::to_string(table.rows.size()) + ")\n" +
                             FormatAligned(table);
  }
  return out;
}

}  // namespace rcdnn::results
