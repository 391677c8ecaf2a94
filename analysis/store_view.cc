#include "analysis/store_view.h"

#include <algorithm>
#include <tuple>

#include "common/error.h"

namespace rcdnn::analysis {

StoreView::StoreView(const results::Store& store) : store_(&store), path_(store.path()), runs_(store.ListRuns()) {
  for (size_t i = 0; i < runs_.size(); ++i) run_index_[runs_[i].id] = i;
  Query(results::MetricFilter{}, &repeats_);
}

const results::RunRow& StoreView::Run(int64_t run_id) const {
  const auto it = run_index_.find(run_id);
  if (it == run_index_.end()) throw Error("results store " + path_ + " has no run " + std::to_string(run_id));
  return runs_[it->second];
}

std::vector<results::MetricRow> StoreView::Query(const results::MetricFilter& filter) const {
  return Query(filter, nullptr);
}

std::vector<results::MetricRow> StoreView::Query(const results::MetricFilter& filter, Repeats* repeats) const {
  using Identity = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string, int>;
  std::vector<results::MetricRow> rows;
  std::map<Identity, size_t> where;
  for (results::MetricRow& row : store_->QueryMetrics(filter)) {
    const results::RunRow& run = Run(row.run_id);
    if (run.status != results::RunStatus::kComplete) continue;
    const results::Metric& m = row.metric;
    const Identity id{m.name, m.network, m.width, m.method, m.split, m.key, m.increment.value_or(-1)};
    const auto it = where.find(id);
    if (it == where.end()) {
      where[id] = rows.size();
      rows.push_back(std::move(row));
      continue;
    }
    const results::RunRow& kept = Run(rows[it->second].run_id);
    if (repeats != nullptr) ++(row.metric.value == rows[it->second].metric.value ? repeats->agreeing : repeats->differing);
    if (std::make_pair(run.info.finished_at, run.id) > std::make_pair(kept.info.finished_at, kept.id)) {
      rows[it->second] = std::move(row);
    }
  }
  return rows;
}

std::optional<double> StoreView::Value(const std::string& name, const std::string& network, const std::string& width,
                                       const std::string& method, const std::string& split, const std::string& key,
                                       std::optional<int> increment) const {
  results::MetricFilter filter;
  filter.name = name;
  filter.network = network;
  filter.method = method;
  filter.split = split;
  for (const results::MetricRow& row : Query(filter)) {
    const results::Metric& m = row.metric;
    if (m.width == width && m.split == split && m.key == key && m.increment == increment) return m.value;
  }
  return std::nullopt;
}

std::optional<std::string> StoreView::DataProfile() const {
  std::optional<std::string> profile;
  for (const results::RunRow& run : runs_) {
    if (run.info.dataset_sha256.empty()) continue;  // a simulation of shapes is the same at any profile
    if (profile && *profile != run.info.profile) return std::nullopt;
    profile = run.info.profile;
  }
  return profile;
}

std::vector<std::string> StoreView::NetworksWith(const std::string& name) const {
  results::MetricFilter filter;
  filter.name = name;
  std::vector<std::string> networks;
  for (const results::MetricRow& row : Query(filter)) {
    if (std::find(networks.begin(), networks.end(), row.metric.network) == networks.end()) {
      networks.push_back(row.metric.network);
    }
  }
  return networks;
}

std::set<int64_t> RunIdsOf(const std::vector<results::MetricRow>& rows) {
  std::set<int64_t> ids;
  for (const results::MetricRow& row : rows) ids.insert(row.run_id);
  return ids;
}

}  // namespace rcdnn::analysis
