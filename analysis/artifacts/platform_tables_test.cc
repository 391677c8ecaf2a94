// Tables 4 and 5: time and energy per increment on the accelerator model and
// on the platforms measured on this machine.
#include <gtest/gtest.h>

#include "analysis/artifact_test_fixture.h"

namespace rcdnn::analysis {
namespace {

using testing::ArtifactsTest;
using testing::Cell;
using testing::MentionsMissing;
using testing::NotesMention;
using testing::TableOf;

TEST_F(ArtifactsTest, Table4WaitsForTheAcceleratorThenComparesIt) {
  ArtifactOutput out = RunArtifact("table4");
  EXPECT_TRUE(MentionsMissing(out, "metrics time_us and energy_uj"));
  ASSERT_EQ(TableOf(out, "table4").rows.size(), 12u);
  EXPECT_EQ(Cell(TableOf(out, "table4"), 0, "T (us) paper"), "4.61");
  EXPECT_EQ(Cell(TableOf(out, "table4"), 0, "T (us) ours"), "");

  // What accel_sim's table4 tool writes: method = technology, key "total".
  AddRun("//accel_sim:test", {{"time_us", "lenet", "5,13,125", "fixed32_16", "", "total", 1, 4.61, "us"},
                              {"time_us", "lenet", "5,13,125", "fixed32_16", "", "layer=conv1", 1, 1.0, "us"},
                              {"time_us", "lenet", "5,13,125", "fixed16_10", "", "total", 1, 3.0, "us"},
                              {"energy_uj", "lenet", "5,13,125", "fixed32_16", "", "total", 1, 11.18, "uJ"},
                              {"energy_paper_convention_uj", "lenet", "5,13,125", "fixed32_16", "", "total", 1, 5.59,
                               "uJ"}});
  out = RunArtifact("table4");
  EXPECT_FALSE(MentionsMissing(out, "metrics time_us"));
  const Table& t = TableOf(out, "table4");
  EXPECT_EQ(Cell(t, 0, "widths"), "5,13,125");
  EXPECT_EQ(Cell(t, 0, "T (us) ours"), "4.61");
  EXPECT_EQ(Cell(t, 0, "T (us) ratio"), "1.000");
  EXPECT_EQ(Cell(t, 0, "E (uJ) ours"), "11.18");
  EXPECT_EQ(Cell(t, 0, "E (uJ) ratio"), "2.000");
  EXPECT_EQ(Cell(t, 0, "E as P×T (uJ) ours"), "5.59");
  EXPECT_EQ(Cell(t, 0, "E as P×T (uJ) diff"), "+0");
  EXPECT_EQ(Cell(t, 1, "T (us) ours"), "");
  EXPECT_EQ(Cell(t, 4, "network"), "ConvNets");
  EXPECT_EQ(Cell(t, 4, "widths"), "4,128,5,5");
  EXPECT_EQ(out.run_ids.size(), 1u);

  // Table 8's E column reads the same metric.
  EXPECT_EQ(Cell(TableOf(RunArtifact("table8"), "table8"), 0, "E (uJ) ours"), "11.18");
}

TEST_F(ArtifactsTest, Table5HasATablePerMeasuredPlatform) {
  AddRun("//cpu:test", {{"time_us", "lenet", "20,50,500", "cpu", "", "batch=8", 4, 1000, "us"},
                        {"time_us", "lenet", "20,50,500", "cpu", "", "total", 4, 2000, "us"}});
  const ArtifactOutput out = RunArtifact("table5");
  const Table& t = TableOf(out, "table5");
  EXPECT_NE(t.title.find("ours: cpu"), std::string::npos);
  EXPECT_EQ(Cell(t, 3, "T (us) paper"), "3140");
  EXPECT_EQ(Cell(t, 3, "T (us) ours"), "2000");  // key "total" only
  EXPECT_EQ(Cell(t, 3, "E (uJ) paper"), "29400");
  EXPECT_EQ(out.tables.size(), 1u);
  // A measured platform has no power x time column (that is the accelerator
  // model's convention), and says what its E is: here the run recorded nothing.
  EXPECT_THROW(Cell(t, 3, "E as P×T (uJ) ours"), Error);
  EXPECT_TRUE(NotesMention(t, "E (ours): the run records no energy source.")) << t.notes.back();

  // With a GPU measured too, both platforms get a table, the GPU's first;
  // each names its own energy source, as the timer recorded it.
  AddRun("//gpu:test", {{"time_us", "lenet", "20,50,500", "gpu", "", "total", 4, 150, "us"}},
         R"({"energy_source":"NVML total energy counter","method":"gpu"})");
  const ArtifactOutput both = RunArtifact("table5");
  ASSERT_EQ(both.tables.size(), 2u);
  EXPECT_NE(TableOf(both, "table5").title.find("ours: gpu"), std::string::npos);
  EXPECT_EQ(Cell(TableOf(both, "table5"), 3, "T (us) ours"), "150");
  EXPECT_NE(TableOf(both, "table5_cpu").title.find("ours: cpu"), std::string::npos);
  EXPECT_EQ(Cell(TableOf(both, "table5_cpu"), 3, "T (us) ours"), "2000");
  EXPECT_EQ(both.run_ids.size(), 2u);
  EXPECT_TRUE(NotesMention(TableOf(both, "table5"), "E (ours): NVML total energy counter."));
  EXPECT_FALSE(NotesMention(TableOf(both, "table5"), "no energy source"));
  EXPECT_TRUE(NotesMention(TableOf(both, "table5_cpu"), "E (ours): the run records no energy source."));

  // Table 4 (the accelerator model) keeps the paper's power x time column.
  EXPECT_NO_THROW(Cell(TableOf(RunArtifact("table4"), "table4"), 0, "E as P×T (uJ) ours"));
}

}  // namespace
}  // namespace rcdnn::analysis
