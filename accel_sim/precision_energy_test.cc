#include "accel_sim/precision_energy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

using models::NetSpec;
using models::Widths;

TechConfig Tech32() { return LoadTechConfig("accel_sim/tech/fixed32_16.tech"); }
TechConfig Tech16() { return LoadTechConfig("accel_sim/tech/fixed16_10.tech"); }

std::vector<NetSpec> PaperNetworks() {
  return {models::LoadNetSpec("models/spec/lenet.net"), models::LoadNetSpec("models/spec/convnets.net"),
          models::LoadNetSpec("models/spec/alexnet.net")};
}

void ExpectRelNear(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-12 * std::max(1.0, std::fabs(expected))) << what;
}

void ExpectBreakdownNear(const EnergyBreakdown& a, const EnergyBreakdown& b, const std::string& what) {
  ExpectRelNear(a.nfu_pj, b.nfu_pj, what + " nfu");
  ExpectRelNear(a.sb_pj, b.sb_pj, what + " sb");
  ExpectRelNear(a.bin_pj, b.bin_pj, what + " bin");
  ExpectRelNear(a.bout_pj, b.bout_pj, what + " bout");
  ExpectRelNear(a.control_pj, b.control_pj, what + " control");
  ExpectRelNear(a.margin_controller_pj, b.margin_controller_pj, what + " margin controller");
  ExpectRelNear(a.dram_pj, b.dram_pj, what + " dram");
}

// Values of `bits` bits packed into bytes, then whole 64-byte bursts.
TEST(PackedBurstBytes, PacksBitsThenRoundsToBursts) {
  EXPECT_EQ(PackedBurstBytes(0, 8, 64), 0);
  EXPECT_EQ(PackedBurstBytes(16, 32, 64), 64);   // 64 bytes: one burst exactly
  EXPECT_EQ(PackedBurstBytes(17, 32, 64), 128);  // one byte over: a second burst
  EXPECT_EQ(PackedBurstBytes(32, 16, 64), 64);   // two 16-bit values per 32-bit word
  EXPECT_EQ(PackedBurstBytes(1, 4, 64), 64);     // half a byte still costs a burst
  EXPECT_EQ(PackedBurstBytes(128, 4, 64), 64);   // 128 x 4 bits = 64 bytes
  EXPECT_EQ(PackedBurstBytes(3, 6, 8), 8);       // 18 bits -> 3 bytes -> one 8-byte burst
  EXPECT_EQ(PackedBurstBytes(11, 6, 8), 16);     // 66 bits -> 9 bytes -> two bursts
}

// The defining property: at the tech's own word width nothing changes.
TEST(PrecisionPricer, ReferencePrecisionReproducesTheSimulatorsEnergy) {
  for (const TechConfig& tech : {Tech32(), Tech16()}) {
    for (const NetSpec& spec : PaperNetworks()) {
      for (double fraction : {0.25, 1.0}) {
        for (int images : {1, 3}) {
          SimOptions options;
          options.num_images = images;
          const Widths widths = models::UniformWidths(spec, fraction);
          const PrecisionPricer pricer(spec, widths, tech, options);
          const PrecisionEnergy e = pricer.Price(UniformPrecision(spec, tech.format));
          const SimResult& ref = pricer.reference();
          const std::string what = spec.name + " " + tech.name + " @" + std::to_string(fraction);
          ExpectBreakdownNear(e.total, ref.total.energy, what + " total");
          EXPECT_EQ(e.dram_bytes, ref.total.dram_bytes) << what;
          ExpectRelNear(e.TotalPjPerImage(), ref.EnergyPjPerImage(), what);
          for (const LayerPrecisionEnergy& layer : e.layers) {
            for (const LayerResult& row : ref.layers) {
              if (row.layer != layer.layer || row.kind == "relu") continue;
              ExpectBreakdownNear(layer.energy, row.energy, what + " " + layer.layer);
              EXPECT_EQ(layer.dram_bytes, row.dram_bytes) << what << " " << layer.layer;
            }
          }
        }
      }
    }
  }
}

// Halving every width on the 32-bit tile: multipliers x 1/4, adders and
// every buffer x 1/2, DRAM bytes about halved (never more), control and the
// margin controller unchanged.
TEST(PrecisionPricer, HalvingEveryWidthLowersEachComponentAsTheModelSays) {
  const TechConfig tech = Tech32();
  for (const NetSpec& spec : PaperNetworks()) {
    const PrecisionPricer pricer(spec, models::FullWidths(spec), tech);
    const PrecisionEnergy full = pricer.Price(UniformPrecision(spec, {32, 16}));
    const PrecisionEnergy half = pricer.Price(UniformPrecision(spec, {16, 8}));
    const ActionEnergies table = DeriveActionEnergies(tech);
    const SimResult& ref = pricer.reference();
    for (size_t i = 0; i < half.layers.size(); ++i) {
      const LayerPrecisionEnergy& h = half.layers[i];
      const LayerPrecisionEnergy& f = full.layers[i];
      const std::string what = spec.name + " " + h.layer;
      EXPECT_EQ(h.input_bits, 16);
      EXPECT_EQ(h.output_bits, 16);
      ExpectRelNear(h.energy.sb_pj, f.energy.sb_pj / 2, what + " sb");
      ExpectRelNear(h.energy.bin_pj, f.energy.bin_pj / 2, what + " bin");
      ExpectRelNear(h.energy.bout_pj, f.energy.bout_pj / 2, what + " bout");
      ExpectRelNear(h.energy.control_pj, f.energy.control_pj, what + " control");
      EXPECT_LE(h.dram_bytes, f.dram_bytes) << what;
      EXPECT_GE(h.dram_bytes, f.dram_bytes / 2) << what;
      EXPECT_LT(h.energy.nfu_pj, f.energy.nfu_pj) << what;
      // The NFU by op kind, from the counters.
      const LayerResult* row = nullptr;
      for (const LayerResult& r : ref.layers) {
        if (r.layer == h.layer && r.kind == h.kind) row = &r;
      }
      ASSERT_NE(row, nullptr);
      const NfuStats& n = row->counters.nfu;
      const double op = table.nfu_op_pj;
      const double expected_nfu =
          h.kind == "conv" || h.kind == "fc"
              ? n.multiplies * op / 4 + (n.tree_adds + n.accumulate_adds) * op / 2 + n.nonlinear_ops * op / 2
              : (n.tree_adds + n.comparisons + n.nonlinear_ops) * op / 2;
      ExpectRelNear(h.energy.nfu_pj, expected_nfu, what + " nfu");
    }
    ExpectRelNear(half.margin_controller.TotalPj(), full.margin_controller.TotalPj(), spec.name + " margin");
    EXPECT_LT(half.TotalPjPerImage(), 0.6 * full.TotalPjPerImage()) << spec.name;
  }
}

// One layer's weights narrower: only that layer's Sb, NFU and DRAM change.
TEST(PrecisionPricer, OneLayersWeightBitsMoveOnlyThatLayersEnergy) {
  const NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  const TechConfig tech = Tech32();
  const PrecisionPricer pricer(spec, models::FullWidths(spec), tech);
  const Precision base = UniformPrecision(spec, {16, 10});
  Precision narrow = base;
  narrow.layers[2].weights = {8, 7};  // ip1
  const PrecisionEnergy a = pricer.Price(base), b = pricer.Price(narrow);
  for (size_t i = 0; i < a.layers.size(); ++i) {
    if (a.layers[i].layer == "ip1") {
      ExpectRelNear(b.layers[i].energy.sb_pj, a.layers[i].energy.sb_pj / 2, "ip1 sb");
      EXPECT_LT(b.layers[i].energy.nfu_pj, a.layers[i].energy.nfu_pj);
      EXPECT_LT(b.layers[i].dram_bytes, a.layers[i].dram_bytes);
      ExpectRelNear(b.layers[i].energy.bin_pj, a.layers[i].energy.bin_pj, "ip1 bin");
    } else {
      ExpectBreakdownNear(b.layers[i].energy, a.layers[i].energy, a.layers[i].layer);
    }
  }
}

// An output format flows into the next layers as their input format.
TEST(PrecisionPricer, OutputFormatIsTheNextLayersInputThroughPooling) {
  const NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  const PrecisionPricer pricer(spec, models::FullWidths(spec), Tech32());
  Precision p = UniformPrecision(spec, {16, 10});
  p.input = {8, 7};
  p.layers[0].outputs = {6, 2};
  const PrecisionEnergy e = pricer.Price(p);
  ASSERT_EQ(e.layers.size(), 6u);  // conv1 pool1 conv2 pool2 ip1 ip2
  EXPECT_EQ(e.layers[0].input_bits, 8);
  EXPECT_EQ(e.layers[0].output_bits, 6);
  EXPECT_EQ(e.layers[1].input_bits, 6);  // pool1 keeps conv1's format
  EXPECT_EQ(e.layers[1].output_bits, 6);
  EXPECT_EQ(e.layers[2].input_bits, 6);  // conv2 reads it
  EXPECT_EQ(e.layers[2].output_bits, 16);
}

TEST(PrecisionPricer, RejectsFloatTechAndFormatsWiderThanTheWord) {
  const NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  EXPECT_THROW(PrecisionPricer(spec, models::FullWidths(spec), LoadTechConfig("accel_sim/tech/float32.tech")),
               Error);
  const PrecisionPricer pricer16(spec, models::FullWidths(spec), Tech16());
  try {
    pricer16.Price(UniformPrecision(spec, {32, 16}));
    FAIL() << "a 32-bit format on a 16-bit tile must be rejected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("wider than the tile"), std::string::npos) << e.what();
  }
  Precision short_list = UniformPrecision(spec, {16, 10});
  short_list.layers.pop_back();
  EXPECT_THROW(pricer16.Price(short_list), Error);
}

// Against the paper's own Table 1: the <16,10> tile (fixed16_10.tech, a
// separate synthesis, 0.47x the power) vs the <32,16> tile priced at
// uniform <16,10>. Printed for the README; the on-chip energies agree within
// 4-6% (measured; the band below is +-10/15%). Not fitted: the 16-bit tile
// also has half the buffer bytes, so its mapping and DRAM traffic differ.
TEST(PrecisionPricer, CrossCheckAgainstTheSixteenBitTile) {
  for (const NetSpec& spec : PaperNetworks()) {
    const PrecisionPricer pricer(spec, models::FullWidths(spec), Tech32());
    const PrecisionEnergy scaled = pricer.Price(UniformPrecision(spec, {16, 10}));
    const SimResult tile16 = SimulateAnalytical(spec, models::FullWidths(spec), Tech16());
    const double ratio = scaled.total.OnChipPj() / tile16.total.energy.OnChipPj();
    std::printf("%s: on-chip energy, <32,16> tile priced at <16,10> / fixed16_10 tile = %.3f; "
                "with DRAM %.3f\n",
                spec.name.c_str(), ratio, scaled.total.TotalPj() / tile16.total.energy.TotalPj());
    EXPECT_GT(ratio, 0.9) << spec.name;
    EXPECT_LT(ratio, 1.15) << spec.name;
  }
}

}  // namespace
}  // namespace rcdnn::accel
