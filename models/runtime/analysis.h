// Everything the `runtime` tool computes, from its inputs to the paper's
// Tables 6-9 and Figures 6, 7 and 11, as text for people and as results-store
// metrics, before anything is written (the main writes the trace file and the
// one store run only after this returns).
#pragma once

#include <string>
#include <vector>

#include "results/store.h"

namespace rcdnn::models::runtime {

struct RuntimeOptions {
  std::string predictions_path;  // evaluate's --predictions CSV (incremental and golden rows)
  std::string spec_path;         // the network spec (models/spec/*.net)
  std::string cost_path;         // optional "increment,energy_uj,time_us"; else relative MACs
  std::string budget_path;       // optional budget schedule for Algorithm 2 (Figure 11)
  std::string thresholds_path;   // optional hand-given thresholds ("increment theta" lines)
  std::vector<std::string> model_paths;  // optional model files for Table 6
  std::string incremental_method;        // "" = incremental_golden_init if present, else incremental
  std::string golden_method = "golden";
  int increments = 0;                    // 0 = all the CSV has
  double max_accuracy_drop = 0.01;       // absolute, for the max-drop threshold criterion
  double min_first_fraction = 0.25;      // Eq. 4 sweep
  double sweep_step = 0.05;              // Eq. 4 sweep fraction grid
  int max_increments = 4;                // Eq. 4 sweep
  std::string sweep_cost = "fraction";   // "fraction" (the paper's Eq. 1) or "relative-macs"
  double threshold_step = 0.01;          // theta grid
  int margin_bins = 20;                  // Figure 7
  double little_fraction = 0;            // Big/Little little width; 0 = increment 1's width
  // Read methods <prefix><incremental/golden method> and write every method
  // with the prefix: "table7_" for the models trained at the Table 7 optimum
  // beside the 4-increment ones (artifacts/defs.bzl).
  std::string method_prefix;
};

struct RuntimeReport {
  std::string network;
  std::string text;                          // the tables, for stdout
  std::vector<results::Metric> metrics;      // for the store
  std::string trace_csv;                     // Figure 11 trace; empty without a budget schedule
  std::string config;                        // canonical config: option values and input checksums
  std::vector<double> optimum_fractions;     // Table 7: the no-reuse sweep's optimum (Eq. 1, the paper's)
  std::string optimum_description;           // where it came from, one line
};

// Throws rcdnn::Error (one line, naming the file/line/parameter) on any bad
// input; nothing is written anywhere.
RuntimeReport RunRuntimeAnalysis(const RuntimeOptions& options);

}  // namespace rcdnn::models::runtime
