// End to end: the `platforms` binary with tiny repetitions writes its run
// into a results store; bad command lines fail with one line.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "benchmarks/fake_rapl_zone.h"
#include "results/store.h"

namespace {

struct Result {
  int status = -1;
  std::string output;  // stdout and stderr
};

std::string Binary() {
  return std::string(std::getenv("TEST_SRCDIR")) + "/" + std::getenv("TEST_WORKSPACE") + "/benchmarks/platforms";
}

std::string Temp(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return std::string(tmp ? tmp : "/tmp") + "/" + name;
}

Result RunTool(const std::string& args) {
  Result result;
  FILE* pipe = popen((Binary() + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

const char kTiny[] = " --repetitions 2 --batch-repetitions 2 --warmup 0 --batch 2 --threads 2";

TEST(PlatformsMainTest, WritesTheRunWithoutEnergyWhenRaplIsAbsent) {
  const std::string db = Temp("platforms_no_rapl.db");
  std::remove(db.c_str());
  const Result result = RunTool(std::string(kTiny) + " --energy-seconds 0.001 --powercap-root " + Temp("absent") + " --db " + db);
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("energy: NOT MEASURED (no RAPL package zones under"), std::string::npos)
      << result.output;
  for (const char* network : {"lenet", "convnets", "alexnet"}) {
    EXPECT_NE(result.output.find(std::string("\n") + network + " — weights: random"), std::string::npos) << network;
  }

  const rcdnn::results::Store store = rcdnn::results::Store::OpenReadOnly(db);
  const std::vector<rcdnn::results::RunRow> runs = store.ListRuns();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].info.target, "//benchmarks:platforms");
  EXPECT_EQ(runs[0].info.threads, 2);
  EXPECT_NE(runs[0].info.config_json.find("\"platform.cpu_model\""), std::string::npos);
  EXPECT_NE(runs[0].info.config_json.find("\"platform.kernel\":\"Linux "), std::string::npos);
  EXPECT_NE(runs[0].info.machine.find("logical cores"), std::string::npos);

  rcdnn::results::MetricFilter filter;
  filter.method = "cpu";
  const auto metrics = store.QueryMetrics(filter);
  std::map<std::string, int> count;
  std::set<std::string> lenet_widths;
  for (const auto& row : metrics) {
    ++count[row.metric.name];
    if (row.metric.network == "lenet") lenet_widths.insert(row.metric.width);
    ASSERT_TRUE(row.metric.increment.has_value());
    EXPECT_GE(*row.metric.increment, 1);
    EXPECT_LE(*row.metric.increment, 4);
  }
  // 3 networks x 4 increments; latency: 3 stats x 2 batch sizes.
  EXPECT_EQ(count["latency_us"], 12 * 6);
  EXPECT_EQ(count["relative_latency"], 12 * 2);
  EXPECT_EQ(count["relative_macs"], 12);
  EXPECT_EQ(count["time_us"], 12 * 2);
  EXPECT_EQ(count.count("energy_uj"), 0u);
  EXPECT_EQ(lenet_widths, (std::set<std::string>{"5,13,125", "10,25,250", "15,38,375", "20,50,500"}));
}

TEST(PlatformsMainTest, WritesEnergyWhenACounterIsReadable) {
  const std::string root = Temp("fake_powercap");
  rcdnn::benchmarks::FakeRaplZone zone(root, 1000);
  zone.StartAdvancing();
  const std::string db = Temp("platforms_rapl.db");
  std::remove(db.c_str());
  const Result result = RunTool(std::string(kTiny) + " --energy-seconds 0.1 --specs models/spec/lenet.net" +
                                " --powercap-root " + root + " --db " + db);
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("energy: RAPL package-0 (intel-rapl:0)"), std::string::npos) << result.output;
  rcdnn::results::MetricFilter filter;
  filter.name = "energy_uj";
  EXPECT_EQ(rcdnn::results::Store::OpenReadOnly(db).QueryMetrics(filter).size(), 4u);
}

// Table 9 reads the Table 7 optimum's timings apart from Table 5's uniform
// widths: --method-prefix marks every stored metric (and the run's config).
TEST(PlatformsMainTest, MethodPrefixMarksEveryStoredMetric) {
  const std::string db = Temp("platforms_prefix.db");
  std::remove(db.c_str());
  const Result result = RunTool(std::string(kTiny) + " --energy-seconds 0 --specs models/spec/lenet.net" +
                                " --fractions 0.25,1 --method-prefix table7_ --db " + db);
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("Platform (cpu, stored as table7_cpu)"), std::string::npos) << result.output;
  const rcdnn::results::Store store = rcdnn::results::Store::OpenReadOnly(db);
  ASSERT_EQ(store.ListRuns().size(), 1u);
  EXPECT_NE(store.ListRuns()[0].info.config_json.find("\"method\":\"table7_cpu\""), std::string::npos);
  std::set<std::string> methods, widths;
  for (const auto& row : store.QueryMetrics({})) {
    methods.insert(row.metric.method);
    widths.insert(row.metric.width);
  }
  EXPECT_EQ(methods, (std::set<std::string>{"table7_cpu"}));
  EXPECT_EQ(widths, (std::set<std::string>{"5,13,125", "20,50,500"}));
}

TEST(PlatformsMainTest, BadCommandLinesFailWithOneLine) {
  Result result = RunTool("--no-such-flag");
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.output.find("platforms: unrecognised option '--no-such-flag' (see --help)"), std::string::npos)
      << result.output;
  result = RunTool("--specs models/spec/lenet.net models/spec/alexnet.net");  // a stray word is not ignored
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_NE(result.output.find("too many positional options"), std::string::npos) << result.output;
  result = RunTool("--thread 2");  // abbreviations are not guessed
  EXPECT_EQ(result.status, 2) << result.output;
  result = RunTool("--threads 0");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.output, "platforms: threads must be >= 1 (got 0)\n");
  result = RunTool("--fractions 0.5,0.25");
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.output.find("must ascend"), std::string::npos) << result.output;
  result = RunTool("--models /nonexistent.model");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  result = RunTool("--help");
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.output.find("--repetitions"), std::string::npos);
}

}  // namespace
