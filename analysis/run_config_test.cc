#include "analysis/run_config.h"

#include <gtest/gtest.h>

namespace rcdnn::analysis {
namespace {

results::RunRow RunWithConfig(const std::string& config_json) {
  results::RunRow run;
  run.info.config_json = config_json;
  return run;
}

TEST(RunConfigValueTest, ReadsATopLevelString) {
  const results::RunRow run =
      RunWithConfig(R"json({"energy_source":"RAPL package-0 (intel-rapl:0)","platform.cpu_model":"AMD EPYC"})json");
  EXPECT_EQ(RunConfigValue(run, "energy_source"), "RAPL package-0 (intel-rapl:0)");
  EXPECT_EQ(RunConfigValue(run, "platform.cpu_model"), "AMD EPYC");
}

TEST(RunConfigValueTest, NothingForAMissingKeyANonStringOrAConfigThatIsNotJson) {
  EXPECT_EQ(RunConfigValue(RunWithConfig(R"json({"threads":"1"})json"), "energy_source"), std::nullopt);
  EXPECT_EQ(RunConfigValue(RunWithConfig(R"json({"threads":1})json"), "threads"), std::nullopt);
  EXPECT_EQ(RunConfigValue(RunWithConfig("target=//x\nprofile=smoke\n"), "target"), std::nullopt);
  EXPECT_EQ(RunConfigValue(RunWithConfig(R"json(["energy_source"])json"), "energy_source"), std::nullopt);
  EXPECT_EQ(RunConfigValue(RunWithConfig(R"json({"energy_source":"cut)json"), "energy_source"), std::nullopt);
  EXPECT_EQ(RunConfigValue(RunWithConfig(""), "energy_source"), std::nullopt);
}

}  // namespace
}  // namespace rcdnn::analysis
