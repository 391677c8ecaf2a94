// The paper's claims judged on the small LeNet store: only what is measured,
// each from its own metric.
#include <gtest/gtest.h>

#include <map>

#include "analysis/artifact_test_fixture.h"

namespace rcdnn::analysis {
namespace {

using testing::ArtifactsTest;
using testing::kDataset;

TEST_F(ArtifactsTest, ClaimsOnlyJudgeWhatIsMeasured) {
  std::vector<Claim> claims = Claims();
  ASSERT_EQ(claims.size(), 5u);
  std::map<std::string, const Claim*> by_id;
  for (const Claim& c : claims) by_id[c.id] = &c;
  // Golden full 0.875 vs incremental (golden init) 0.865: 1.00 point.
  EXPECT_EQ(by_id["incremental"]->verdict, Verdict::kHolds);
  EXPECT_NE(by_id["incremental"]->ours.find("1.00 pt"), std::string::npos) << by_id["incremental"]->ours;
  EXPECT_EQ(by_id["incremental"]->datasets, kDataset);
  EXPECT_EQ(by_id["incremental"]->profiles, "smoke");
  EXPECT_EQ(by_id["incremental"]->networks_measured, 1);
  // Saving 1 - 1.0667 / 1.9067 = 44.06%.
  EXPECT_EQ(by_id["storage"]->verdict, Verdict::kHolds);
  EXPECT_NE(by_id["storage"]->ours.find("44.06%"), std::string::npos) << by_id["storage"]->ours;
  // Shutdown 0.15 vs 0.80 at 25%.
  EXPECT_EQ(by_id["shutdown"]->verdict, Verdict::kHolds);
  EXPECT_NE(by_id["shutdown"]->ours.find("65.00 pt"), std::string::npos) << by_id["shutdown"]->ours;
  EXPECT_EQ(by_id["energy"]->verdict, Verdict::kNotMeasured);
  EXPECT_EQ(by_id["energy"]->ours, "");
  EXPECT_EQ(by_id["fixed-point"]->verdict, Verdict::kNotMeasured);
  EXPECT_FALSE(by_id["fixed-point"]->missing.empty());

  // Savings in MACs alone do not measure the energy claim.
  const std::string scheme = artifacts::kPaperScheme;
  AddRun("//models/runtime:macs",
         {{"accuracy_drop_pct", "lenet", "", "opportunistic", "test", scheme + ";vs=golden-full", std::nullopt, 0.5, "%"},
          {"energy_savings_pct", "lenet", "", "opportunistic", "test", scheme, std::nullopt, 93.0, "%"},
          {"cost_model_is_relative_macs", "lenet", "", "", "", "relative MACs (spec lenet)", std::nullopt, 1, ""}});
  claims = Claims();
  EXPECT_EQ(claims[0].id, "energy");
  EXPECT_EQ(claims[0].verdict, Verdict::kNotMeasured);
  EXPECT_NE(claims[0].ours.find("93.00% MAC saving"), std::string::npos) << claims[0].ours;

  // With an energy cost model: 93% >= 90% and 0.5 < 1 point.
  AddRun("//models/runtime:energy",
         {{"accuracy_drop_pct", "lenet", "", "opportunistic", "test", scheme + ";vs=golden-full", std::nullopt, 0.5, "%"},
          {"energy_savings_pct", "lenet", "", "opportunistic", "test", scheme, std::nullopt, 93.0, "%"},
          {"time_savings_pct", "lenet", "", "opportunistic", "test", scheme, std::nullopt, 88.0, "%"},
          {"cost_model_is_relative_macs", "lenet", "", "", "", "measured (cost.csv)", std::nullopt, 0, ""}});
  claims = Claims();
  EXPECT_EQ(claims[0].verdict, Verdict::kHolds) << claims[0].ours;
  EXPECT_NE(claims[0].ours.find("93.00% energy saving (88.00% as power x time), 0.50 pt drop"), std::string::npos)
      << claims[0].ours;

  // A 1.5 point drop breaks it.
  AddRun("//models/runtime:energy2",
         {{"accuracy_drop_pct", "lenet", "", "opportunistic", "test", scheme + ";vs=golden-full", std::nullopt, 1.5, "%"}});
  claims = Claims();
  EXPECT_EQ(claims[0].verdict, Verdict::kDoesNotHold) << claims[0].ours;
}

TEST_F(ArtifactsTest, FixedPointClaimReadsItsMetric) {
  // What accel_sim's model_on_accel tool writes, per increment and technology.
  AddRun("//accel_sim:bit", {{"fixed_point_accuracy_drop_pct", "lenet", "5,13,125", "fixed32_16", "test",
                              "format=<32,16>", 1, 0.05, "%"},
                             {"fixed_point_accuracy_drop_pct", "lenet", "20,50,500", "fixed32_16", "test",
                              "format=<32,16>", 4, -0.05, "%"},
                             {"fixed_point_accuracy_drop_pct", "lenet", "20,50,500", "fixed16_10", "test",
                              "format=<16,10>", 4, 3.0, "%"}});
  std::vector<Claim> claims = Claims();
  EXPECT_EQ(claims[4].id, "fixed-point");
  EXPECT_EQ(claims[4].verdict, Verdict::kHolds);
  EXPECT_EQ(claims[4].ours, "LeNet: at most 0.05 pt drop over 2 width(s)");
  AddRun("//accel_sim:bit2", {{"fixed_point_accuracy_drop_pct", "lenet", "10,25,250", "fixed32_16", "test",
                               "format=<32,16>", 2, 0.4, "%"}});
  claims = Claims();
  EXPECT_EQ(claims[4].verdict, Verdict::kDoesNotHold);
}

}  // namespace
}  // namespace rcdnn::analysis
