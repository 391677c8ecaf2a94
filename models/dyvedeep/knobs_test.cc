#include "models/dyvedeep/knobs.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::models::dyvedeep {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseKnobSettingsList(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(KnobsTest, OffIsAllOff) {
  const KnobSettings off = ParseKnobSettings(" off ");
  EXPECT_TRUE(off.AllOff());
  EXPECT_EQ(off.Label(), "off");
  EXPECT_EQ(KnobSettings{}.Label(), "off");
}

TEST(KnobsTest, ParsesEveryKey) {
  const KnobSettings s = ParseKnobSettings("sat=0.5, check=0.25,sample=0.1,sim=0.05");
  ASSERT_TRUE(s.saturation && s.sampling && s.similarity);
  EXPECT_EQ(*s.saturation, 0.5);
  EXPECT_EQ(s.saturation_check, 0.25);
  EXPECT_EQ(*s.sampling, 0.1);
  EXPECT_EQ(*s.similarity, 0.05);
  EXPECT_EQ(s.Label(), "sat0.5@0.25+sample0.1+sim0.05");
  EXPECT_EQ(ParseKnobSettings("sim=0.2").Label(), "sim0.2");
  EXPECT_EQ(ParseKnobSettings("sat=0").Label(), "sat0");
}

TEST(KnobsTest, DefaultSweepParsesWithUniqueLabels) {
  const std::vector<KnobSettings> sweep = ParseKnobSettingsList(DefaultSweepText());
  EXPECT_GE(sweep.size(), 6u);
  EXPECT_LE(sweep.size(), 10u);
  EXPECT_TRUE(sweep.front().AllOff());
  const KnobSettings& last = sweep.back();
  EXPECT_TRUE(last.saturation && last.sampling && last.similarity);
}

TEST(KnobsTest, BadTextNamesTheProblem) {
  EXPECT_NE(ErrorOf("sat=x").find("'x' of 'sat' is not a number"), std::string::npos);
  EXPECT_NE(ErrorOf("speed=1").find("unknown key 'speed'"), std::string::npos);
  EXPECT_NE(ErrorOf("sat").find("not key=value"), std::string::npos);
  EXPECT_NE(ErrorOf("sat=1,sat=2").find("given twice"), std::string::npos);
  EXPECT_NE(ErrorOf("sample=1.5").find("sample threshold 1.5 must be in [0, 1]"), std::string::npos);
  EXPECT_NE(ErrorOf("sim=-0.1").find("sim threshold"), std::string::npos);
  EXPECT_NE(ErrorOf("sat=-1").find("sat threshold -1 must be >= 0"), std::string::npos);
  EXPECT_NE(ErrorOf("sat=1,check=0").find("check fraction 0 must be in (0, 1]"), std::string::npos);
  EXPECT_NE(ErrorOf("check=0.5").find("'check' needs 'sat'"), std::string::npos);
  EXPECT_NE(ErrorOf("off;sat=1;off").find("'off' appears twice"), std::string::npos);
  EXPECT_NE(ErrorOf(";;").find("is empty"), std::string::npos);
  EXPECT_NE(ErrorOf("sat=1e999").find("not a number"), std::string::npos);
}

}  // namespace
}  // namespace rcdnn::models::dyvedeep
