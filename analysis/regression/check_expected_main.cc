// Compares the smoke pipeline's numbers (result shards) with
// artifacts/expected/smoke.csv, or, with --update, rewrites that file and
// prints the diff. The test //artifacts:smoke_regression_test runs the check;
// `bazel run //artifacts:update_expected` updates.
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analysis/regression/expected_values.h"
#include "common/cli.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace po = boost::program_options;
using namespace rcdnn;

namespace {

// Returns the exit status: 0 when every number is in its band (or after an update).
int Check(const std::string& expected_path, const std::string& merged_path, const std::vector<std::string>& shards,
          bool update) {
  std::remove(merged_path.c_str());
  results::Store store = results::Store::Open(merged_path);
  for (const std::string& shard : shards) {
    if (shard.size() > 3 && shard.substr(shard.size() - 3) == ".db") store.MergeFrom(shard);
  }
  const auto actual = analysis::CollectActual(store);
  if (update) {
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    const std::string target = workspace ? std::string(workspace) + "/" + expected_path : expected_path;
    const std::string old_text = [&] {
      try {
        return ReadFileToString(target);
      } catch (const Error&) {
        return std::string();
      }
    }();
    WriteFileAtomically(target, analysis::FormatExpected(actual));
    std::printf("check_expected: wrote %zu expected values to %s\n", actual.size(), target.c_str());
    const std::string diff = "cd \"$(dirname '" + target + "')\" && git diff --stat -- '" + target +
                             "' && git diff --no-color -U0 -- '" + target + "' | head -n 200";
    if (!old_text.empty() && std::system(diff.c_str()) != 0) std::printf("(git diff unavailable)\n");
    return 0;
  }
  const auto comparison = analysis::Compare(analysis::ReadExpected(expected_path), actual);
  for (const std::string& dataset : comparison.skipped_datasets) {
    std::printf("check_expected: skipped the rows of data set '%s' (not used on this machine)\n", dataset.c_str());
  }
  for (const std::string& failure : comparison.failures) std::printf("check_expected: %s\n", failure.c_str());
  std::printf("check_expected: %d numbers checked, %zu out of band\n", comparison.checked, comparison.failures.size());
  if (comparison.checked == 0) {
    if (!comparison.skipped_datasets.empty()) {
      // A machine without the data sets the expectations were made on
      // (e.g. Fashion-MNIST only): nothing to compare, which is not a drift.
      std::printf("check_expected: no expected values for the data sets used here; to guard them, run "
                  "`bazel run //artifacts:update_expected` and commit artifacts/expected/smoke.csv\n");
      return 0;
    }
    std::printf("check_expected: nothing was checked: run `bazel run //artifacts:update_expected`\n");
    return 1;
  }
  return comparison.failures.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string expected_path, merged_path;
  std::vector<std::string> shards;
  bool update = false;
  po::options_description flags;
  flags.add_options()
      ("expected", po::value(&expected_path)->required(), "expected values CSV (artifacts/expected/smoke.csv)")
      ("shards", po::value(&shards)->required()->multitoken(), "result shards (.db) of the smoke pipeline")
      ("merged", po::value(&merged_path)->required(), "scratch results store to merge the shards into")
      ("update", po::bool_switch(&update), "rewrite the expected file from the shards and print the diff");
  const int parsed =
      cli::ParseFlags(argc, argv, "check_expected", "Checks smoke-profile numbers against their expected bands", flags);
  if (parsed >= 0) return parsed;
  int status = 0;
  const int failed = cli::RunMain("check_expected", [&] { status = Check(expected_path, merged_path, shards, update); });
  return failed != 0 ? failed : status;
}
