// What the artifacts read: the merged results store, with each metric joined
// to the run (and so the provenance) it came from.
//
// Rule for repeated measurements: the store may hold the same metric (same
// name, network, width, method, split, key and increment) from several runs,
// e.g. after shards of two code versions were merged. Query returns the one
// from the run that finished last (ties: the higher run id). The others are
// counted in repeated_agreeing() where they hold the same value (e.g. the
// runtime analysis re-records the accuracies it read from the evaluation)
// and in superseded() where they do not; the report prints both counts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "results/store.h"

namespace rcdnn::analysis {

class StoreView {
 public:
  explicit StoreView(const results::Store& store);

  // Metrics of complete runs matching `filter` (see results::MetricFilter;
  // empty fields match anything), one per identity as described above, in
  // store order.
  std::vector<results::MetricRow> Query(const results::MetricFilter& filter) const;

  // The value of the single metric with exactly these fields, or nothing.
  // `increment` nullopt matches a NULL increment only.
  std::optional<double> Value(const std::string& name, const std::string& network, const std::string& width,
                              const std::string& method, const std::string& split, const std::string& key,
                              std::optional<int> increment) const;

  const results::RunRow& Run(int64_t run_id) const;  // throws for an unknown id
  const std::vector<results::RunRow>& runs() const { return runs_; }
  const std::string& path() const { return path_; }

  // Number of stored metrics (of complete runs) hidden by a later run's
  // measurement of the same metric with a different value.
  int64_t superseded() const { return repeats_.differing; }
  // Number hidden by a later run's record of the same metric and value.
  int64_t repeated_agreeing() const { return repeats_.agreeing; }

  // The profile shared by every run that read a data set; nothing when there
  // is no such run or they differ.
  std::optional<std::string> DataProfile() const;

  // The networks that have at least one metric called `name`.
  std::vector<std::string> NetworksWith(const std::string& name) const;

 private:
  struct Repeats {
    int64_t agreeing = 0, differing = 0;
  };
  std::vector<results::MetricRow> Query(const results::MetricFilter& filter, Repeats* repeats) const;

  const results::Store* store_;
  std::string path_;
  std::vector<results::RunRow> runs_;
  std::map<int64_t, size_t> run_index_;
  Repeats repeats_;
};

// The runs behind a set of metrics, for an artifact's provenance line.
std::set<int64_t> RunIdsOf(const std::vector<results::MetricRow>& rows);

}  // namespace rcdnn::analysis
