// A small results store for the analysis tests: LeNet on the Fashion-MNIST
// stand-in, smoke profile, with the metrics the evaluations write (accuracy,
// relative_macs, margin histograms, storage) for golden models, incremental
// training (plain and golden-init), the budget-matched golden model and
// channel shutdown. The numbers are made up and round, so tests can check
// the artifacts' arithmetic.
#pragma once

#include <string>
#include <vector>

#include "results/store.h"

namespace rcdnn::analysis::testing {

// LeNet's uniform widths at 25/50/75/100% (models/spec/lenet.net).
inline const std::vector<std::string> kLenetWidths = {"5,13,125", "10,25,250", "15,38,375", "20,50,500"};
inline const std::vector<double> kRelativeMacs = {0.1, 0.3, 0.6, 1.0};
inline const std::vector<double> kGoldenVal = {0.80, 0.85, 0.87, 0.88};
inline const std::vector<double> kGoldenTest = {0.79, 0.84, 0.86, 0.875};
inline const std::vector<double> kIncrementalVal = {0.80, 0.82, 0.83, 0.82};
inline const std::vector<double> kGoldenInitVal = {0.80, 0.84, 0.86, 0.87};
inline const std::vector<double> kGoldenInitTest = {0.79, 0.83, 0.85, 0.865};
inline const std::vector<double> kShutdownVal = {0.15, 0.40, 0.70, 0.88};
inline constexpr double kBudgetGoldenVal = 0.885;
// Golden model bytes per width: shared (sliced layers) and head.
inline const std::vector<double> kGoldenShared = {27000, 108000, 243000, 430000};
inline const std::vector<double> kGoldenHead = {5000, 10000, 15000, 20000};
// The incremental models: shared 430000, heads as kGoldenHead. So ours adds
// 30000 / 450000 = 6.67% and Big/Little (32000 + 118000 + 258000) / 450000 = 90.67%.
inline constexpr char kDataset[] = "Fashion-MNIST (stand-in for MNIST)";

// A complete RunInfo (profile smoke, the stand-in data set) for `target`.
results::RunInfo TestRun(const std::string& target, const std::string& profile = "smoke");

// Writes the three evaluation runs (golden, incremental, shutdown) into the
// store at `path` (created when absent).
void WriteLenetStore(const std::string& path, const std::string& profile = "smoke");

// A fresh path under $TEST_TMPDIR (or /tmp) with nothing there yet.
std::string FreshPath(const std::string& name);

// A new empty folder under $TEST_TMPDIR (or /tmp).
std::string TempDir(const std::string& name);

}  // namespace rcdnn::analysis::testing
