// Energy is counters x a per-action table (Accelergy's energy reference
// table): the components count actions, this file prices them.
//
// The per-action energies come from the technology file's powers: at full
// utilisation a block performs a known number of actions per cycle, so
//   energy per action = block power x clock period / actions per cycle.
// Sb: one 256-word row access per cycle; Bin, Bout: one 16-word access per
// cycle; NFU: 496 ops per cycle; control logic: every cycle. DRAM: the tech
// file's pJ/bit. Margin controller: its power share x total power x its latency.
// An idle block costs nothing (no leakage term: README, fidelity).
//
// Side by side, the paper's own convention: energy = Table 1's total power x
// time (Table 4's E / T is 1.21 W, Table 1's 1213.4 mW, for every entry).
#pragma once

#include <cstdint>

#include "accel_sim/buffer.h"
#include "accel_sim/dram.h"
#include "accel_sim/margin_controller.h"
#include "accel_sim/nfu.h"
#include "accel_sim/tech_config.h"

namespace rcdnn::accel {

struct ActionEnergies {
  double sb_access_pj = 0;    // one 256-word Sb access (read or write)
  double bin_access_pj = 0;   // one 16-word Bin access
  double bout_access_pj = 0;  // one 16-word Bout access
  double nfu_op_pj = 0;       // one NFU operation (multiply, add, compare, NFU-3 op)
  double control_cycle_pj = 0;
  double margin_activation_pj = 0;
  double dram_byte_pj = 0;
};

ActionEnergies DeriveActionEnergies(const TechConfig& tech);

// Everything the components counted over a span (a layer, an image, a run).
struct Counters {
  NfuStats nfu;
  BufferStats sb, bin, bout;
  DramStats dram;
  MarginControllerStats margin;
  int64_t control_cycles = 0;  // cycles the tile was busy (compute or stalled)
  void Add(const Counters& other, int64_t times = 1);
};

struct EnergyBreakdown {
  double nfu_pj = 0, sb_pj = 0, bin_pj = 0, bout_pj = 0, control_pj = 0, margin_controller_pj = 0;
  double dram_pj = 0;
  double OnChipPj() const { return nfu_pj + sb_pj + bin_pj + bout_pj + control_pj + margin_controller_pj; }
  double TotalPj() const { return OnChipPj() + dram_pj; }
  void Add(const EnergyBreakdown& other);
};

EnergyBreakdown PriceCounters(const ActionEnergies& table, const Counters& counters);

// The paper's convention: Table 1's total power x time. mW x ns = pJ.
double PaperConventionEnergyPj(const TechConfig& tech, double time_ns);

}  // namespace rcdnn::accel
