// What `bazel run //results:inspect` prints: a store's runs and metrics as
// aligned text or CSV.
#pragma once

#include <string>

#include "results/store.h"

namespace rcdnn::results {

struct InspectOptions {
  std::string db_path;
  bool runs = false;     // list runs
  bool metrics = false;  // list metrics (filtered by `filter`)
  bool csv = false;      // CSV instead of aligned text; needs exactly one table
  MetricFilter filter;
};

// With neither runs nor metrics set: both tables, or only the metrics when a
// filter is set. Opens the store read-only; throws rcdnn::Error when it
// cannot, or when csv is asked for with both tables.
std::string Inspect(const InspectOptions& options);

}  // namespace rcdnn::results
