// End to end: the runtime binary (a data dependency) on tiny inputs this test
// writes; errors must exit non-zero with one line and leave the store alone.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "common/atomic_file.h"
#include "models/engine/params.h"
#include "models/runtime/optimum_file.h"
#include "models/runtime/test_util.h"
#include "models/train/model_file.h"
#include "results/store.h"

namespace rcdnn::models::runtime {
namespace {

using testing::TempPath;

const char kTinySpec[] =
    "network tiny\n"
    "input channels=1 height=4 width=4\n"
    "conv name=conv1 filters=4 kernel=3 stride=1 pad=0\n"
    "fc name=ip outputs=2\n";

// 8 images per split; the small network (width 2) is right with a high margin on images 0-4,
// wrong with a low margin on 5-7; the full networks are right on all but image 7.
std::string TinyCsv(bool with_test = true, const std::string& method_prefix = "") {
  std::string csv = "network,method,increment,width,split,index,label,predicted,margin\n";
  for (const char* split : {"val", "test"}) {
    if (std::string(split) == "test" && !with_test) continue;
    for (const auto& [method, increment, width] :
         {std::tuple<std::string, int, std::string>{"incremental", 1, "2"}, {"incremental", 2, "4"},
          {"golden", 1, "2"}, {"golden", 1, "4"}}) {
      for (int k = 0; k < 8; ++k) {
        const int label = k % 2;
        const bool small = width == "2";
        const bool correct = small ? k < 5 : k < 7;
        const double margin = small ? (k < 5 ? 0.8 : 0.2) : 0.9;
        csv += "tiny," + method_prefix + method + "," + std::to_string(increment) + ",\"" + width + "\"," + split + "," +
               std::to_string(k) + "," + std::to_string(label) + "," + std::to_string(correct ? label : 1 - label) +
               "," + std::to_string(margin) + "\n";
      }
    }
  }
  return csv;
}

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = TempPath(name);
  WriteFileAtomically(path, text);
  return path;
}

std::string WriteModel(const std::string& name, const std::string& method, const std::vector<Widths>& schedule) {
  Model model;
  model.spec = ParseNetSpec(kTinySpec, "tiny.net");
  model.schedule = schedule;
  model.params = ZerosLike(model.spec, static_cast<int>(schedule.size()));
  model.metadata["method"] = method;
  SaveModel(TempPath(name), model);
  return TempPath(name);
}

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

Result RunTool(const std::string& args) {
  const std::string binary =
      std::string(std::getenv("TEST_SRCDIR")) + "/" + std::getenv("TEST_WORKSPACE") + "/models/runtime/runtime";
  const std::string command = binary + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  Result result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

size_t RunCount(const std::string& db) { return results::Store::OpenReadOnly(db).ListRuns().size(); }

std::vector<results::MetricRow> MetricsNamed(const std::string& db, const std::string& name) {
  results::MetricFilter filter;
  filter.name = name;
  return results::Store::OpenReadOnly(db).QueryMetrics(filter);
}

class RuntimeMainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_ = Write("tiny.net", kTinySpec);
    csv_ = Write("p.csv", TinyCsv());
    cost_ = Write("cost.csv", "increment,energy_uj,time_us\n1,1.0,2.0\n2,4.0,8.0\n");
    budget_ = Write("budget.txt", "0 4 inf\n3 1.5 inf\n6 10 inf\n");
    thresholds_ = Write("t.txt", "1 0.5\n");
    models_ = WriteModel("inc.rcdnn", "incremental", {{2}, {4}}) + " " + WriteModel("g4.rcdnn", "golden", {{4}}) +
              " " + WriteModel("g2.rcdnn", "golden", {{2}});
    std::remove(TempPath("fresh.db").c_str());
  }
  std::string Base() const { return "--predictions " + csv_ + " --spec " + spec_ + " --threshold-step 0.1"; }
  // Runs a failing command against a fresh store path and against a store holding one run.
  void ExpectFailure(const std::string& args, const std::string& message) {
    const std::string db = TempPath("full.db");
    std::remove(db.c_str());
    ASSERT_EQ(RunTool(Base() + " --db " + db).exit_code, 0);
    ASSERT_EQ(RunCount(db), 1u);
    for (const std::string& target : {TempPath("fresh.db"), db}) {
      const Result r = RunTool(args + " --db " + target);
      EXPECT_NE(r.exit_code, 0) << args;
      EXPECT_EQ(r.output.rfind("runtime: ", 0), 0u) << r.output;
      EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
      EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    }
    EXPECT_FALSE(Exists(TempPath("fresh.db")));
    EXPECT_EQ(RunCount(db), 1u);
  }
  std::string spec_, csv_, cost_, budget_, thresholds_, models_;
};

TEST_F(RuntimeMainTest, WritesOneRunWithEveryTable) {
  const std::string db = TempPath("ok.db");
  const std::string trace = TempPath("trace.csv");
  std::remove(db.c_str());
  const Result r = RunTool(Base() + " --cost " + cost_ + " --budget " + budget_ + " --trace-out " + trace +
                       " --thresholds " + thresholds_ + " --models " + models_ + " --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* part : {"Table 6", "Table 7", "Table 8", "Table 9", "Figure 7", "Figure 11", "measured ("}) {
    EXPECT_NE(r.output.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(RunCount(db), 1u);
  // The small network is right exactly when its margin is 0.8 (5 of 8 images). The product
  // criterion degenerates: theta = 0 (everything on increment 1: savings 75% x accuracy 5/8 =
  // 0.469) beats escalating the margins of 0.2 (savings 37.5% x accuracy 7/8 = 0.328). The max-drop
  // criterion (1 point) must keep accuracy 7/8: any theta in (0.2, 0.8], the grid's first is 0.3.
  auto value = [&](const std::string& name, const std::string& key, const std::string& split) {
    std::vector<double> values;
    for (const results::MetricRow& m : MetricsNamed(db, name)) {
      if (m.metric.method == "opportunistic" && m.metric.key == key && m.metric.split == split) {
        values.push_back(m.metric.value);
      }
    }
    EXPECT_EQ(values.size(), 1u) << name << " " << key;
    return values.empty() ? -1.0 : values[0];
  };
  EXPECT_NEAR(value("table7_threshold", "criterion=product;reuse=no-reuse", "val"), 0.0, 1e-12);
  EXPECT_NEAR(value("energy_savings_pct", "criterion=product;reuse=no-reuse", "test"), 75.0, 1e-9);
  EXPECT_NEAR(value("accuracy", "criterion=product;reuse=no-reuse", "test"), 5.0 / 8.0, 1e-12);
  EXPECT_NEAR(value("table7_threshold", "criterion=max-drop;reuse=no-reuse", "val"), 0.3, 1e-12);
  // Test: 5 images at cost 1, 3 at cost 1 + 4 (no reuse): mean 2.5 of 4, savings 37.5%. With
  // reuse, increment 2 reuses conv1's old channels: 2*9*4 = 72 of increment 1's 88 MACs (the head's
  // 16 are recomputed), so those 3 images cost 1 + 4 - 72/88 each.
  EXPECT_NEAR(value("energy_savings_pct", "criterion=max-drop;reuse=no-reuse", "test"), 37.5, 1e-9);
  // Time (2 and 8 us per increment) is saved against 8 us per image: 5 images at 2, 3 at 2 + 8.
  EXPECT_NEAR(value("time_savings_pct", "criterion=max-drop;reuse=no-reuse", "test"), 100 * (1 - 40.0 / 8 / 8), 1e-9);
  EXPECT_NEAR(value("time_savings_pct", "criterion=product;reuse=no-reuse", "test"), 75.0, 1e-9);
  EXPECT_NEAR(value("energy_savings_pct", "criterion=max-drop;reuse=reuse", "test"),
              100 * (1 - (5 + 3 * (5 - 72.0 / 88.0)) / 8 / 4), 1e-9);
  EXPECT_NEAR(MetricsNamed(db, "reuse_share").at(0).metric.value, 72.0 / 88.0, 1e-12);
  EXPECT_NEAR(value("accuracy", "criterion=max-drop;reuse=no-reuse", "test"), 7.0 / 8.0, 1e-12);
  EXPECT_NEAR(value("reruns", "criterion=max-drop;reuse=no-reuse", "test"), 3, 1e-12);
  // Given thresholds (0.5): the same escalations as max-drop.
  EXPECT_NEAR(value("energy_savings_pct", "criterion=given;reuse=no-reuse", "test"), 37.5, 1e-9);
  // Table 6: ours 72 / 296 bytes, Big/Little 152 / 296 (see storage_test).
  for (const results::MetricRow& m : MetricsNamed(db, "storage_overhead_pct")) {
    EXPECT_NEAR(m.metric.value, 100.0 * (m.metric.method == "incremental" ? 72.0 : 152.0) / 296.0, 1e-9);
  }
  EXPECT_EQ(MetricsNamed(db, "storage_overhead_pct").size(), 2u);
  EXPECT_EQ(MetricsNamed(db, "fig11_capacity").size(), 16u);  // 8 images x 2 policies
  EXPECT_FALSE(MetricsNamed(db, "fig7_margin_hist_correct").empty());
  const std::string trace_text = ReadFileToString(trace);
  EXPECT_EQ(std::count(trace_text.begin(), trace_text.end(), '\n'), 9);
  EXPECT_EQ(trace_text.rfind("image,budget_energy,budget_delay,jump-to-max_capacity", 0), 0u);
  EXPECT_EQ(results::Store::OpenReadOnly(db).ListArtifacts(results::Store::OpenReadOnly(db).ListRuns()[0].id).size(),
            1u);
}

// The models of the Table 7 optimum sit in the same store as the 4-increment
// ones: with --method-prefix every method read and written carries it.
TEST_F(RuntimeMainTest, MethodPrefixKeepsAModelSetApartAndTheOptimumFileFeedsTheTrainer) {
  const std::string csv = Write("prefixed.csv", TinyCsv(true, "table7_"));
  const std::string db = TempPath("prefixed.db"), optimum = TempPath("optimum.txt");
  std::remove(db.c_str());
  const std::string args = "--predictions " + csv + " --spec " + spec_ + " --threshold-step 0.1 --db " + db;
  const Result unprefixed = RunTool(args);
  EXPECT_NE(unprefixed.exit_code, 0);
  EXPECT_NE(unprefixed.output.find("has no rows of method 'incremental'"), std::string::npos) << unprefixed.output;
  const Result r = RunTool(args + " --method-prefix table7_ --optimum-out " + optimum);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<results::MetricRow> all = results::Store::OpenReadOnly(db).QueryMetrics({});
  ASSERT_FALSE(all.empty());
  for (const results::MetricRow& m : all) {
    if (!m.metric.method.empty()) {
      EXPECT_EQ(m.metric.method.rfind("table7_", 0), 0u) << m.metric.method;
    }
  }
  EXPECT_FALSE(MetricsNamed(db, "table7_threshold").empty());
  // The file holds the no-reuse sweep's optimum, as the store's table7_fraction does.
  const std::vector<double> fractions = ReadOptimumFile(optimum);
  std::vector<double> stored;
  for (const results::MetricRow& m : MetricsNamed(db, "table7_fraction")) {
    if (m.metric.key.rfind("reuse=no-reuse", 0) == 0) stored.push_back(m.metric.value);
  }
  EXPECT_EQ(fractions.size(), stored.size());
  for (size_t i = 0; i < fractions.size() && i < stored.size(); ++i) EXPECT_NEAR(fractions[i], stored[i], 1e-6);
  EXPECT_EQ(fractions.back(), 1.0);
  EXPECT_NE(ReadFileToString(optimum).find("# Table 7 optimum of tiny"), std::string::npos);
}

TEST_F(RuntimeMainTest, WithoutACostFileUsesRelativeMacs) {
  const Result r = RunTool(Base());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Cost model: relative MACs"), std::string::npos) << r.output;
}

TEST_F(RuntimeMainTest, HelpAndFlagErrors) {
  const Result help = RunTool("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Usage: runtime"), std::string::npos);
  EXPECT_NE(RunTool(Base() + " --no-such-flag 1").exit_code, 0);
  EXPECT_NE(RunTool("--spec " + spec_).exit_code, 0);  // --predictions is required
}

TEST_F(RuntimeMainTest, MalformedBudgetFile) {
  ExpectFailure(Base() + " --budget " + Write("bad_budget.txt", "0 4 inf\n3 1.5\n"), "bad_budget.txt:2");
}

TEST_F(RuntimeMainTest, EmptyBudgetFile) {
  ExpectFailure(Base() + " --budget " + Write("empty_budget.txt", "# nothing\n"), "empty_budget.txt is empty");
}

TEST_F(RuntimeMainTest, OutOfRangeBudget) {
  ExpectFailure(Base() + " --budget " + Write("far_budget.txt", "0 4 inf\n8 2 inf\n"), "far_budget.txt:2: from_image 8");
}

TEST_F(RuntimeMainTest, OutOfRangeThreshold) {
  ExpectFailure(Base() + " --thresholds " + Write("bad_t.txt", "1 1.5\n"), "bad_t.txt:1: theta 1.5");
}

TEST_F(RuntimeMainTest, EmptyThresholdFile) {
  ExpectFailure(Base() + " --thresholds " + Write("empty_t.txt", ""), "empty_t.txt is empty");
}

TEST_F(RuntimeMainTest, MalformedCostFile) {
  ExpectFailure(Base() + " --cost " + Write("bad_cost.csv", "increment,energy_uj,time_us\n1,x,1\n"),
                "bad_cost.csv:2: energy_uj 'x'");
}

TEST_F(RuntimeMainTest, FewerIncrementsThanAsked) {
  ExpectFailure(Base() + " --increments 3", "3 increments asked, the file has 2");
}

TEST_F(RuntimeMainTest, EmptyTestSet) {
  ExpectFailure("--predictions " + Write("val_only.csv", TinyCsv(false)) + " --spec " + spec_, "empty test set");
}

TEST_F(RuntimeMainTest, MalformedPredictions) {
  ExpectFailure("--predictions " + Write("bad.csv", TinyCsv() + "tiny,golden,1\n") + " --spec " + spec_,
                "bad.csv:66: expected 9 fields");
}

// The evaluation shard that wrote the predictions names the data set; the
// runtime run records the same one (the tables print it).
std::string EvaluationShard(const std::string& name, const std::string& dataset) {
  const std::string db = TempPath(name);
  std::remove(db.c_str());
  results::RunInfo info;
  info.target = "evaluate (test)";
  info.profile = "smoke";
  info.dataset_name = dataset;
  info.dataset_display_name = dataset.empty() ? "" : "Tiny digits";
  info.dataset_sha256 = dataset.empty() ? "" : "abc123";
  info.run_key = name;
  results::Store::Open(db).WriteRun(info, {}, {});
  return db;
}

TEST_F(RuntimeMainTest, RecordsTheEvaluationsDataSet) {
  const std::string db = TempPath("with_dataset.db");
  std::remove(db.c_str());
  const Result r = RunTool(Base() + " --evaluation-db " + EvaluationShard("eval.db", "tiny") + " --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<results::RunRow> runs = results::Store::OpenReadOnly(db).ListRuns();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].info.dataset_name, "tiny");
  EXPECT_EQ(runs[0].info.dataset_display_name, "Tiny digits");
  EXPECT_EQ(runs[0].info.dataset_sha256, "abc123");
}

TEST_F(RuntimeMainTest, EvaluationDbWithoutADataSet) {
  ExpectFailure(Base() + " --evaluation-db " + EvaluationShard("no_data.db", ""), "holds no run that read a data set");
}

}  // namespace
}  // namespace rcdnn::models::runtime
