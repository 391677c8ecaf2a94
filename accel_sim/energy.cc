#include "accel_sim/energy.h"

namespace rcdnn::accel {

ActionEnergies DeriveActionEnergies(const TechConfig& tech) {
  const double clock_ns = tech.clock_period_ns;
  const Nfu nfu(tech.nfu);
  ActionEnergies table;
  // mW x ns = pJ: each buffer at full utilisation makes one port access per cycle.
  table.sb_access_pj = tech.power.sb_mw * clock_ns;
  table.bin_access_pj = tech.power.bin_mw * clock_ns;
  table.bout_access_pj = tech.power.bout_mw * clock_ns;
  table.nfu_op_pj = tech.power.nfu_mw * clock_ns / nfu.PeakOpsPerCycle();
  table.control_cycle_pj = tech.power.control_mw * clock_ns;
  table.margin_activation_pj = tech.margin.power_fraction * tech.power.total_mw * tech.margin.latency_ns;
  table.dram_byte_pj = 8.0 * tech.dram.energy_pj_per_bit;
  return table;
}

void Counters::Add(const Counters& other, int64_t times) {
  nfu.Add(other.nfu, times);
  sb.Add(other.sb, times);
  bin.Add(other.bin, times);
  bout.Add(other.bout, times);
  dram.Add(other.dram, times);
  margin.Add(other.margin, times);
  control_cycles += other.control_cycles * times;
}

void EnergyBreakdown::Add(const EnergyBreakdown& other) {
  nfu_pj += other.nfu_pj;
  sb_pj += other.sb_pj;
  bin_pj += other.bin_pj;
  bout_pj += other.bout_pj;
  control_pj += other.control_pj;
  margin_controller_pj += other.margin_controller_pj;
  dram_pj += other.dram_pj;
}

EnergyBreakdown PriceCounters(const ActionEnergies& table, const Counters& c) {
  EnergyBreakdown e;
  e.nfu_pj = static_cast<double>(c.nfu.AllOps()) * table.nfu_op_pj;
  e.sb_pj = static_cast<double>(c.sb.read_accesses + c.sb.write_accesses) * table.sb_access_pj;
  e.bin_pj = static_cast<double>(c.bin.read_accesses + c.bin.write_accesses) * table.bin_access_pj;
  e.bout_pj = static_cast<double>(c.bout.read_accesses + c.bout.write_accesses) * table.bout_access_pj;
  e.control_pj = static_cast<double>(c.control_cycles) * table.control_cycle_pj;
  e.margin_controller_pj = static_cast<double>(c.margin.activations) * table.margin_activation_pj;
  e.dram_pj = static_cast<double>(c.dram.Bytes()) * table.dram_byte_pj;
  return e;
}

double PaperConventionEnergyPj(const TechConfig& tech, double time_ns) { return tech.power.total_mw * time_ns; }

}  // namespace rcdnn::accel
