// The gpu_platforms binary end to end: without a usable device it says why,
// exits 0 and stores nothing; with one, a tiny run lands in the store with
// method "gpu". Bad command lines fail with one line either way.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "gpu/device_net.h"
#include "results/store.h"

namespace {

struct Result {
  int status = -1;
  std::string output;
};

Result RunBinary(const std::string& args) {
  const std::string binary =
      std::string(std::getenv("TEST_SRCDIR")) + "/" + std::getenv("TEST_WORKSPACE") + "/gpu/gpu_platforms";
  Result result;
  FILE* pipe = popen((binary + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TEST(GpuPlatformsMainTest, MeasuresOnADeviceOrSaysWhyNot) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string db = std::string(tmp ? tmp : "/tmp") + "/gpu_platforms.db";
  std::remove(db.c_str());
  const Result result = RunBinary(
      "--repetitions 3 --batch-repetitions 2 --warmup 1 --batch 4 --energy-seconds 0.01 --db " + db);
  ASSERT_EQ(result.status, 0) << result.output;
  const rcdnn::gpu::DeviceInfo device = rcdnn::gpu::QueryDevice();
  if (!device.usable) {
    EXPECT_EQ(result.output,
              "gpu_platforms: no usable CUDA device (" + device.reason + "); nothing measured, nothing stored.\n");
    EXPECT_FALSE(std::filesystem::exists(db));
    // A build action needs its output: then --db is a store with no runs.
    const Result action = RunBinary("--repetitions 3 --empty-db-without-device --db " + db);
    ASSERT_EQ(action.status, 0) << action.output;
    EXPECT_EQ(action.output, "gpu_platforms: no usable CUDA device (" + device.reason +
                                 "); nothing measured, nothing stored (" + db + " is a store with no runs).\n");
    EXPECT_TRUE(rcdnn::results::Store::OpenReadOnly(db).ListRuns().empty());
    return;
  }
  EXPECT_NE(result.output.find("gpu_model: " + device.name), std::string::npos) << result.output;
  rcdnn::results::MetricFilter filter;
  filter.method = "gpu";
  std::map<std::string, int> count;
  for (const auto& row : rcdnn::results::Store::OpenReadOnly(db).QueryMetrics(filter)) ++count[row.metric.name];
  EXPECT_EQ(count["latency_us"], 3 * 4 * 6);
  EXPECT_EQ(count["relative_macs"], 3 * 4);
  EXPECT_EQ(count["time_us"], 3 * 4 * 2);
}

TEST(GpuPlatformsMainTest, BadCommandLinesFailWithOneLine) {
  Result result = RunBinary("--threads 2");  // the GPU tool has no --threads
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.output.find("gpu_platforms: unrecognised option '--threads'"), std::string::npos) << result.output;
  result = RunBinary("--repetitions 0");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.output, "gpu_platforms: repetitions must be >= 1 (got 0)\n");
}

}  // namespace
