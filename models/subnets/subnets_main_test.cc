// End to end: the subnets binary (a data dependency) trains and measures on a
// tiny MNIST-format data set this test writes; every method writes one shard
// with the shared pareto_* schema and its training cost; bad flags exit
// non-zero with one line and write nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "common/atomic_file.h"
#include "models/train/model_file.h"
#include "results/store.h"

namespace rcdnn::models {
namespace {

std::string Tmp(const std::string& name) { return std::string(std::getenv("TEST_TMPDIR")) + "/" + name; }

std::string BigEndian(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
}

// n 28x28 images; class c (cycling 0..9) lights a 6x6 square at a place of its own.
void WriteIdx(const std::string& dir, const std::string& prefix, uint32_t n) {
  std::string images = BigEndian(2051) + BigEndian(n) + BigEndian(28) + BigEndian(28);
  std::string labels = BigEndian(2049) + BigEndian(n);
  uint32_t state = 12345 + n;
  for (uint32_t i = 0; i < n; ++i) {
    const int c = static_cast<int>(i % 10);
    labels.push_back(static_cast<char>(c));
    const int y0 = 2 + (c / 5) * 12, x0 = 2 + (c % 5) * 5;
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x) {
        state = state * 1664525u + 1013904223u;
        const bool lit = y >= y0 && y < y0 + 6 && x >= x0 && x < x0 + 4;
        images.push_back(static_cast<char>((lit ? 200 : 0) + (state >> 27)));
      }
    }
  }
  WriteFileAtomically(dir + "/" + prefix + "-images-idx3-ubyte", images);
  WriteFileAtomically(dir + "/" + prefix + "-labels-idx1-ubyte", labels);
}

struct Setup {
  std::string root, spec, solver;
};

const Setup& Files() {
  static const Setup setup = [] {
    Setup s;
    s.root = Tmp("data");
    mkdir(s.root.c_str(), 0755);
    mkdir((s.root + "/mnist").c_str(), 0755);
    WriteIdx(s.root + "/mnist", "train", 200);
    WriteIdx(s.root + "/mnist", "t10k", 100);
    s.spec = Tmp("mini.net");
    WriteFileAtomically(s.spec,
                        "network mini\n"
                        "input channels=1 height=28 width=28\n"
                        "conv name=conv1 filters=4 kernel=5 stride=1 pad=0\n"
                        "pool name=pool1 op=max kernel=4 stride=4 pad=0\n"
                        "fc name=ip1 outputs=8\n"
                        "relu name=relu1\n"
                        "fc name=ip2 outputs=10\n");
    s.solver = Tmp("mini.solver");
    WriteFileAtomically(s.solver,
                        "base_lr = 0.01\nmomentum = 0.9\nweight_decay = 0.0005\nlr_policy = fixed\n"
                        "batch_size = 10\nmax_iter = 12\nprofile smoke iter_scale=1 eval_subset=50\n");
    return s;
  }();
  return setup;
}

struct Result {
  int exit_code = -1;
  std::string output;
};

Result RunTool(const std::string& args) {
  const Setup& s = Files();
  const std::string binary =
      std::string(std::getenv("TEST_SRCDIR")) + "/" + std::getenv("TEST_WORKSPACE") + "/models/subnets/subnets";
  const std::string command = binary + " --spec " + s.spec + " --solver " + s.solver +
                              " --dataset mnist --data-root " + s.root +
                              " --profile smoke --threads 2 --latency-runs 3 --sim-images 2 " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  Result result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// name -> key -> value of the shard's only run, for one method.
std::map<std::string, std::map<std::string, double>> Metrics(const std::string& db, const std::string& method) {
  const results::Store store = results::Store::OpenReadOnly(db);
  EXPECT_EQ(store.ListRuns().size(), 1u);
  std::map<std::string, std::map<std::string, double>> out;
  for (const auto& row : store.QueryMetrics({})) {
    EXPECT_EQ(row.metric.method, method) << row.metric.name;
    EXPECT_EQ(row.metric.network, "mini");
    out[row.metric.name][row.metric.key] = row.metric.value;
  }
  return out;
}

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

void ExpectPoints(const std::map<std::string, std::map<std::string, double>>& m, size_t count) {
  for (const char* name : {"pareto_accuracy", "pareto_energy_uj", "pareto_latency_us", "pareto_macs"}) {
    ASSERT_EQ(m.count(name), 1u) << name;
    EXPECT_EQ(m.at(name).size(), count) << name;
    for (const auto& [key, value] : m.at(name)) {
      EXPECT_EQ(key.rfind("point=", 0), 0u) << key;
      EXPECT_GE(value, 0) << name;
    }
  }
  EXPECT_EQ(m.at("pareto_macs").at("point=4,8"), 4 * 25 * 576 + 8 * 4 * 36 + 10 * 8);
}

TEST(SubnetsMain, SlimmableThenMeasureOfItsModel) {
  const Result r = RunTool("--method slimmable --out " + Tmp("slim.model") + " --db " + Tmp("slim.db"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto m = Metrics(Tmp("slim.db"), "slimmable");
  ExpectPoints(m, 4);
  EXPECT_EQ(m.at("train_sgd_steps").at(""), 12);
  EXPECT_EQ(m.at("train_forward_backward_passes").at(""), 48);
  EXPECT_GT(m.at("train_seconds").at(""), 0);
  EXPECT_EQ(m.at("storage_bytes").at("total"), 4.0 * (4 * 25 + 4 + 8 * 4 * 36 + 8 + 10 * 8 + 10));
  // The same points through --method measure on the written model.
  const Result again = RunTool("--method measure --model " + Tmp("slim.model") + " --method-name slim_again --db " +
                           Tmp("slim_again.db"));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  const auto a = Metrics(Tmp("slim_again.db"), "slim_again");
  EXPECT_EQ(a.at("pareto_accuracy"), m.at("pareto_accuracy"));
  EXPECT_EQ(a.at("pareto_energy_uj"), m.at("pareto_energy_uj"));
  EXPECT_EQ(a.at("train_sgd_steps").at(""), 12);  // read from the model file
}

TEST(SubnetsMain, SinglePathFamily) {
  const Result r = RunTool("--method singlepath --subnets 6 --family-seed 3 --block-iters 2 --out " + Tmp("sp.model") +
                       " --db " + Tmp("sp.db"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto m = Metrics(Tmp("sp.db"), "yang_fan_singlepath");
  ExpectPoints(m, 6);
  EXPECT_EQ(m.at("train_sgd_steps").at(""), 12);
  EXPECT_EQ(m.at("train_forward_backward_passes").at(""), 12);
  double passes = 0;
  for (const auto& [key, value] : m.at("train_subnet_passes")) passes += value;
  EXPECT_EQ(passes, 12);
  EXPECT_EQ(LoadModel(Tmp("sp.model")).metadata.at("method"), "yang_fan_singlepath");
}

TEST(SubnetsMain, MultipathTrainsItsBackgroundAndOneModelPerSubnet) {
  const Result r = RunTool("--method multipath --subnets 5 --out " + Tmp("mp") + " --db " + Tmp("mp.db"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto m = Metrics(Tmp("mp.db"), "yang_fan_multipath");
  ExpectPoints(m, 5);
  EXPECT_EQ(m.at("train_sgd_steps").at("part=background"), 12);
  EXPECT_EQ(m.at("train_sgd_steps").at("part=finetune"), 5 * 12);
  EXPECT_EQ(m.at("train_sgd_steps").at(""), 6 * 12);
  EXPECT_TRUE(Exists(Tmp("mp/mini_background.model")));
  EXPECT_TRUE(Exists(Tmp("mp/mini_subnet_4_8.model")));
  EXPECT_TRUE(Exists(Tmp("mp/mini_subnet_1_2.model")));
  // Given a background file, no background is trained and its cost is read from it.
  const Result given = RunTool("--method multipath --subnets 4 --background " + Tmp("mp/mini_background.model") +
                           " --out " + Tmp("mp2") + " --db " + Tmp("mp2.db"));
  ASSERT_EQ(given.exit_code, 0) << given.output;
  EXPECT_FALSE(Exists(Tmp("mp2/mini_background.model")));
  EXPECT_EQ(Metrics(Tmp("mp2.db"), "yang_fan_multipath").at("train_sgd_steps").at(""), 12 + 4 * 12);
}

TEST(SubnetsMain, BadInputExitsNonZeroAndWritesNothing) {
  for (const std::string& args :
       {std::string("--method nonsense --out x --db ") + Tmp("bad.db"),
        std::string("--method singlepath --db ") + Tmp("bad.db"),
        std::string("--method measure --db ") + Tmp("bad.db"),
        std::string("--method measure --model ") + Tmp("missing.model") + " --db " + Tmp("bad.db"),
        std::string("--method singlepath --subnets 2 --out ") + Tmp("bad.model") + " --db " + Tmp("bad.db"),
        std::string("--method slimmable --fractions 0.5,abc --out ") + Tmp("bad.model") + " --db " + Tmp("bad.db"),
        std::string("--method slimmable --no-such-flag 1 --db ") + Tmp("bad.db")}) {
    const Result r = RunTool(args);
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_NE(r.output.find("subnets: "), std::string::npos) << r.output;
    EXPECT_FALSE(Exists(Tmp("bad.db"))) << args;
    EXPECT_FALSE(Exists(Tmp("bad.model"))) << args;
  }
}

}  // namespace
}  // namespace rcdnn::models
