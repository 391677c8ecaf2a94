// How the simulator's results enter the results store (results/store.h) and
// the runtime schemes' cost files (models/runtime/cost_model.h). Every value
// is per image; names carry units (time_us, energy_uj).
//
// SimulationMetrics: network = spec name, width = WidthsToString(widths),
// method = the tech's name ("fixed32_16"), increment as given, split "".
//   key "total":                 time_us, cycles, stall_cycles, energy_uj (all components, DRAM
//                                included), energy_onchip_uj, energy_paper_convention_uj (Table 1's
//                                total power x time, the paper's Table 4 convention), dram_bytes,
//                                utilization, macs
//   key "component=<c>":         energy_uj, c in nfu, sb, bin, bout, controller (control logic),
//                                margin_controller, dram; they sum to the total's energy_uj
//   key "layer=<name>":          the total's metrics for one layer (ReLU rows, fused into the
//                                layer before, are left out; the margin controller is a layer)
//   key "layer=<name>;component=<c>": energy_uj per component of one layer
//   key "layer=<name>" also:     roofline_compute_floor_us, roofline_dram_floor_us,
//                                roofline_floor_us (their max), roofline_ratio (time / floor)
//
// TechMetrics (network "", width "", method = the tech's name):
//   table1_area_mm2, table1_power_mw, table1_delay_ns          key ""
//   table2_area_um2   key "component=<c>", c in sb, bin, bout, nfu, control, total
//   table2_power_mw   key "component=<c>", c in sb, bin, bout, nfu, control, combinational,
//                     registers, memory, total
//   peak_gop_s, peak_gop_per_w                                 key "" (496 ops x clock; / power)
//   tech_<param>      every numeric line of the tech file, key = its source text
#pragma once

#include <string>
#include <vector>

#include "accel_sim/sim_result.h"
#include "accel_sim/tech_config.h"
#include "models/spec/net_spec.h"
#include "results/store.h"

namespace rcdnn::accel {

std::vector<results::Metric> SimulationMetrics(const models::NetSpec& spec, const TechConfig& tech,
                                               const SimResult& result, int increment);

std::vector<results::Metric> TechMetrics(const TechConfig& tech);

// Which energy the cost file's energy_uj column carries.
enum class CostEnergy {
  kTotal,            // "total": every component, DRAM included
  kOnChip,           // "onchip": without DRAM
  kPaperConvention,  // "paper": Table 1's total power x time
};
// Throws rcdnn::Error listing the choices.
CostEnergy ParseCostEnergy(const std::string& text);
const char* CostEnergyName(CostEnergy energy);

// A cost file: '#' comment lines (`comment`, one per line, may be empty),
// then "increment,energy_uj,time_us" and one row per result, increment i
// being results[i - 1]. Values per image, printed with 9 significant digits.
std::string CostFileText(const std::vector<SimResult>& results, CostEnergy energy, const std::string& comment);

}  // namespace rcdnn::accel
