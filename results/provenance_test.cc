#include "results/provenance.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "common/code_version.h"

namespace rcdnn::results {
namespace {

TEST(Provenance, RunKeyIsAStableHexDigest) {
  const std::string key = RunKey("v1", "//artifacts:table5", R"({"seed":1})");
  EXPECT_EQ(key.size(), 64u);
  EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{64}")));
  EXPECT_EQ(key, RunKey("v1", "//artifacts:table5", R"({"seed":1})"));
}

TEST(Provenance, RunKeyChangesWithEachPart) {
  const std::string key = RunKey("v1", "//a:b", "{}");
  EXPECT_NE(key, RunKey("v2", "//a:b", "{}"));
  EXPECT_NE(key, RunKey("v1", "//a:c", "{}"));
  EXPECT_NE(key, RunKey("v1", "//a:b", R"({"seed":2})"));
  // Length prefixes keep the boundaries: moving a character across one
  // changes the key.
  EXPECT_NE(RunKey("ab", "c", ""), RunKey("a", "bc", ""));
}

TEST(Provenance, NowIsIso8601Utc) {
  EXPECT_TRUE(std::regex_match(NowIso8601Utc(),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")))
      << NowIso8601Utc();
}

TEST(Provenance, TheRunRecordsTheCodeVersion) {
  setenv("RCDNN_CODE_VERSION", "abc123-dirty", 1);
  EXPECT_EQ(CurrentMachineInfo().code_version, "abc123-dirty");
  unsetenv("RCDNN_CODE_VERSION");
  EXPECT_EQ(CurrentMachineInfo().code_version, CodeVersion());
  EXPECT_EQ(CurrentMachineInfo().code_version.rfind("exe-sha256:", 0), 0u) << CurrentMachineInfo().code_version;
}

TEST(Provenance, MachineNamesHostAndCpu) {
  EXPECT_FALSE(Hostname().empty());
  EXPECT_FALSE(CpuModel().empty());
  EXPECT_EQ(MachineDescription(), Hostname() + " / " + CpuModel());
  const RunInfo info = CurrentMachineInfo();
  EXPECT_EQ(info.machine, MachineDescription());
  EXPECT_FALSE(info.started_at.empty());
}

}  // namespace
}  // namespace rcdnn::results
