#include "results/inspect.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>

#include "results/test_util.h"

namespace rcdnn::results {
namespace {

using testing::ErrorOf;
using testing::FreshPath;
using testing::SampleMetrics;
using testing::SampleRun;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A store with one lenet run (2 metrics) and one alexnet run (1 metric).
std::string WriteSampleStore(const std::string& name) {
  const std::string path = FreshPath(name);
  Store store = Store::Open(path);
  store.WriteRun(SampleRun("//artifacts:table5"), SampleMetrics(2, "lenet"), {});
  std::vector<Metric> alexnet = SampleMetrics(1, "alexnet");
  alexnet[0].name = "energy_pj";
  alexnet[0].width = "8,16,32";
  alexnet[0].value = 1234.5;
  alexnet[0].unit = "pJ";
  store.WriteRun(SampleRun("//artifacts:table9"), alexnet, {});
  return path;
}

TEST(Inspect, ListsRunsAndMetrics) {
  InspectOptions options;
  options.db_path = WriteSampleStore("inspect_lib.db");
  const std::string out = Inspect(options);
  EXPECT_TRUE(Contains(out, "runs (2)")) << out;
  EXPECT_TRUE(Contains(out, "//artifacts:table5")) << out;
  EXPECT_TRUE(Contains(out, "Fashion-MNIST (stand-in for MNIST)")) << out;
  EXPECT_TRUE(Contains(out, "metrics (3)")) << out;
  EXPECT_TRUE(Contains(out, "1234.5")) << out;
}

TEST(Inspect, FiltersAndCsv) {
  InspectOptions options;
  options.db_path = WriteSampleStore("inspect_csv.db");
  options.filter.network = "alexnet";
  options.csv = true;
  EXPECT_EQ(Inspect(options),
            "run,name,network,width,increment,method,split,key,value,unit\n"
            "2,energy_pj,alexnet,\"8,16,32\",1,incremental,test,,1234.5,pJ\n");
  options.runs = options.metrics = true;
  EXPECT_TRUE(Contains(ErrorOf([&] { Inspect(options); }), "--csv prints one table"));
}

// End to end: the inspect binary (a data dependency) on a database this test wrote.
struct Result {
  int exit_code = -1;
  std::string output;
};

Result RunCommand(const std::string& command) {
  Result result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = pclose(pipe);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

std::string InspectBinary() {
  return std::string(std::getenv("TEST_SRCDIR")) + "/" + std::getenv("TEST_WORKSPACE") +
         "/results/inspect";
}

TEST(InspectBinary, PrintsRunsAndMetrics) {
  const std::string db = WriteSampleStore("inspect_bin.db");
  Result result = RunCommand("'" + InspectBinary() + "' '" + db + "' --runs 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(Contains(result.output, "//artifacts:table9")) << result.output;
  EXPECT_TRUE(Contains(result.output, "complete")) << result.output;
  EXPECT_FALSE(Contains(result.output, "energy_pj")) << result.output;

  result = RunCommand("'" + InspectBinary() + "' '" + db +
                      "' --metrics --csv --name energy_pj --method incremental 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(Contains(result.output, "2,energy_pj,alexnet,\"8,16,32\",1,incremental,test,,1234.5,pJ"))
      << result.output;
  EXPECT_FALSE(Contains(result.output, "lenet")) << result.output;
}

TEST(InspectBinary, ResolvesARelativePathAgainstTheBuildWorkingDirectory) {
  const std::string db = WriteSampleStore("inspect_relative.db");
  const std::string dir = db.substr(0, db.rfind('/'));
  const Result result = RunCommand("cd / && BUILD_WORKING_DIRECTORY='" + dir + "' '" +
                                   InspectBinary() + "' inspect_relative.db --network lenet 2>&1");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(Contains(result.output, "metrics (2)")) << result.output;
}

TEST(InspectBinary, HelpAndErrors) {
  Result result = RunCommand("'" + InspectBinary() + "' --help 2>&1");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(Contains(result.output, "Usage: inspect <results.db>")) << result.output;
  EXPECT_TRUE(Contains(result.output, "--network")) << result.output;

  // Errors: exit 1, one line on stderr starting "inspect: ", nothing on stdout.
  const std::string missing = FreshPath("no_such.db");
  for (const std::string& args : {"'" + missing + "'", std::string("x.db --bogus"),
                                  std::string("--runs")}) {
    result = RunCommand("'" + InspectBinary() + "' " + args + " 2>&1 >/dev/null");
    EXPECT_EQ(result.exit_code, 1) << args;
    EXPECT_EQ(result.output.rfind("inspect: ", 0), 0u) << result.output;
    EXPECT_EQ(result.output.find('\n'), result.output.size() - 1) << result.output;
  }
  result = RunCommand("'" + InspectBinary() + "' '" + missing + "' 2>&1");
  EXPECT_TRUE(Contains(result.output, missing)) << result.output;
  EXPECT_TRUE(Contains(RunCommand("'" + InspectBinary() + "' x.db --bogus 2>&1").output, "bogus"));
}

}  // namespace
}  // namespace rcdnn::results
