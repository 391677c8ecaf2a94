#include "analysis/test_store.h"

#include <cstdio>
#include <cstdlib>

#include "common/error.h"
#include "results/provenance.h"

namespace rcdnn::analysis::testing {
namespace {

results::Metric M(const std::string& name, const std::string& width, const std::string& method,
                  const std::string& split, const std::string& key, std::optional<int> increment, double value,
                  const std::string& unit = "") {
  return {name, "lenet", width, method, split, key, increment, value, unit};
}

// accuracy + relative_macs of one width.
void AddPoint(std::vector<results::Metric>* m, const std::string& method, const std::string& split, size_t w,
              std::optional<int> increment, double accuracy) {
  m->push_back(M("accuracy", kLenetWidths[w], method, split, "", increment, accuracy));
  m->push_back(M("relative_macs", kLenetWidths[w], method, split, "", increment, kRelativeMacs[w]));
  m->push_back(M("images", kLenetWidths[w], method, split, "", increment, 200));
}

}  // namespace

results::RunInfo TestRun(const std::string& target, const std::string& profile) {
  results::RunInfo info = results::CurrentMachineInfo();
  info.target = target;
  info.profile = profile;
  info.build_flags = "test";
  info.dataset_name = "fashion-mnist";
  info.dataset_display_name = kDataset;
  info.dataset_sha256 = std::string(64, 'f');
  info.seed = 1;
  info.threads = 2;
  info.config_json = "target=" + target + "\nprofile=" + profile + "\n";
  info.run_key = results::RunKey(info.code_version, target, info.config_json);
  return info;
}

void WriteLenetStore(const std::string& path, const std::string& profile) {
  results::Store store = results::Store::Open(path);
  std::vector<results::Metric> golden;
  for (size_t w = 0; w < 4; ++w) {
    AddPoint(&golden, "golden", "val", w, 1, kGoldenVal[w]);
    AddPoint(&golden, "golden", "test", w, 1, kGoldenTest[w]);
    golden.push_back(M("storage_bytes", kLenetWidths[w], "golden", "", "shared", std::nullopt, kGoldenShared[w], "bytes"));
    golden.push_back(M("storage_bytes", kLenetWidths[w], "golden", "", "head", 1, kGoldenHead[w], "bytes"));
    // Margins: the wider the network, the more correct images with large margins.
    for (int b = 0; b < 20; ++b) {
      char key[32];
      std::snprintf(key, sizeof(key), "bin=%.4g", b / 20.0);
      golden.push_back(M("margin_hist_correct", kLenetWidths[w], "golden", "val", key, 1, 2.0 + b * (w + 1), "images"));
      golden.push_back(M("margin_hist_wrong", kLenetWidths[w], "golden", "val", key, 1, 20.0 - b, "images"));
    }
  }
  store.WriteRun(TestRun("//artifacts:lenet_eval_golden", profile), golden, {});

  std::vector<results::Metric> incremental;
  for (int i = 0; i < 4; ++i) {
    AddPoint(&incremental, "incremental", "val", i, i + 1, kIncrementalVal[i]);
    AddPoint(&incremental, "incremental_golden_init", "val", i, i + 1, kGoldenInitVal[i]);
    AddPoint(&incremental, "incremental_golden_init", "test", i, i + 1, kGoldenInitTest[i]);
    for (const char* method : {"incremental", "incremental_golden_init"}) {
      incremental.push_back(M("storage_bytes", kLenetWidths[i], method, "", "head", i + 1, kGoldenHead[i], "bytes"));
    }
  }
  for (const char* method : {"incremental", "incremental_golden_init"}) {
    incremental.push_back(M("storage_bytes", kLenetWidths[3], method, "", "shared", std::nullopt, kGoldenShared[3], "bytes"));
  }
  AddPoint(&incremental, "budget_golden", "val", 3, 1, kBudgetGoldenVal);
  store.WriteRun(TestRun("//artifacts:lenet_eval_incremental", profile), incremental, {});

  std::vector<results::Metric> shutdown;
  for (size_t w = 0; w < 4; ++w) AddPoint(&shutdown, "shutdown", "val", w, std::nullopt, kShutdownVal[w]);
  store.WriteRun(TestRun("//artifacts:lenet_eval_shutdown", profile), shutdown, {});
}

std::string FreshPath(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/" + name;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
  return path;
}

std::string TempDir(const std::string& name) {
  const std::string path = FreshPath(name);
  const std::string command = "rm -rf '" + path + "' && mkdir -p '" + path + "'";
  if (std::system(command.c_str()) != 0) throw Error("cannot create " + path);
  return path;
}

}  // namespace rcdnn::analysis::testing
