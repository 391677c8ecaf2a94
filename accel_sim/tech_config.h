// Technology of the tile: one text file per arithmetic configuration
// (tech/fixed32_16.tech, tech/fixed16_10.tech, tech/float32.tech).
//
// File format: one `key = value  # source: ...` per line; '#' lines are
// comments. Every parameter line must name its source after `# source:` (the
// loader rejects a line without one), every known key must appear once, and
// unknown keys are errors. The per-action energies are not in the file: they
// are derived from its powers in energy.cc (DeriveActionEnergies), so no
// number is fitted to the paper's Table 4.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel_sim/buffer.h"
#include "accel_sim/dram.h"
#include "accel_sim/fixed_point.h"
#include "accel_sim/margin_controller.h"
#include "accel_sim/nfu.h"

namespace rcdnn::accel {

// Powers in mW: Table 1's total and Table 2's breakdowns. Table 2 gives two
// breakdowns of the same 1213.4 mW: by block (Sb, Bin, Bout, NFU, control;
// these sum to 1270.37 mW, 4.7% over the total — the paper's own
// inconsistency) and by cell type (combinational, registers, memory; these
// sum to 1213.3 mW). Energy uses the block breakdown; the cell-type one is a
// cross-check in Validate.
struct PowerTable {
  double total_mw = 0;
  double sb_mw = 0, bin_mw = 0, bout_mw = 0, nfu_mw = 0, control_mw = 0;
  double combinational_mw = 0, registers_mw = 0, memory_mw = 0;
};

// Areas in um^2: Table 2's block breakdown (the paper prints it for <32,16>
// only; the other files derive theirs and say how). Not used by the
// simulation; carried so that Tables 1 and 2 come from the same files.
struct AreaTable {
  double total_um2 = 0;  // Table 2's total (Table 1's area_mm2, unrounded)
  double sb_um2 = 0, bin_um2 = 0, bout_um2 = 0, nfu_um2 = 0, control_um2 = 0;
};

// One `key = value  # source: ...` line as written, in file order.
struct TechParameter {
  std::string key;
  std::string value;   // the text after '='
  std::string source;  // the text after "source:", trimmed
  int line = 0;
};

struct TechConfig {
  std::string name;    // e.g. "fixed32_16"
  std::string source;  // the file it came from (for error messages)
  Arithmetic arithmetic = Arithmetic::kFixed;
  int word_bits = 32;         // datapath and buffer word
  FixedPointFormat format;    // default <n,f> (fixed only; n == word_bits)
  double clock_period_ns = 0;
  double area_mm2 = 0;
  AreaTable area;
  PowerTable power;
  int64_t total_buffer_bytes = 0;
  BufferConfig sb, bin, bout;  // port widths follow the NFU geometry
  NfuConfig nfu;
  DramConfig dram;
  MarginControllerConfig margin;
  std::vector<TechParameter> parameters;  // every line of the file (empty when built in code)

  int WordBytes() const { return word_bits / 8; }
  double ClockMhz() const { return 1000.0 / clock_period_ns; }
};

// Parses tech-file text; `source_name` prefixes every error. Validates.
TechConfig ParseTechConfig(const std::string& text, const std::string& source_name);
// Reads and parses a file. Throws rcdnn::Error naming the file and parameter.
TechConfig LoadTechConfig(const std::string& path);
// Throws rcdnn::Error naming the parameter and the file when a value is
// negative, zero where it must be positive, or inconsistent with another
// (buffer split vs. total, power breakdown vs. total, format vs. word size).
void Validate(const TechConfig& tech);

}  // namespace rcdnn::accel
