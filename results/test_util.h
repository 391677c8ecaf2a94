// Helpers shared by the results tests: fresh paths, a sample run, and the
// message of an expected rcdnn::Error.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/error.h"
#include "results/provenance.h"
#include "results/store.h"

namespace rcdnn::results::testing {

// A path under the test's temporary directory with no database (nor WAL or
// shared-memory file) there yet.
inline std::string FreshPath(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp ? tmp : "/tmp") + "/" + name;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::remove((path + suffix).c_str());
  }
  return path;
}

inline RunInfo SampleRun(const std::string& target, const std::string& config_json = "{}") {
  RunInfo info = CurrentMachineInfo();
  info.target = target;
  info.profile = "smoke";
  info.build_flags = "-O2";
  info.dataset_name = "fashion-mnist";
  info.dataset_display_name = "Fashion-MNIST (stand-in for MNIST)";
  info.dataset_sha256 = std::string(64, 'a');
  info.seed = 7;
  info.threads = 4;
  info.config_json = config_json;
  info.run_key = RunKey(info.code_version, target, config_json);
  return info;
}

inline std::vector<Metric> SampleMetrics(int count, const std::string& network = "lenet") {
  std::vector<Metric> metrics;
  for (int i = 0; i < count; ++i) {
    Metric metric;
    metric.name = "accuracy";
    metric.network = network;
    metric.width = std::to_string(0.25 * (i % 4 + 1)).substr(0, 4);
    metric.method = "incremental";
    metric.split = "test";
    metric.increment = i % 4 + 1;
    metric.value = 90.0 + 0.001 * i;
    metric.unit = "%";
    metrics.push_back(metric);
  }
  return metrics;
}

// Runs f, which must throw rcdnn::Error, and returns its message.
template <typename F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an rcdnn::Error";
  return "";
}

}  // namespace rcdnn::results::testing
