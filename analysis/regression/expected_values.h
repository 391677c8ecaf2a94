// CI regression of the smoke profile's numbers: artifacts/expected/smoke.csv
// holds each number with a tolerance band; the check names every number that
// left its band (or disappeared). Rows of a data set that is not available
// on this machine are skipped, and say so.
#pragma once

#include <string>
#include <vector>

#include "results/store.h"

namespace rcdnn::analysis {

struct ExpectedValue {
  std::string dataset, network, name, method, width, split, key;
  int increment = 0;  // 0: none
  double value = 0;
  double tolerance = 0;  // absolute
  int line = 0;
};

// Metric names checked, with their absolute tolerance: tight where the
// computation is deterministic (counts, sizes, MAC ratios), looser where it
// is statistical (accuracies, which move with float rounding across builds).
double DefaultTolerance(const std::string& metric_name);
bool IsRegressionMetric(const std::string& metric_name);

std::vector<ExpectedValue> ReadExpected(const std::string& path);
std::string FormatExpected(const std::vector<ExpectedValue>& values);

// The regression metrics of every complete run in `store`, with default
// tolerances, in a stable order.
std::vector<ExpectedValue> CollectActual(const results::Store& store);

struct Comparison {
  std::vector<std::string> failures;  // one line per number out of its band
  std::vector<std::string> skipped_datasets;
  int checked = 0;
};

// Compares; `available_datasets` lists the data sets the actual runs used.
Comparison Compare(const std::vector<ExpectedValue>& expected, const std::vector<ExpectedValue>& actual);

}  // namespace rcdnn::analysis
