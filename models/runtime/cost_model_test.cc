#include "models/runtime/cost_model.h"

#include <gtest/gtest.h>

#include "models/runtime/test_util.h"

namespace rcdnn::models::runtime {
namespace {

using testing::ErrorOf;

const std::vector<Widths> kTwo = {{5, 13, 125}, {20, 50, 500}};

TEST(CostModelTest, ReadsEnergyAndTime) {
  const CostModel cost = ParseCostFile("# Table 4, LeNet\nincrement,energy_uj,time_us\n1,5.59,4.61\n\n2,343.39,283.04\n",
                                       "c.csv", kTwo);
  EXPECT_FALSE(cost.relative_macs);
  ASSERT_TRUE(cost.HasTime());
  EXPECT_DOUBLE_EQ(cost.EnergyOf(kTwo[0]), 5.59);
  EXPECT_DOUBLE_EQ(cost.EnergyOf(kTwo[1]), 343.39);
  EXPECT_DOUBLE_EQ(cost.TimeOf(kTwo[1]), 283.04);
  EXPECT_EQ(cost.EnergyMetricName(), "energy_uj");
  EXPECT_NE(cost.description.find("c.csv"), std::string::npos);
  EXPECT_NE(ErrorOf([&] { cost.EnergyOf({10, 25, 250}); }).find("no entry for width 10,25,250"), std::string::npos);
}

TEST(CostModelTest, TimeColumnIsOptional) {
  const CostModel cost = ParseCostFile("increment,energy_uj\n2,2\n1,1\n", "c.csv", kTwo);
  EXPECT_FALSE(cost.HasTime());
  EXPECT_DOUBLE_EQ(cost.EnergyOf(kTwo[0]), 1.0);
  EXPECT_NE(ErrorOf([&] { cost.TimeOf(kTwo[0]); }).find("no time column"), std::string::npos);
}

TEST(CostModelTest, BadFilesNameTheLine) {
  struct Case {
    std::string text, message;
  };
  const std::string header = "increment,energy_uj,time_us\n";
  for (const Case& c : std::vector<Case>{
           {"", "c.csv is empty"},
           {"# only a comment\n", "c.csv is empty"},
           {"inc,energy\n1,2\n", "c.csv:1: bad header"},
           {header + "1,5.59\n", "c.csv:2: expected 3"},
           {header + "1,abc,3\n", "c.csv:2: energy_uj 'abc'"},
           {header + "0,1,1\n", "c.csv:2: increment 0 is outside 1..2"},
           {header + "3,1,1\n", "c.csv:2: increment 3 is outside 1..2"},
           {header + "1,1,1\n1,2,2\n", "c.csv:3: increment 1 is given twice"},
           {header + "1,-1,1\n", "c.csv:2: energy_uj -1 must be > 0"},
           {header + "1,0,1\n", "c.csv:2: energy_uj 0 must be > 0"},
           {header + "1,1,inf\n", "c.csv:2: time_us 'inf'"},
           {header + "1,1,1\n", "no line for increment 2 of 2"},
       }) {
    const std::string message = ErrorOf([&] { ParseCostFile(c.text, "c.csv", kTwo); });
    EXPECT_NE(message.find(c.message), std::string::npos) << c.text << " -> " << message;
  }
}

TEST(CostModelTest, RelativeMacsOfLenet) {
  const NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  // Full LeNet: conv1 20*24*24*25 + conv2 50*8*8*500 + ip1 500*800 + ip2 10*500 = 2,293,000 MACs.
  // Half width: conv1 10*576*25 + conv2 25*64*250 + ip1 250*400 + ip2 10*250 = 646,500 MACs.
  const CostModel cost = RelativeMacsCost(spec, {{10, 25, 250}, {20, 50, 500}});
  EXPECT_TRUE(cost.relative_macs);
  EXPECT_EQ(cost.EnergyMetricName(), "relative_macs");
  EXPECT_NEAR(cost.energy[0], 646500.0 / 2293000.0, 1e-12);
  EXPECT_DOUBLE_EQ(cost.energy[1], 1.0);
  EXPECT_DOUBLE_EQ(cost.time[0], cost.energy[0]);
  EXPECT_NEAR(RelativeMacsOfFraction(spec, 0.5), 646500.0 / 2293000.0, 1e-12);
  EXPECT_NE(cost.description.find("relative MACs"), std::string::npos);
}

TEST(CostModelTest, ReusableShareIsTheFirstTwoSlicedLayersOfTheNarrowerNetwork) {
  const NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  // At 0.25 (5,13,125): conv1 5*576*25 = 72,000 (old channels, reusable), conv2
  // 13*64*5*25 = 104,000 (old-from-old partial sums, reusable), ip1 125*13*16 =
  // 26,000 and ip2 10*125 = 1,250 (their inputs change): 176,000 of 203,250.
  EXPECT_NEAR(ReusableShare(spec, {5, 13, 125}, {10, 25, 250}), 176000.0 / 203250.0, 1e-12);
  EXPECT_NEAR(ReusableShareOfFractions(spec, 0.25, 1.0), 176000.0 / 203250.0, 1e-12);
  // Half width: conv1 10*576*25 = 144,000 and conv2 25*64*250 = 400,000 of 646,500.
  EXPECT_NEAR(ReusableShare(spec, {10, 25, 250}, {20, 50, 500}), 544000.0 / 646500.0, 1e-12);
  EXPECT_THROW(ReusableShare(spec, {10, 25, 250}, {5, 13, 125}), Error);
  EXPECT_THROW(ReusableShare(spec, {10, 25}, {20, 50, 500}), Error);
}

}  // namespace
}  // namespace rcdnn::models::runtime
