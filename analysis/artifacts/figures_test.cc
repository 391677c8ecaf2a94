// Figures 6 to 11 drawn from the small LeNet store: their series, their
// data tables and the files they write.
#include <gtest/gtest.h>

#include "analysis/artifact_test_fixture.h"
#include "analysis/csv.h"
#include "analysis/render.h"
#include "common/atomic_file.h"

namespace rcdnn::analysis {
namespace {

using testing::ArtifactsTest;
using testing::Cell;
using testing::IsPng;
using testing::kDataset;
using testing::MentionsMissing;
using testing::TableOf;

TEST_F(ArtifactsTest, Fig6DrawsGoldenValidationAccuracy) {
  const ArtifactOutput out = RunArtifact("fig6");
  ASSERT_EQ(out.figures.size(), 1u);
  ASSERT_EQ(out.figures[0].panels[0].series.size(), 1u);
  EXPECT_EQ(out.figures[0].panels[0].series[0].title, std::string("LeNet on ") + kDataset);
  EXPECT_EQ(out.figures[0].panels[0].series[0].labels, (std::vector<std::string>{"5/20", "10/20", "15/20", "20/20"}));
  EXPECT_TRUE(MentionsMissing(out, "//artifacts:alexnet_shards"));
  EXPECT_TRUE(MentionsMissing(out, "//artifacts:convnets_shards"));
  EXPECT_EQ(out.run_ids.size(), 1u);

  const std::string dir = testing::TempDir("fig6");
  const std::vector<std::string> files = WriteArtifact(out, dir);
  EXPECT_EQ(files, (std::vector<std::string>{dir + "/fig6.csv", dir + "/fig6.md", dir + "/fig6.png", dir + "/fig6.svg"}));
  EXPECT_TRUE(IsPng(dir + "/fig6.png"));
  const auto csv = ParseCsv(ReadFileToString(dir + "/fig6.csv"), "fig6.csv");
  ASSERT_EQ(csv.size(), 5u);
  EXPECT_EQ(csv[1].fields, (std::vector<std::string>{"LeNet", kDataset, "5,13,125", "5/20", "0.1000", "0.8000"}));
  EXPECT_EQ(csv[4].fields, (std::vector<std::string>{"LeNet", kDataset, "20,50,500", "20/20", "1.0000", "0.8800"}));
}

TEST_F(ArtifactsTest, Fig7DrawsMarginHistograms) {
  const ArtifactOutput out = RunArtifact("fig7");
  ASSERT_EQ(out.figures.size(), 1u);
  ASSERT_EQ(out.figures[0].panels.size(), 2u);  // correct, wrong
  EXPECT_EQ(out.figures[0].panels[0].series.size(), 4u);
  const Table& t = TableOf(out, "fig7");
  ASSERT_EQ(t.rows.size(), 80u);  // 4 widths x 20 bins
  // Width 5,13,125 (w = 0), bin 1 (low 0.05): correct 2 + 1 * 1, wrong 20 - 1.
  EXPECT_EQ(t.rows[1], (std::vector<std::string>{"LeNet", kDataset, "5,13,125", "5/20", "0.05", "3", "19"}));
  const std::string dir = testing::TempDir("fig7");
  WriteArtifact(out, dir);
  EXPECT_TRUE(IsPng(dir + "/fig7.png"));
}

// Every string the diagram draws, joined by newlines.
std::string DiagramText(const Figure& figure) {
  std::string text;
  for (const Panel& panel : figure.panels) {
    for (const DiagramBox& box : panel.diagram.boxes) {
      text += box.title + "\n";
      for (const std::string& line : box.lines) text += line + "\n";
    }
    for (const DiagramArrow& arrow : panel.diagram.arrows) {
      for (const std::string& line : arrow.label) text += line + "\n";
    }
    for (const analysis::DiagramText& t : panel.diagram.texts) {
      for (const std::string& line : t.lines) text += line + "\n";
    }
  }
  return text;
}

TEST_F(ArtifactsTest, Fig8DrawsTheAcceleratorFromItsTechnologyParameters) {
  ArtifactOutput out = RunArtifact("fig8");
  EXPECT_TRUE(out.figures.empty());
  EXPECT_TRUE(MentionsMissing(out, "bazel build //artifacts:accel_sim"));
  EXPECT_TRUE(MentionsMissing(out, "no technology parameters (metrics tech_*, method fixed32_16)"));

  // What accel_sim's table4 tool writes per technology (key = the line's
  // source); numbers unlike the real file's, so the labels must come from here.
  std::vector<results::Metric> tech;
  const auto add = [&](const std::string& name, double value, const std::string& unit) {
    tech.push_back({name, "", "", "fixed32_16", "", "source of " + name, std::nullopt, value, unit});
  };
  add("tech_word_bits", 24, "bits");
  add("tech_frac_bits", 12, "bits");
  add("tech_clock_period_ns", 5, "ns");
  add("tech_nfu_neurons", 8, "");
  add("tech_nfu_synapses", 4, "");
  add("tech_sb_bytes", 65536, "bytes");
  add("tech_bin_bytes", 2048, "bytes");
  add("tech_bout_bytes", 3000, "bytes");
  add("tech_sb_power_mw", 500, "mW");
  add("tech_bin_power_mw", 30.5, "mW");
  add("tech_bout_power_mw", 31.5, "mW");
  add("tech_nfu_power_mw", 100, "mW");
  add("tech_control_power_mw", 2.5, "mW");
  add("tech_total_power_mw", 800, "mW");
  add("tech_dram_peak_bandwidth_gb_s", 6.4, "GB/s");
  add("tech_dram_energy_pj_per_bit", 40, "pJ/bit");
  add("tech_margin_latency_ns", 20, "ns");
  add("tech_margin_power_fraction", 0.002, "");
  AddRun("//artifacts:accel_sim", tech);
  out = RunArtifact("fig8");
  EXPECT_TRUE(out.missing.empty());
  EXPECT_FALSE(out.reproduced);
  EXPECT_EQ(out.run_ids.size(), 1u);
  ASSERT_EQ(out.figures.size(), 1u);
  const Figure& figure = out.figures[0];
  EXPECT_EQ(figure.title, "Figure 8: the accelerator tile as simulated (fixed32_16: <24,12> fixed point, clock 5 ns "
                          "(200.0 MHz))");
  const std::string text = DiagramText(figure);
  for (const char* label : {"Off-chip DDR3 DRAM\n", "6.4 GB/s peak\n", "40 pJ/bit\n", "NBin: input buffer\n2 KB\n30.5 mW\n",
                            "SB: weight buffer\n64 KB\n500 mW\n", "NBout: output buffer\n3000 B\n31.5 mW\n",
                            "NFU: 100 mW\n", "8 x 4 = 32 multipliers\n", "8 adder trees, 3 adders each\n",
                            "8 lanes (ReLU)\n", "4 inputs / cycle\n", "32 weights / cycle\n", "8 outputs\nper cycle\n",
                            "Control processor\n2.5 mW\n", "Margin controller (the paper's)\n", "20 ns per activation\n",
                            "0.2% of power = 1.6 mW\n", "top-2 scores\n",
                            "re-run the image on a bigger increment, or next image\n"}) {
    EXPECT_NE(text.find(label), std::string::npos) << label << "\nnot in\n" << text;
  }
  EXPECT_EQ(text.find("GOP/s"), std::string::npos);      // peak_gop_s not stored: not drawn
  EXPECT_EQ(text.find("B bursts"), std::string::npos);   // nor the burst size
  const Table& t = TableOf(out, "fig8");
  EXPECT_EQ(t.rows.size(), 18u);  // the parameters above, each once
  EXPECT_EQ(Cell(t, 3, "block"), "off-chip DDR3 DRAM");
  EXPECT_EQ(Cell(t, 3, "parameter"), "tech_dram_peak_bandwidth_gb_s");
  EXPECT_EQ(Cell(t, 3, "value"), "6.4");
  EXPECT_EQ(Cell(t, 3, "unit"), "GB/s");
  EXPECT_EQ(Cell(t, 3, "source"), "source of tech_dram_peak_bandwidth_gb_s");

  const std::string dir = testing::TempDir("fig8");
  WriteArtifact(out, dir);
  EXPECT_TRUE(IsPng(dir + "/fig8.png"));
  const std::string svg = ReadFileToString(dir + "/fig8.svg");
  EXPECT_NE(svg.find("8 x 4 = 32 multipliers"), std::string::npos);
  EXPECT_NE(svg.find("clock 5 ns (200.0 MHz)"), std::string::npos);
}

TEST_F(ArtifactsTest, Fig8NamesTheParametersAnOlderStoreLacks) {
  AddRun("//artifacts:accel_sim", {{"tech_word_bits", "", "", "fixed32_16", "", "src", std::nullopt, 32, "bits"},
                                   {"tech_nfu_neurons", "", "", "fixed32_16", "", "src", std::nullopt, 16, ""}});
  const ArtifactOutput out = RunArtifact("fig8");
  EXPECT_TRUE(out.figures.empty());
  EXPECT_TRUE(MentionsMissing(out, "missing from the store: tech_clock_period_ns, tech_nfu_synapses"));
  EXPECT_FALSE(MentionsMissing(out, "tech_word_bits"));
  EXPECT_TRUE(MentionsMissing(out, "bazel build //artifacts:accel_sim"));
}

TEST_F(ArtifactsTest, Fig9ComparesTheTrainingSchemes) {
  const ArtifactOutput out = RunArtifact("fig9");
  ASSERT_EQ(out.figures.size(), 1u);
  std::vector<std::string> legends;
  for (const Series& s : out.figures[0].panels[0].series) legends.push_back(s.title);
  EXPECT_EQ(legends, (std::vector<std::string>{"golden models (one per width)", "incremental training",
                                               "incremental training, golden init",
                                               "channel shutdown of the full golden model",
                                               "full golden, budget-matched iterations"}));
  EXPECT_EQ(out.figures[0].panels[0].title, std::string("LeNet on ") + kDataset);
  const Table& t = TableOf(out, "fig9");
  ASSERT_EQ(t.rows.size(), 17u);  // 4 golden + 4 + 4 incremental + 4 shutdown + 1 budget point
  EXPECT_EQ(Cell(t, 12, "method"), "shutdown");
  EXPECT_EQ(Cell(t, 12, "increment"), "");
  EXPECT_EQ(Cell(t, 12, "accuracy (val)"), "0.1500");
  EXPECT_EQ(Cell(t, 16, "method"), "budget_golden");
  EXPECT_EQ(Cell(t, 16, "accuracy (val)"), "0.8850");
  EXPECT_EQ(out.run_ids.size(), 3u);
  const std::string dir = testing::TempDir("fig9");
  WriteArtifact(out, dir);
  EXPECT_TRUE(IsPng(dir + "/fig9.png"));
  EXPECT_NE(ReadFileToString(dir + "/fig9.svg").find(kDataset), std::string::npos);
}

TEST_F(ArtifactsTest, Fig10ComparesTestAccuracy) {
  const ArtifactOutput out = RunArtifact("fig10");
  ASSERT_EQ(out.figures.size(), 1u);
  EXPECT_EQ(out.figures[0].panels[0].series.size(), 2u);
  const Table& t = TableOf(out, "fig10");
  ASSERT_EQ(t.rows.size(), 8u);
  EXPECT_EQ(t.rows[3], (std::vector<std::string>{"LeNet", kDataset, "incremental_golden_init", "4", "20,50,500",
                                                 "20/20", "1.0000", "0.8650"}));
  const std::string dir = testing::TempDir("fig10");
  WriteArtifact(out, dir);
  EXPECT_TRUE(IsPng(dir + "/fig10.png"));
}

TEST_F(ArtifactsTest, Fig11DrawsTheControllerTrace) {
  EXPECT_TRUE(MentionsMissing(RunArtifact("fig11"), "fig11_budget_energy"));
  std::vector<results::Metric> trace;
  for (int i = 0; i < 10; ++i) {
    const std::string key = "image=" + std::to_string(i);
    trace.push_back({"fig11_budget_energy", "lenet", "", "controller", "test", key, std::nullopt, i < 5 ? 400.0 : 20.0, "uJ"});
    trace.push_back({"fig11_energy_uj", "lenet", "", "controller-jump-to-max", "test", key, std::nullopt,
                     i < 5 ? 343.39 : 17.48, "uJ"});
  }
  AddRun("//models/runtime:fig11", trace);
  const ArtifactOutput out = RunArtifact("fig11");
  ASSERT_EQ(out.figures.size(), 1u);
  EXPECT_EQ(out.figures[0].panels[0].series.size(), 2u);
  EXPECT_EQ(TableOf(out, "fig11").rows.size(), 20u);
  const std::string dir = testing::TempDir("fig11");
  WriteArtifact(out, dir);
  EXPECT_TRUE(IsPng(dir + "/fig11.png"));
}

}  // namespace
}  // namespace rcdnn::analysis
