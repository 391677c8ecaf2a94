// Timing, traffic and energy of the analytical simulator.
#include "accel_sim/simulator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "accel_sim/test_networks.h"
#include "common/error.h"

namespace rcdnn::accel {
namespace {

using testing::OnChipNet;
using testing::PaperFractions;
using testing::PaperNetworks;
using testing::Spec;
using testing::Tech32;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

const LayerResult& Row(const SimResult& r, const std::string& layer) {
  for (const LayerResult& row : r.layers) {
    if (row.layer == layer) return row;
  }
  throw Error("no layer " + layer);
}

// The paper's analytical count for a conv/fc layer whose reduction is not
// split: ceil(out / 16) * ceil(in * k * k / 16) * positions, plus the
// 3-stage pipeline's fill/drain (2 cycles).
int64_t FormulaCycles(int out, int64_t in_k_k, int64_t positions) {
  return CeilDiv(out, 16) * CeilDiv(in_k_k, 16) * positions + 2;
}

TEST(Simulator, ComputeBoundLayerReachesTheAnalyticalCountExactly) {
  const models::NetSpec spec = OnChipNet();
  const models::Widths widths = models::FullWidths(spec);
  const TechConfig tech = Tech32();
  SimOptions one, two;
  two.num_images = 2;
  const SimResult r1 = SimulateAnalytical(spec, widths, tech, one);
  const SimResult r2 = SimulateAnalytical(spec, widths, tech, two);
  // The second image: weights stay in Sb (the whole net's 10,304 fit),
  // conv1's output stays in Bout and becomes conv2's input: no DRAM at all.
  const LayerResult& a = Row(r1, "conv2");
  const LayerResult& b = Row(r2, "conv2");
  const int64_t steady = b.cycles - a.cycles;
  EXPECT_EQ(steady, FormulaCycles(32, 16 * 3 * 3, 4 * 4));  // 2 * 9 * 16 + 2 = 290
  EXPECT_EQ(steady, 290);
  EXPECT_EQ(b.stall_cycles - a.stall_cycles, 0);
  EXPECT_EQ(b.dram_bytes - a.dram_bytes, 0);
  EXPECT_TRUE(b.mapping.input_on_chip);
  EXPECT_TRUE(b.mapping.output_on_chip);
  EXPECT_TRUE(b.mapping.weights_resident);
}

// Tail shapes: 1, 16 and 17 channels, odd widths, 1x1 and 3x3 kernels.
TEST(Simulator, ComputeCyclesFollowTheFormulaOnTailShapes) {
  const TechConfig tech = Tech32();
  for (int in : {1, 3, 16, 17}) {
    for (int out : {1, 16, 17, 33}) {
      for (int k : {1, 3}) {
        const models::NetSpec spec = Spec("network tail\ninput channels=" + std::to_string(in) +
                                          " height=9 width=7\nconv name=c filters=" + std::to_string(out) +
                                          " kernel=" + std::to_string(k) +
                                          " stride=1 pad=0\nfc name=ip outputs=10\n");
        const SimResult r = SimulateAnalytical(spec, models::FullWidths(spec), tech);
        const LayerResult& c = Row(r, "c");
        ASSERT_EQ(c.mapping.c_tiles, 1);
        const int64_t positions = int64_t{9 - k + 1} * (7 - k + 1);
        EXPECT_EQ(c.compute_cycles, FormulaCycles(out, int64_t{in} * k * k, positions))
            << in << " -> " << out << " k" << k;
        EXPECT_EQ(c.counters.nfu.multiplies, c.macs);
      }
    }
  }
}

TEST(Simulator, PaperNetworksFollowTheFormulaWhereTheReductionIsWhole) {
  const TechConfig tech = Tech32();
  int checked = 0;
  for (const models::NetSpec& spec : PaperNetworks()) {
    for (double f : PaperFractions()) {
      const models::Widths widths = models::UniformWidths(spec, f);
      const std::vector<models::LayerShape> shapes = models::InferShapes(spec, widths);
      const SimResult r = SimulateAnalytical(spec, widths, tech);
      for (size_t i = 0; i < spec.layers.size(); ++i) {
        const models::LayerSpec& layer = spec.layers[i];
        if (!layer.HasWeights()) continue;
        const models::LayerShape& s = shapes[i];
        const int64_t reduction = s.weight_count / s.out_channels;
        const int64_t formula = FormulaCycles(s.out_channels, reduction, int64_t{s.out_height} * s.out_width);
        const LayerResult& row = r.layers[i];
        EXPECT_EQ(row.counters.nfu.multiplies, s.macs);
        if (row.mapping.c_tiles == 1) {
          EXPECT_EQ(row.compute_cycles, formula) << spec.name << " " << layer.name << " at " << f;
          ++checked;
        } else {
          EXPECT_GE(row.compute_cycles, formula);  // a split reduction pays lane tails per tile
        }
      }
    }
  }
  EXPECT_GT(checked, 20);
}

TEST(Simulator, PeakOfTheTileIs496OpsPerCycle) {
  const TechConfig tech = Tech32();
  EXPECT_EQ(Nfu(tech.nfu).PeakOpsPerCycle(), 496);
  SimOptions one, two;
  two.num_images = 2;
  const models::NetSpec spec = OnChipNet();
  const LayerResult a = Row(SimulateAnalytical(spec, models::FullWidths(spec), tech, one), "conv2");
  const LayerResult b = Row(SimulateAnalytical(spec, models::FullWidths(spec), tech, two), "conv2");
  // conv2 fills every lane: 32 = 2 x 16 outputs, 16 x 3 x 3 = 9 x 16 inputs.
  EXPECT_EQ(b.counters.nfu.PaperOps(), 496 * b.counters.nfu.cycles);
  // The second image's conv2: 288 issue cycles at 496 ops, 2 of fill/drain.
  const int64_t ops = b.counters.nfu.PaperOps() - a.counters.nfu.PaperOps();
  const int64_t cycles = b.cycles - a.cycles;
  EXPECT_EQ(ops, 496 * 288);
  EXPECT_EQ(cycles, 290);
  EXPECT_NEAR(static_cast<double>(ops) / (496.0 * cycles), 288.0 / 290.0, 1e-12);
  // The first image waits for conv2's weights: lower utilisation over the run.
  EXPECT_LT(b.utilisation, 288.0 / 290.0);
  for (const LayerResult& row : SimulateAnalytical(spec, models::FullWidths(spec), tech, two).layers) {
    EXPECT_LE(row.utilisation, 1.0);
  }
}

TEST(Simulator, WeightsThatFitAreLoadedFromDramOnceOverImagesAndTiles) {
  const TechConfig tech = Tech32();
  const models::NetSpec spec = OnChipNet();
  SimOptions many;
  many.num_images = 10;
  const SimResult r = SimulateAnalytical(spec, models::FullWidths(spec), tech, many);
  // Sb is written only by DRAM weight loads: 576 + 4608 + 5120 words, once.
  EXPECT_EQ(r.total.counters.sb.write_bytes, (576 + 4608 + 5120) * 4);
  EXPECT_EQ(Row(r, "conv2").counters.sb.write_bytes, 4608 * 4);

  // LeNet's conv1 runs in many row tiles; its 500 weights are loaded once per
  // image. ip1's 400,000 do not fit Sb and stream once per image too.
  const models::NetSpec lenet = models::LoadNetSpec("models/spec/lenet.net");
  SimOptions five;
  five.num_images = 5;
  const SimResult l = SimulateAnalytical(lenet, models::FullWidths(lenet), tech, five);
  const LayerResult& conv1 = Row(l, "conv1");
  EXPECT_GT(conv1.mapping.row_tiles * conv1.mapping.col_tiles, 1);
  EXPECT_EQ(conv1.counters.sb.write_bytes, 5 * 500 * 4);
  EXPECT_EQ(Row(l, "ip1").counters.sb.write_bytes, 5 * 400000 * 4);
}

TEST(Simulator, DoublingDramBandwidthShortensOnlyMemoryBoundLayers) {
  const TechConfig tech = Tech32();
  TechConfig fast = tech;
  fast.dram.peak_bandwidth_gb_s *= 2;
  int unchanged = 0, shortened = 0;
  auto compare = [&](const models::NetSpec& spec, const models::Widths& widths, int images) {
    SimOptions options;
    options.num_images = images;
    const SimResult base = SimulateAnalytical(spec, widths, tech, options);
    const SimResult quick = SimulateAnalytical(spec, widths, fast, options);
    for (size_t i = 0; i < base.layers.size(); ++i) {
      const LayerResult& b = base.layers[i];
      const LayerResult& q = quick.layers[i];
      if (b.kind == "relu") continue;
      EXPECT_LE(q.cycles, b.cycles) << spec.name << " " << b.layer;
      EXPECT_EQ(q.compute_cycles, b.compute_cycles);
      if (b.stall_cycles == 0) {  // compute-bound: DRAM fully hidden
        EXPECT_EQ(q.cycles, b.cycles) << spec.name << " " << b.layer;
        ++unchanged;
      }
      const double dram_floor_ns = b.dram_bytes / tech.dram.peak_bandwidth_gb_s;
      if (dram_floor_ns > b.compute_cycles * tech.clock_period_ns) {  // memory-bound
        EXPECT_LT(q.cycles, b.cycles) << spec.name << " " << b.layer;
        ++shortened;
      }
    }
  };
  for (const models::NetSpec& spec : PaperNetworks()) {
    for (double f : PaperFractions()) compare(spec, models::UniformWidths(spec, f), 1);
  }
  compare(OnChipNet(), models::FullWidths(OnChipNet()), 3);
  EXPECT_GT(unchanged, 3);
  EXPECT_GT(shortened, 3);
}

TEST(Simulator, TimeIsAboveTheRooflineForEveryLayer) {
  for (const TechConfig& tech : {Tech32(), testing::Tech16()}) {
    const double lanes = tech.nfu.neurons * tech.nfu.synapses;
    for (const models::NetSpec& spec : PaperNetworks()) {
      for (double f : PaperFractions()) {
        const models::Widths widths = models::UniformWidths(spec, f);
        const std::vector<models::LayerShape> shapes = models::InferShapes(spec, widths);
        const SimResult r = SimulateAnalytical(spec, widths, tech);
        for (size_t i = 0; i < spec.layers.size(); ++i) {
          const models::LayerSpec& layer = spec.layers[i];
          const LayerResult& row = r.layers[i];
          double work_cycles = 0;
          if (layer.HasWeights()) {
            work_cycles = shapes[i].macs / lanes;
          } else if (layer.kind != models::LayerKind::kRelu) {  // pooling: 16 window elements per cycle
            work_cycles = static_cast<double>(shapes[i].OutputSize()) * layer.kernel * layer.kernel /
                          tech.nfu.neurons;
          }
          const double compute_floor_ns = work_cycles * tech.clock_period_ns;
          const double dram_floor_ns = row.dram_bytes / tech.dram.peak_bandwidth_gb_s;
          EXPECT_GE(row.time_ns + 1e-9, std::max(compute_floor_ns, dram_floor_ns))
              << spec.name << " " << layer.name << " at " << f << " on " << tech.name;
        }
        EXPECT_GE(r.total.time_ns, r.total.dram_bytes / tech.dram.peak_bandwidth_gb_s);
      }
    }
  }
}

TEST(Simulator, NarrowerNeverCostsMoreCyclesOrEnergy) {
  const TechConfig tech = Tech32();
  for (const models::NetSpec& spec : PaperNetworks()) {
    // Table 4's increments and a finer grid between them.
    std::vector<double> fractions;
    for (int i = 1; i <= 20; ++i) fractions.push_back(i / 20.0);
    SimResult previous;
    bool first = true;
    for (double f : fractions) {
      const SimResult r = SimulateAnalytical(spec, models::UniformWidths(spec, f), tech);
      if (!first) {
        EXPECT_LE(previous.total.cycles, r.total.cycles) << spec.name << " at " << f;
        EXPECT_LE(previous.total.energy.TotalPj(), r.total.energy.TotalPj()) << spec.name << " at " << f;
        EXPECT_LE(previous.total.energy.OnChipPj(), r.total.energy.OnChipPj()) << spec.name << " at " << f;
        EXPECT_LE(previous.total.paper_energy_pj, r.total.paper_energy_pj) << spec.name << " at " << f;
      }
      previous = r;
      first = false;
    }
  }
}

TEST(Simulator, ImagesAfterTheFirstAreCountedFromTheSteadyState) {
  const TechConfig tech = Tech32();
  const models::NetSpec spec = OnChipNet();
  SimOptions two, seven;
  two.num_images = 2;
  seven.num_images = 7;
  const SimResult r1 = SimulateAnalytical(spec, models::FullWidths(spec), tech);
  const SimResult r2 = SimulateAnalytical(spec, models::FullWidths(spec), tech, two);
  const SimResult r7 = SimulateAnalytical(spec, models::FullWidths(spec), tech, seven);
  EXPECT_EQ(r7.total.cycles - r1.total.cycles, 6 * (r2.total.cycles - r1.total.cycles));
  EXPECT_EQ(r7.margin_controller.counters.margin.activations, 7);
  EXPECT_DOUBLE_EQ(r7.margin_controller.time_ns, 7 * 12.0);
  EXPECT_LT(r7.TimeNsPerImage(), r1.TimeNsPerImage());  // weights loaded once, amortized
}

TEST(Simulator, TotalsAreTheSumOfTheRows) {
  const TechConfig tech = Tech32();
  for (const models::NetSpec& spec : PaperNetworks()) {
    const SimResult r = SimulateAnalytical(spec, models::UniformWidths(spec, 0.5), tech);
    double time_ns = r.margin_controller.time_ns, energy_pj = r.margin_controller.energy.TotalPj();
    int64_t cycles = r.margin_controller.cycles, dram = 0, macs = 0;
    for (const LayerResult& row : r.layers) {
      time_ns += row.time_ns;
      energy_pj += row.energy.TotalPj();
      cycles += row.cycles;
      dram += row.dram_bytes;
      macs += row.macs;
      EXPECT_EQ(row.cycles, row.compute_cycles + row.stall_cycles);
      EXPECT_NEAR(row.paper_energy_pj, tech.power.total_mw * row.time_ns, 1e-6);
    }
    EXPECT_NEAR(r.total.time_ns, time_ns, 1e-6);
    EXPECT_NEAR(r.total.energy.TotalPj(), energy_pj, 1e-3);
    EXPECT_EQ(r.total.cycles, cycles);
    EXPECT_EQ(r.total.dram_bytes, dram);
    EXPECT_EQ(r.total.macs, models::TotalMacs(models::InferShapes(spec, models::UniformWidths(spec, 0.5))));
    EXPECT_NEAR(r.total.paper_energy_pj / r.total.time_ns, 1213.4, 1e-9);  // Table 4's E / T
  }
}

TEST(Simulator, SixteenBitWordsHalveTrafficNotCycles) {
  for (const models::NetSpec& spec : PaperNetworks()) {
    const models::Widths widths = models::FullWidths(spec);
    const SimResult r32 = SimulateAnalytical(spec, widths, Tech32());
    const SimResult r16 = SimulateAnalytical(spec, widths, testing::Tech16());
    const SimResult rf = SimulateAnalytical(spec, widths, testing::TechFloat());
    EXPECT_EQ(r16.total.compute_cycles, r32.total.compute_cycles);
    EXPECT_LE(r16.total.dram_bytes, r32.total.dram_bytes / 2 + 64 * 200);  // burst rounding
    EXPECT_GE(r16.total.dram_bytes, r32.total.dram_bytes / 2 - 64 * 200);
    EXPECT_LE(r16.total.cycles, r32.total.cycles);
    EXPECT_EQ(rf.total.cycles, r32.total.cycles);  // same clock, same words
    EXPECT_GT(rf.total.paper_energy_pj, r32.total.paper_energy_pj);
    EXPECT_GT(rf.total.energy.nfu_pj, r32.total.energy.nfu_pj);
  }
}

TEST(Simulator, FlattenedRowsCarryUnits) {
  const models::NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  const SimResult r = SimulateAnalytical(spec, models::UniformWidths(spec, 0.25), Tech32());
  const std::vector<MetricRow> rows = FlattenSimResult(r);
  auto find = [&](const std::string& name, const std::string& layer) -> const MetricRow* {
    for (const MetricRow& row : rows) {
      if (row.name == name && row.layer == layer) return &row;
    }
    return nullptr;
  };
  ASSERT_NE(find("time_ns", "total"), nullptr);
  EXPECT_DOUBLE_EQ(find("time_ns", "total")->value, r.total.time_ns);
  EXPECT_EQ(find("time_ns", "total")->unit, "ns");
  ASSERT_NE(find("energy_dram_pj", "ip1"), nullptr);
  EXPECT_EQ(find("energy_dram_pj", "ip1")->unit, "pJ");
  ASSERT_NE(find("paper_energy_pj_per_image", "total"), nullptr);
  EXPECT_EQ(find("cycles", "conv1")->unit, "cycles");
  EXPECT_EQ(find("saturations_outputs", "conv1"), nullptr);  // analytical: no saturation rows
}

TEST(Simulator, LayersThatCannotBeMappedAreNamed) {
  const TechConfig tech = Tech32();
  // One 26 x 26 filter needs 676 input words; half of Bin holds 640.
  const models::NetSpec wide = Spec(
      "network wide\ninput channels=1 height=60 width=60\n"
      "conv name=huge_kernel filters=4 kernel=26 stride=1 pad=0\nfc name=ip outputs=10\n");
  try {
    SimulateAnalytical(wide, models::FullWidths(wide), tech);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("huge_kernel"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Bin"), std::string::npos) << e.what();
  }
  // 16 filters of 26 x 26 need 10,816 words of Sb; half of it holds 10,240.
  const models::NetSpec heavy = Spec(
      "network heavy\ninput channels=1 height=30 width=30\n"
      "conv name=heavy_weights filters=32 kernel=26 stride=1 pad=0\nfc name=ip outputs=10\n");
  try {
    SimulateAnalytical(heavy, models::FullWidths(heavy), tech);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("heavy_weights"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Sb"), std::string::npos) << e.what();
  }
  const models::NetSpec lenet = models::LoadNetSpec("models/spec/lenet.net");
  EXPECT_THROW(SimulateAnalytical(lenet, {20, 50}, tech), Error);        // wrong length
  EXPECT_THROW(SimulateAnalytical(lenet, {20, 51, 500}, tech), Error);   // wider than the layer
  SimOptions none;
  none.num_images = 0;
  EXPECT_THROW(SimulateAnalytical(lenet, models::FullWidths(lenet), tech, none), Error);
}

}  // namespace
}  // namespace rcdnn::accel
