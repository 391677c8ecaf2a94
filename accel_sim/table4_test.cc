// The table4 binary end to end: LeNet on one technology into a fresh store.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "results/store.h"

namespace rcdnn::accel {
namespace {

std::string TempDir() { return std::getenv("TEST_TMPDIR"); }

int RunCommand(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// metric name + key -> value, per increment, for LeNet on fixed32_16.
std::map<int, std::map<std::string, double>> ByIncrement(const results::Store& store) {
  std::map<int, std::map<std::string, double>> out;
  results::MetricFilter filter;
  filter.network = "lenet";
  for (const results::MetricRow& row : store.QueryMetrics(filter)) {
    const results::Metric& m = row.metric;
    EXPECT_EQ(m.method, "fixed32_16");
    if (m.increment) out[*m.increment][m.name + "|" + m.key] = m.value;
  }
  return out;
}

TEST(Table4Binary, WritesOneRunOfLenetOnOneTech) {
  const std::string dir = TempDir() + "/lenet";
  std::filesystem::create_directories(dir);
  const std::string db = dir + "/results.db";
  const std::string command = "accel_sim/table4 --specs models/spec/lenet.net --tech accel_sim/tech/fixed32_16.tech"
                              " --images 5 --db " + db + " --cost-out-dir " + dir + "/costs > " + dir +
                              "/out.txt 2> " + dir + "/err.txt";
  ASSERT_EQ(RunCommand(command), 0) << ReadText(dir + "/err.txt");
  // The same configuration again replaces the run (same key), never adds one.
  ASSERT_EQ(RunCommand(command), 0) << ReadText(dir + "/err.txt");

  const results::Store store = results::Store::OpenReadOnly(db);
  const std::vector<results::RunRow> runs = store.ListRuns();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].info.target, "//artifacts:accel_sim");
  EXPECT_EQ(runs[0].info.dataset_name, "");
  EXPECT_NE(runs[0].info.config_json.find("\"images\":5"), std::string::npos) << runs[0].info.config_json;

  const auto metrics = ByIncrement(store);
  ASSERT_EQ(metrics.size(), 4u);  // 0.25, 0.5, 0.75, 1
  for (int i = 1; i <= 4; ++i) {
    const std::map<std::string, double>& m = metrics.at(i);
    for (const char* name : {"time_us|total", "cycles|total", "energy_uj|total", "energy_onchip_uj|total",
                             "energy_paper_convention_uj|total", "dram_bytes|total", "utilization|total",
                             "macs|total", "energy_uj|component=nfu", "energy_uj|component=dram",
                             "energy_uj|component=controller", "time_us|layer=conv1",
                             "energy_uj|layer=ip1;component=sb", "roofline_floor_us|layer=ip1",
                             "roofline_ratio|layer=conv2"}) {
      EXPECT_EQ(m.count(name), 1u) << name << " at increment " << i;
    }
    EXPECT_GT(m.at("cycles|total"), 0);
    EXPECT_GT(m.at("time_us|total"), 0);
    EXPECT_GE(m.at("roofline_ratio|layer=conv2"), 1.0);
    EXPECT_GT(m.at("energy_uj|total"), m.at("energy_onchip_uj|total"));  // DRAM counts
  }
  EXPECT_LT(metrics.at(1).at("energy_uj|total"), metrics.at(4).at("energy_uj|total"));
  EXPECT_LT(metrics.at(1).at("energy_paper_convention_uj|total"),
            metrics.at(4).at("energy_paper_convention_uj|total"));
  EXPECT_LT(metrics.at(1).at("macs|total"), metrics.at(4).at("macs|total"));
  EXPECT_EQ(metrics.at(4).at("macs|total"), 2293000);  // LeNet's MACs per image at full width

  // Tables 1 and 2 of the tech.
  results::MetricFilter t1;
  t1.name = "table1_power_mw";
  ASSERT_EQ(store.QueryMetrics(t1).size(), 1u);
  EXPECT_EQ(store.QueryMetrics(t1)[0].metric.value, 1213.4);
  results::MetricFilter t2;
  t2.name = "table2_area_um2";
  EXPECT_EQ(store.QueryMetrics(t2).size(), 6u);

  // The cost file the runtime schemes read.
  const std::string cost = ReadText(dir + "/costs/lenet_fixed32_16.cost");
  EXPECT_NE(cost.find("\nincrement,energy_uj,time_us\n1,"), std::string::npos) << cost;
  EXPECT_NE(cost.find("\n4,"), std::string::npos) << cost;
}

TEST(Table4Binary, ErrorsAreOneLineAndAFailingStatus) {
  const std::string dir = TempDir() + "/errors";
  std::filesystem::create_directories(dir);
  EXPECT_EQ(RunCommand("accel_sim/table4 --specs " + dir + "/none.net --db " + dir + "/r.db 2> " + dir + "/e1.txt"), 1);
  const std::string e1 = ReadText(dir + "/e1.txt");
  EXPECT_NE(e1.find("none.net"), std::string::npos) << e1;
  EXPECT_EQ(e1.find('\n'), e1.size() - 1) << e1;
  EXPECT_EQ(RunCommand("accel_sim/table4 --db " + dir + "/r.db --fractions 0.5,2 2> " + dir + "/e2.txt"), 1);
  EXPECT_NE(ReadText(dir + "/e2.txt").find("--fractions"), std::string::npos);
  EXPECT_EQ(RunCommand("accel_sim/table4 --db " + dir + "/r.db --fraction 0.5 2> " + dir + "/e3.txt"), 2);
  EXPECT_EQ(RunCommand("accel_sim/table4 2> " + dir + "/e4.txt"), 2);  // --db is required
  EXPECT_NE(ReadText(dir + "/e4.txt").find("db"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir + "/r.db"));
}

}  // namespace
}  // namespace rcdnn::accel
