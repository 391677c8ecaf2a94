// Each artifact function on the small LeNet store of test_store.h (and, for
// the artifacts whose producers are not wired yet, on metrics written here
// under the names they expect).
#include <gtest/gtest.h>

#include <set>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/claims.h"
#include "analysis/csv.h"
#include "analysis/render.h"
#include "analysis/test_store.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "results/provenance.h"

namespace rcdnn::analysis {
namespace {

using testing::kDataset;

class ArtifactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::FreshPath(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
    testing::WriteLenetStore(path_);
  }
  // Runs an artifact function on the store as it is now.
  ArtifactOutput RunArtifact(const std::string& id) {
    results::Store store = results::Store::OpenReadOnly(path_);
    const StoreView view(store);
    const ArtifactContext context{view, paper_, "models/spec"};
    return FindArtifact(id)->function(context);
  }
  std::vector<Claim> Claims() {
    results::Store store = results::Store::OpenReadOnly(path_);
    const StoreView view(store);
    return EvaluateClaims(ArtifactContext{view, paper_, "models/spec"});
  }
  // config_json, when given, replaces the test run's config (and so its key).
  void AddRun(const std::string& target, const std::vector<results::Metric>& metrics,
              const std::string& config_json = "") {
    results::RunInfo run = testing::TestRun(target);
    if (!config_json.empty()) {
      run.config_json = config_json;
      run.run_key = results::RunKey(run.code_version, run.target, run.config_json);
    }
    results::Store::Open(path_).WriteRun(run, metrics, {});
  }

  std::string path_;
  const PaperValues paper_ = PaperValues::Load("analysis/paper/paper_values.csv");
};

const Table& TableOf(const ArtifactOutput& out, const std::string& id) {
  for (const Table& t : out.tables) {
    if (t.id == id) return t;
  }
  throw Error("no table " + id);
}

// The cell of `row` under `column`.
std::string Cell(const Table& t, size_t row, const std::string& column) {
  for (size_t c = 0; c < t.header.size(); ++c) {
    if (t.header[c] == column) return t.rows.at(row).at(c);
  }
  throw Error("table " + t.id + " has no column " + column);
}

bool NotesMention(const Table& t, const std::string& text) {
  for (const std::string& note : t.notes) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

bool MentionsMissing(const ArtifactOutput& out, const std::string& text) {
  for (const Missing& m : out.missing) {
    if (m.what.find(text) != std::string::npos || m.command.find(text) != std::string::npos) return true;
  }
  return false;
}

bool IsPng(const std::string& path) {
  const std::string bytes = ReadFileToString(path);
  return bytes.size() > 8 && bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

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

TEST_F(ArtifactsTest, Table8PutsComparableIncrementsBesideThePaper) {
  const ArtifactOutput out = RunArtifact("table8");
  const Table& t = TableOf(out, "table8");
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(Cell(t, 0, "paper incr"), "1 (fraction 0.25)");
  EXPECT_EQ(Cell(t, 0, "Acc. paper"), "0.9760");
  EXPECT_EQ(Cell(t, 0, "Acc. ours"), "0.7900");
  EXPECT_EQ(Cell(t, 0, "Acc. diff"), "-0.1860");
  EXPECT_EQ(Cell(t, 0, "Acc. golden ours"), "0.7900");
  // Our 50% increment has no counterpart (the paper's LeNet increments are 0.25, 0.30, 1).
  EXPECT_EQ(Cell(t, 1, "paper incr"), "(none at this fraction)");
  EXPECT_EQ(Cell(t, 1, "Acc. paper"), "");
  EXPECT_EQ(Cell(t, 3, "paper incr"), "3 (fraction 1)");
  EXPECT_EQ(Cell(t, 3, "Acc. golden paper"), "0.9882");
  EXPECT_EQ(Cell(t, 3, "Acc. golden ours"), "0.8750");
  EXPECT_EQ(Cell(t, 3, "E (uJ) paper"), "343.39");
  EXPECT_EQ(Cell(t, 3, "E (uJ) ours"), "");
  EXPECT_TRUE(MentionsMissing(out, "metric energy_uj, method fixed32_16"));
  ASSERT_FALSE(t.notes.empty());
  EXPECT_NE(t.notes.back().find("stand-in data set (Fashion-MNIST (stand-in for MNIST))"), std::string::npos);
}

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

TEST_F(ArtifactsTest, Table7And9ReadTheRuntimeAnalysis) {
  EXPECT_TRUE(MentionsMissing(RunArtifact("table9"), "energy_savings_pct"));
  const std::string scheme = artifacts::kPaperScheme;
  AddRun("//models/runtime:test",
         {{"table7_num_increments", "lenet", "", "sweep", "val", "reuse=no-reuse;cost=fraction", std::nullopt, 3, ""},
          {"table7_fraction", "lenet", "", "sweep", "val", "reuse=no-reuse;cost=fraction", 1, 0.25, ""},
          {"table7_fraction", "lenet", "", "sweep", "val", "reuse=no-reuse;cost=fraction", 2, 0.35, ""},
          {"table7_fraction", "lenet", "", "sweep", "val", "reuse=no-reuse;cost=fraction", 3, 1, ""},
          {"table7_threshold", "lenet", "", "opportunistic", "val", scheme, 1, 0.8, ""},
          {"table7_threshold", "lenet", "", "opportunistic", "val", "criterion=max-drop;reuse=no-reuse", 1, 0.1, ""},
          {"accuracy_drop_pct", "lenet", "", "opportunistic", "test", scheme + ";vs=golden-full", std::nullopt, 0.5, "%"},
          {"energy_savings_pct", "lenet", "", "opportunistic", "test", scheme, std::nullopt, 93.25, "%"},
          {"cost_model_is_relative_macs", "lenet", "", "", "", "measured (lenet_cost.csv)", std::nullopt, 0, ""}});
  const ArtifactOutput t7out = RunArtifact("table7");
  const Table& t7 = TableOf(t7out, "table7");
  EXPECT_EQ(Cell(t7, 0, "quantity"), "Num Incr.");
  EXPECT_EQ(Cell(t7, 0, "value paper"), "3");
  EXPECT_EQ(Cell(t7, 0, "value ours"), "3");
  EXPECT_EQ(Cell(t7, 1, "quantity"), "incr 1 fraction");
  EXPECT_EQ(Cell(t7, 2, "quantity"), "incr 1 threshold");
  EXPECT_EQ(Cell(t7, 2, "value paper"), "0.9");
  EXPECT_EQ(Cell(t7, 2, "value ours"), "0.8");  // the paper's criterion, not max-drop
  EXPECT_EQ(Cell(t7, 3, "value ours"), "0.35");

  const ArtifactOutput t9out = RunArtifact("table9");
  const Table& t9 = TableOf(t9out, "table9");
  EXPECT_EQ(Cell(t9, 0, "network"), "LeNet");
  EXPECT_EQ(Cell(t9, 0, "cost model"), "measured (lenet_cost.csv)");
  EXPECT_EQ(Cell(t9, 0, "accuracy drop % paper"), "0.60");
  EXPECT_EQ(Cell(t9, 0, "accuracy drop % ours"), "0.50");
  EXPECT_EQ(Cell(t9, 0, "energy savings % ours"), "93.25");
  EXPECT_EQ(Cell(t9, 0, "energy savings % diff"), "-2.28");
  EXPECT_EQ(Cell(t9, 0, "GPU energy savings % ours"), "");
  EXPECT_FALSE(MentionsMissing(t9out, "Table 9 results of LeNet"));
  EXPECT_TRUE(MentionsMissing(t9out, "Table 9 results of ALEXnet"));
}

TEST_F(ArtifactsTest, Table9PricesTheSchemesEscalationsOnMeasuredPlatforms) {
  const std::string scheme = artifacts::kPaperScheme;
  // 100 test images: 70 answered by increment 1, 20 by 2, 10 by 3; each ran
  // increments 1..i afresh.
  AddRun("//models/runtime:test",
         {{"accuracy_drop_pct", "lenet", "", "opportunistic", "test", scheme + ";vs=golden-full", std::nullopt, 0.5, "%"},
          {"energy_savings_pct", "lenet", "", "opportunistic", "test", scheme, std::nullopt, 90, "%"},
          {"answered_by_increment", "lenet", "", "opportunistic", "test", scheme, 1, 70, "images"},
          {"answered_by_increment", "lenet", "", "opportunistic", "test", scheme, 2, 20, "images"},
          {"answered_by_increment", "lenet", "", "opportunistic", "test", scheme, 3, 10, "images"},
          {"answered_by_increment", "lenet", "", "opportunistic", "test", "criterion=max-drop;reuse=no-reuse", 1, 100,
           "images"},
          {"table7_trained_fraction", "lenet", "5,13,125", "incremental_golden_init", "", "", 1, 0.25, ""},
          {"table7_trained_fraction", "lenet", "10,25,250", "incremental_golden_init", "", "", 2, 0.5, ""},
          {"table7_trained_fraction", "lenet", "20,50,500", "incremental_golden_init", "", "", 3, 1, ""}});
  // CPU: time only (no RAPL). GPU: energy. Spent on the CPU = 70*10 + 20*30
  // + 10*70 = 2000 us against 100*40 = 4000 us: 50% saved. On the GPU,
  // 70*1 + 20*3 + 10*8 = 210 uJ against 500 uJ: 58% saved. The platforms
  // timed four widths; the scheme's are matched by width (15,38,375 unused).
  AddRun("//artifacts:platforms", {{"time_us", "lenet", "5,13,125", "cpu", "", "total", 1, 10, "us"},
                                   {"time_us", "lenet", "10,25,250", "cpu", "", "total", 2, 20, "us"},
                                   {"time_us", "lenet", "15,38,375", "cpu", "", "total", 3, 30, "us"},
                                   {"time_us", "lenet", "20,50,500", "cpu", "", "total", 4, 40, "us"},
                                   {"time_us", "lenet", "20,50,500", "cpu", "", "batch=8", 4, 1, "us"},
                                   {"energy_uj", "lenet", "5,13,125", "gpu", "", "total", 1, 1, "uJ"},
                                   {"energy_uj", "lenet", "10,25,250", "gpu", "", "total", 2, 2, "uJ"},
                                   {"energy_uj", "lenet", "20,50,500", "gpu", "", "total", 4, 5, "uJ"}});
  const ArtifactOutput out = RunArtifact("table9");
  const Table& t = TableOf(out, "table9");
  EXPECT_EQ(Cell(t, 0, "CPU savings % (measured)"), "50.00 (time)");
  EXPECT_EQ(Cell(t, 0, "GPU energy savings % ours"), "58.00");
  EXPECT_EQ(Cell(t, 0, "GPU energy savings % paper"), "48.00");
}

// A platform prices a row only if it timed every width the row's scheme ran:
// the uniform widths' timings lack the optimum's 6,15,150, and the row stays
// empty until the optimum's own widths are timed (table7_cpu).
TEST_F(ArtifactsTest, Table9PricesARowOnlyWithTimingsOfAllItsWidths) {
  const std::string scheme = artifacts::kPaperScheme;
  AddRun("//models/runtime:table7_test",
         {{"energy_savings_pct", "lenet", "", "table7_opportunistic", "test", scheme, std::nullopt, 90, "%"},
          {"answered_by_increment", "lenet", "", "table7_opportunistic", "test", scheme, 1, 50, "images"},
          {"answered_by_increment", "lenet", "", "table7_opportunistic", "test", scheme, 2, 50, "images"},
          {"table7_trained_fraction", "lenet", "6,15,150", "table7_incremental_golden_init", "", "", 1, 0.3, ""},
          {"table7_trained_fraction", "lenet", "20,50,500", "table7_incremental_golden_init", "", "", 2, 1, ""}});
  AddRun("//artifacts:platforms", {{"time_us", "lenet", "5,13,125", "cpu", "", "total", 1, 10, "us"},
                                   {"time_us", "lenet", "20,50,500", "cpu", "", "total", 4, 40, "us"}});
  EXPECT_EQ(Cell(TableOf(RunArtifact("table9"), "table9"), 0, "CPU savings % (measured)"), "");
  // 50*10 + 50*(10+40) = 3000 us against 100*40: 25% saved.
  AddRun("//artifacts:lenet_table7_cpu_platforms",
         {{"time_us", "lenet", "6,15,150", "table7_cpu", "", "total", 1, 10, "us"},
          {"time_us", "lenet", "20,50,500", "table7_cpu", "", "total", 2, 40, "us"}});
  const ArtifactOutput out = RunArtifact("table9");
  const Table& t = TableOf(out, "table9");
  EXPECT_EQ(Cell(t, 0, "models"), "Table 7 optimum (0.3, 1)");
  EXPECT_EQ(Cell(t, 0, "CPU savings % (measured)"), "25.00 (time)");
}

// The bounded-drop thresholds get their own row, after the paper's, with no
// paper value beside them (the paper reports its criterion only).
TEST_F(ArtifactsTest, Table9ShowsTheBoundedDropThresholdsBesideThePapers) {
  const std::string scheme = artifacts::kPaperScheme, max_drop = "criterion=max-drop;reuse=no-reuse";
  AddRun("//models/runtime:test",
         {{"accuracy_drop_pct", "alexnet", "", "opportunistic", "test", scheme + ";vs=golden-full", std::nullopt, 8, "%"},
          {"energy_savings_pct", "alexnet", "", "opportunistic", "test", scheme, std::nullopt, 90, "%"},
          {"accuracy_drop_pct", "alexnet", "", "opportunistic", "test", max_drop + ";vs=golden-full", std::nullopt, 0.4,
           "%"},
          {"energy_savings_pct", "alexnet", "", "opportunistic", "test", max_drop, std::nullopt, 14, "%"}});
  const ArtifactOutput out = RunArtifact("table9");
  const Table& t = TableOf(out, "table9");
  size_t first = t.rows.size();
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (Cell(t, r, "network") == "ALEXnet" && first == t.rows.size()) first = r;
  }
  ASSERT_LT(first + 1, t.rows.size());
  EXPECT_EQ(Cell(t, first, "thresholds"), "max saving x accuracy (paper)");
  EXPECT_EQ(Cell(t, first, "energy savings % ours"), "90.00");
  EXPECT_EQ(Cell(t, first, "energy savings % paper"), "32.61");
  EXPECT_EQ(Cell(t, first + 1, "network"), "ALEXnet");
  EXPECT_EQ(Cell(t, first + 1, "thresholds"), "min energy within max drop");
  EXPECT_EQ(Cell(t, first + 1, "accuracy drop % ours"), "0.40");
  EXPECT_EQ(Cell(t, first + 1, "energy savings % ours"), "14.00");
  EXPECT_EQ(Cell(t, first + 1, "energy savings % paper"), "");
  EXPECT_FALSE(MentionsMissing(out, "Table 9 results of ALEXnet"));
}

// The paper draws Tables 8 and 9 (and Table 7's thresholds) from models
// trained with its Table 7 increments: ours are the table7_ methods, shown
// first, with the 4 uniform increments beside them.
TEST_F(ArtifactsTest, Tables7To9PreferTheModelsOfTheTable7Optimum) {
  const std::string scheme = artifacts::kPaperScheme;
  auto runtime_run = [&](const std::string& prefix, const std::vector<std::pair<std::string, double>>& increments,
                         double threshold, double drop, double saving) {
    std::vector<results::Metric> metrics = {
        {"table7_threshold", "lenet", "", prefix + "opportunistic", "val", scheme, 1, threshold, ""},
        {"accuracy_drop_pct", "lenet", "", prefix + "opportunistic", "test", scheme + ";vs=golden-full", std::nullopt,
         drop, "%"},
        {"energy_savings_pct", "lenet", "", prefix + "opportunistic", "test", scheme, std::nullopt, saving, "%"},
        {"cost_model_is_relative_macs", "lenet", "", "", "", "measured (cost.csv)", std::nullopt, 0, ""}};
    for (size_t i = 0; i < increments.size(); ++i) {
      const auto& [width, fraction] = increments[i];
      const int increment = static_cast<int>(i + 1);
      metrics.push_back({"table7_trained_fraction", "lenet", width, prefix + "incremental_golden_init", "", "",
                         increment, fraction, ""});
      metrics.push_back({"energy_uj", "lenet", width, prefix + "incremental_golden_init", "", "", increment,
                         10.0 * increment, "uJ"});
    }
    AddRun("//artifacts:" + prefix + "runtime", metrics);
  };
  runtime_run("", {{"5,13,125", 0.25}, {"10,25,250", 0.5}, {"15,38,375", 0.75}, {"20,50,500", 1}}, 0.5, 0.8, 80);
  runtime_run("table7_", {{"5,13,125", 0.25}, {"6,15,150", 0.3}, {"20,50,500", 1}}, 0.9, 0.4, 95);
  // The optimum's evaluation: test accuracy and relative MACs per increment, golden models beside.
  std::vector<results::Metric> eval;
  for (const auto& [width, increment, accuracy] :
       {std::tuple<std::string, int, double>{"5,13,125", 1, 0.97}, {"6,15,150", 2, 0.98}, {"20,50,500", 3, 0.99}}) {
    for (const std::string method : {"table7_incremental_golden_init", "table7_golden"}) {
      const bool golden = method == "table7_golden";
      eval.push_back({"accuracy", "lenet", width, method, "test", "", golden ? 1 : increment,
                      golden ? accuracy - 0.005 : accuracy, ""});
      eval.push_back({"relative_macs", "lenet", width, method, "test", "", golden ? 1 : increment, 0.1 * increment, ""});
    }
  }
  AddRun("//artifacts:table7_eval", eval);

  const ArtifactOutput t9out = RunArtifact("table9");  // TableOf refers into it
  const Table& t9 = TableOf(t9out, "table9");
  ASSERT_GE(t9.rows.size(), 2u);
  EXPECT_EQ(Cell(t9, 0, "models"), "Table 7 optimum (0.25, 0.3, 1)");
  EXPECT_EQ(Cell(t9, 0, "energy savings % ours"), "95.00");
  EXPECT_EQ(Cell(t9, 1, "models"), "4 uniform increments (0.25, 0.5, 0.75, 1)");
  EXPECT_EQ(Cell(t9, 1, "energy savings % ours"), "80.00");

  const ArtifactOutput t7out = RunArtifact("table7");
  const Table& t7 = TableOf(t7out, "table7");
  bool threshold_row = false;
  for (size_t r = 0; r < t7.rows.size(); ++r) {
    if (Cell(t7, r, "network") != "LeNet" || Cell(t7, r, "quantity") != "incr 1 threshold") continue;
    threshold_row = true;
    EXPECT_EQ(Cell(t7, r, "value ours"), "0.9");
    EXPECT_EQ(Cell(t7, r, "ours from"), "trained increments 0.25, 0.3, 1 (Table 7 optimum)");
  }
  EXPECT_TRUE(threshold_row);

  const ArtifactOutput t8out = RunArtifact("table8");
  const Table& t8 = TableOf(t8out, "table8");
  ASSERT_GE(t8.rows.size(), 3u);
  EXPECT_EQ(Cell(t8, 0, "models"), "Table 7 optimum");
  EXPECT_EQ(Cell(t8, 1, "method"), "table7_incremental_golden_init");
  EXPECT_EQ(Cell(t8, 1, "widths"), "6,15,150");
  EXPECT_EQ(Cell(t8, 1, "paper incr"), "2 (fraction 0.30)");
  EXPECT_EQ(Cell(t8, 1, "Acc. ours"), "0.9800");
  EXPECT_EQ(Cell(t8, 1, "Acc. golden ours"), "0.9750");
  EXPECT_EQ(Cell(t8, 1, "E (uJ) ours"), "20");  // the runtime's cost of the width: not in accel_sim's run

  bool energy_claim = false;
  for (const Claim& c : Claims()) {
    if (c.id != "energy") continue;
    energy_claim = true;
    EXPECT_NE(c.ours.find("95.00% energy saving, 0.40 pt drop (Table 7 optimum models)"), std::string::npos) << c.ours;
  }
  EXPECT_TRUE(energy_claim);
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
          {"cost_model_is_relative_macs", "lenet", "", "", "", "measured (cost.csv)", std::nullopt, 0, ""}});
  claims = Claims();
  EXPECT_EQ(claims[0].verdict, Verdict::kHolds) << claims[0].ours;

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
