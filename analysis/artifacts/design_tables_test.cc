// The registry and the tables drawn from the design and the specs: Tables 1
// and 2 (the accelerator as synthesised), 3 (the networks), 6 (storage).
#include <gtest/gtest.h>

#include "analysis/artifact_test_fixture.h"

namespace rcdnn::analysis {
namespace {

using testing::ArtifactsTest;
using testing::Cell;
using testing::MentionsMissing;
using testing::TableOf;

TEST(Registry, ListsEveryResultOfThePaperOnce) {
  std::vector<std::string> ids;
  for (const ArtifactEntry& e : AllArtifacts()) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"table1", "table2", "table3", "table4", "table5", "table6", "table7",
                                           "table8", "table9", "fig6", "fig7", "fig8", "fig9", "fig10", "fig11", "pareto"}));
  EXPECT_EQ(FindArtifact("fig8")->function, &artifacts::Fig8);
  EXPECT_EQ(FindArtifact("table4")->function, &artifacts::Table4);
}

TEST_F(ArtifactsTest, Table1And2ShowThePaperAndTheTechFilesInputs) {
  ArtifactOutput t1 = RunArtifact("table1");
  EXPECT_FALSE(t1.reproduced);
  EXPECT_TRUE(MentionsMissing(t1, "table1_*"));
  EXPECT_EQ(TableOf(t1, "table1").rows.size(), 9u);
  EXPECT_EQ(TableOf(RunArtifact("table2"), "table2").rows.size(), 38u);

  AddRun("//accel_sim:tech", {{"table1_area_mm2", "", "", "fixed32_16", "", "", std::nullopt, 14.13, "mm^2"},
                              {"table1_power_mw", "", "", "fixed32_16", "", "", std::nullopt, 1200, "mW"},
                              {"table2_area_um2", "", "", "fixed32_16", "", "component=sb", std::nullopt, 11369714, "um^2"},
                              {"table2_area_um2", "", "", "fixed32_16", "", "component=total", std::nullopt, 14133270, "um^2"}});
  t1 = RunArtifact("table1");
  EXPECT_FALSE(MentionsMissing(t1, "table1_*"));
  const Table& table1 = TableOf(t1, "table1");
  EXPECT_EQ(Cell(table1, 3, "design"), "Fixed Point <32,16>");
  EXPECT_EQ(Cell(table1, 3, "quantity"), "Area");
  EXPECT_EQ(Cell(table1, 3, "value ours"), "14.13");
  EXPECT_EQ(Cell(table1, 3, "value diff"), "+0");
  EXPECT_EQ(Cell(table1, 4, "value diff"), "-13.4");
  EXPECT_EQ(Cell(table1, 0, "value ours"), "");  // float32 not stored
  const ArtifactOutput t2 = RunArtifact("table2");
  const Table& table2 = TableOf(t2, "table2");
  // Rows: Total (2 cells), Combinational (4), Buffer/Inverter (4), Registers (4), Memory (4), then Sb.
  EXPECT_EQ(Cell(table2, 18, "component"), "Sb (Weights Buffer)");
  EXPECT_EQ(Cell(table2, 18, "value ours"), "11369714");
  EXPECT_EQ(Cell(table2, 19, "quantity"), "Area %");
  EXPECT_EQ(Cell(table2, 19, "value ours"), "80.45");  // 11369714 / 14133270
  EXPECT_EQ(Cell(table2, 19, "value paper"), "80.64");
  EXPECT_EQ(Cell(table2, 8, "value paper"), "Neg.");
}

TEST_F(ArtifactsTest, Table3ComparesSpecsWithThePaper) {
  const ArtifactOutput out = RunArtifact("table3");
  EXPECT_TRUE(out.missing.empty());
  const Table& t = TableOf(out, "table3");
  // 7 + 8 + 8 listed rows and a total per network.
  ASSERT_EQ(t.rows.size(), 26u);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (Cell(t, r, "paper row") != "total") {
      EXPECT_EQ(Cell(t, r, "same"), "yes") << Cell(t, r, "paper");
    }
  }
  // LeNet by hand: conv1 20*1*25*24*24 + conv2 50*20*25*8*8 + ip1 500*800 + ip2 10*500.
  EXPECT_EQ(Cell(t, 7, "paper row"), "total");
  EXPECT_EQ(Cell(t, 7, "MACs"), "2293000");
  EXPECT_EQ(Cell(t, 7, "parameters"), "431080");  // 520 + 25050 + 400500 + 5010
  const Table& widths = TableOf(out, "table3_widths");
  EXPECT_EQ(Cell(widths, 0, "widths"), "5,13,125");
  EXPECT_EQ(Cell(widths, 3, "relative MACs"), "1.0000");
}

TEST_F(ArtifactsTest, Table6ComputesStorageOverheads) {
  const ArtifactOutput out = RunArtifact("table6");
  const Table& t = TableOf(out, "table6");
  ASSERT_EQ(t.rows.size(), 2u);
  // Ours: heads 5000 + 10000 + 15000 over 430000 + 20000.
  EXPECT_EQ(Cell(t, 0, "extra bytes"), "30000");
  EXPECT_EQ(Cell(t, 0, "original network bytes"), "450000");
  EXPECT_EQ(Cell(t, 0, "extra storage % paper"), "0.58");
  EXPECT_EQ(Cell(t, 0, "extra storage % ours"), "6.67");
  EXPECT_EQ(Cell(t, 0, "extra storage % diff"), "+6.09");
  // Big/Little: the three smaller golden models, (32000 + 118000 + 258000) / 450000.
  EXPECT_EQ(Cell(t, 1, "extra bytes"), "408000");
  EXPECT_EQ(Cell(t, 1, "extra storage % paper"), "30.71");
  EXPECT_EQ(Cell(t, 1, "extra storage % ours"), "90.67");
  EXPECT_TRUE(MentionsMissing(out, "ALEXnet"));
}

}  // namespace
}  // namespace rcdnn::analysis
