#include "accel_sim/energy.h"

#include <gtest/gtest.h>

namespace rcdnn::accel {
namespace {

TEST(Energy, PerActionEnergiesDeriveFromTable2Powers) {
  const TechConfig tech = LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  const ActionEnergies e = DeriveActionEnergies(tech);
  EXPECT_NEAR(e.sb_access_pj, 979.96 * 3.99, 1e-9);  // 3910.0 pJ per 256-word row
  EXPECT_NEAR(e.sb_access_pj / 256, 15.27, 0.01);     // per 32-bit word
  EXPECT_NEAR(e.bin_access_pj, 61.25 * 3.99, 1e-9);
  EXPECT_NEAR(e.bout_access_pj, 61.25 * 3.99, 1e-9);
  EXPECT_NEAR(e.nfu_op_pj, 163.85 * 3.99 / 496, 1e-12);
  EXPECT_NEAR(e.control_cycle_pj, 4.06 * 3.99, 1e-9);
  EXPECT_NEAR(e.margin_activation_pj, 0.0015 * 1213.4 * 12, 1e-9);
  EXPECT_DOUBLE_EQ(e.dram_byte_pj, 560.0);
}

// A tile busy every cycle at full utilisation spends each block's Table 2
// power: the derivation's defining property.
TEST(Energy, FullUtilisationReproducesBlockPowers) {
  const TechConfig tech = LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  const int64_t cycles = 1000000;
  Counters c;
  c.nfu.multiplies = 256 * cycles;
  c.nfu.tree_adds = 240 * cycles;
  c.sb.read_accesses = cycles;
  c.bin.read_accesses = cycles;
  c.bout.write_accesses = cycles;
  c.control_cycles = cycles;
  const EnergyBreakdown e = PriceCounters(DeriveActionEnergies(tech), c);
  const double time_ns = cycles * tech.clock_period_ns;
  EXPECT_NEAR(e.sb_pj / time_ns, 979.96, 1e-6);  // pJ / ns = mW
  EXPECT_NEAR(e.bin_pj / time_ns, 61.25, 1e-6);
  EXPECT_NEAR(e.bout_pj / time_ns, 61.25, 1e-6);
  EXPECT_NEAR(e.nfu_pj / time_ns, 163.85, 1e-6);
  EXPECT_NEAR(e.control_pj / time_ns, 4.06, 1e-6);
  EXPECT_DOUBLE_EQ(e.dram_pj, 0.0);
  EXPECT_NEAR(e.OnChipPj() / time_ns, 979.96 + 61.25 * 2 + 163.85 + 4.06, 1e-6);
}

TEST(Energy, PaperConventionIsTotalPowerTimesTime) {
  const TechConfig tech = LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  EXPECT_DOUBLE_EQ(PaperConventionEnergyPj(tech, 1000.0), 1213.4 * 1000.0);
  // Table 4, LeNet increment 1: 4.61 us -> 5.59 uJ, E / T = 1.213 W.
  EXPECT_NEAR(PaperConventionEnergyPj(tech, 4610.0) / 1e6, 5.59, 0.01);
}

TEST(Energy, DramBytesArePricedPerByte) {
  const TechConfig tech = LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  Counters c;
  c.dram.read_bytes = 1000;
  c.dram.write_bytes = 24;
  c.margin.activations = 2;
  const EnergyBreakdown e = PriceCounters(DeriveActionEnergies(tech), c);
  EXPECT_DOUBLE_EQ(e.dram_pj, 1024 * 560.0);
  EXPECT_NEAR(e.margin_controller_pj, 2 * 0.0015 * 1213.4 * 12, 1e-9);
  EXPECT_DOUBLE_EQ(e.TotalPj(), e.OnChipPj() + e.dram_pj);
}

}  // namespace
}  // namespace rcdnn::accel
