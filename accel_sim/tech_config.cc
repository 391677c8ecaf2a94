#include "accel_sim/tech_config.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "common/parse_number.h"

namespace rcdnn::accel {
namespace {

// Breakdown sums may differ from Table 1's total by this much: Table 2's
// block powers themselves sum to 4.7% above its total (see PowerTable).
constexpr double kBlockPowerTolerance = 0.10;
constexpr double kCellPowerTolerance = 0.01;
// Table 2's block areas sum to 0.2% below its total (the rest is wiring and
// cells it does not list).
constexpr double kBlockAreaTolerance = 0.05;
// Table 1 rounds Table 2's total area to 0.01 mm^2.
constexpr double kAreaRoundingTolerance = 0.01;

constexpr char kSourceTag[] = "source:";

const std::vector<std::string>& KnownKeys() {
  static const std::vector<std::string> keys = {
      "name", "arithmetic", "word_bits", "frac_bits", "clock_period_ns", "area_mm2",
      "total_area_um2", "sb_area_um2", "bin_area_um2", "bout_area_um2", "nfu_area_um2", "control_area_um2",
      "total_power_mw", "sb_power_mw", "bin_power_mw", "bout_power_mw", "nfu_power_mw", "control_power_mw",
      "combinational_power_mw", "registers_power_mw", "memory_power_mw",
      "total_buffer_bytes", "sb_bytes", "bin_bytes", "bout_bytes",
      "nfu_neurons", "nfu_synapses", "nfu_pipeline_stages",
      "dram_peak_bandwidth_gb_s", "dram_tck_ns", "dram_cl_cycles", "dram_trcd_cycles", "dram_trp_cycles",
      "dram_burst_bytes", "dram_row_bytes", "dram_energy_pj_per_bit",
      "margin_latency_ns", "margin_power_fraction"};
  return keys;
}

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

struct Entry {
  std::string value;
  int line = 0;
};

class Reader {
 public:
  Reader(std::map<std::string, Entry> entries, std::string source)
      : entries_(std::move(entries)), source_(std::move(source)) {}

  bool Has(const std::string& key) const { return entries_.count(key) > 0; }

  const Entry& Get(const std::string& key) const {
    auto it = entries_.find(key);
    if (it == entries_.end()) throw Error(source_ + ": missing parameter '" + key + "'");
    return it->second;
  }
  std::string String(const std::string& key) const { return Get(key).value; }
  double Double(const std::string& key) const {
    const Entry& e = Get(key);
    const std::optional<double> value = ParseWholeDouble(e.value);
    if (!value || !std::isfinite(*value)) {
      throw Error(Where(e) + "parameter '" + key + "' = '" + e.value + "' is not a number");
    }
    return *value;
  }
  int64_t Int(const std::string& key) const {
    const Entry& e = Get(key);
    const std::optional<int64_t> value = ParseWholeInt64(e.value);
    if (!value) throw Error(Where(e) + "parameter '" + key + "' = '" + e.value + "' is not an integer");
    return *value;
  }
  std::string Where(const Entry& e) const { return source_ + ":" + std::to_string(e.line) + ": "; }

 private:
  std::map<std::string, Entry> entries_;
  std::string source_;
};

}  // namespace

TechConfig ParseTechConfig(const std::string& text, const std::string& source_name) {
  std::map<std::string, Entry> entries;
  std::vector<TechParameter> parameters;
  std::istringstream in(text);
  std::string raw;
  int line_number = 0;
  while (std::getline(in, raw)) {
    ++line_number;
    const std::string where = source_name + ":" + std::to_string(line_number) + ": ";
    const size_t hash = raw.find('#');
    const std::string body = Trim(raw.substr(0, hash));
    if (body.empty()) continue;
    const size_t eq = body.find('=');
    if (eq == std::string::npos) throw Error(where + "expected 'key = value  # source: ...', got '" + body + "'");
    const std::string key = Trim(body.substr(0, eq));
    const std::string value = Trim(body.substr(eq + 1));
    bool known = false;
    for (const std::string& k : KnownKeys()) known = known || k == key;
    if (!known) throw Error(where + "unknown parameter '" + key + "'");
    if (value.empty()) throw Error(where + "parameter '" + key + "' has no value");
    const size_t source = hash == std::string::npos ? std::string::npos : raw.find(kSourceTag, hash);
    if (source == std::string::npos) {
      throw Error(where + "parameter '" + key + "' names no source (add '# source: ...')");
    }
    if (entries.count(key)) {
      throw Error(where + "parameter '" + key + "' given twice (first on line " +
                  std::to_string(entries[key].line) + ")");
    }
    entries[key] = Entry{value, line_number};
    parameters.push_back(TechParameter{key, value, Trim(raw.substr(source + sizeof(kSourceTag) - 1)), line_number});
  }

  const Reader r(entries, source_name);
  TechConfig tech;
  tech.source = source_name;
  tech.name = r.String("name");
  const std::string arithmetic = r.String("arithmetic");
  if (arithmetic == "fixed") {
    tech.arithmetic = Arithmetic::kFixed;
  } else if (arithmetic == "float32") {
    tech.arithmetic = Arithmetic::kFloat32;
  } else {
    throw Error(r.Where(r.Get("arithmetic")) + "parameter 'arithmetic' must be 'fixed' or 'float32', got '" +
                arithmetic + "'");
  }
  tech.word_bits = static_cast<int>(r.Int("word_bits"));
  if (tech.arithmetic == Arithmetic::kFixed) {
    tech.format = FixedPointFormat{tech.word_bits, static_cast<int>(r.Int("frac_bits"))};
  } else if (r.Has("frac_bits")) {
    throw Error(r.Where(r.Get("frac_bits")) + "parameter 'frac_bits' is inconsistent with arithmetic = float32");
  }
  tech.clock_period_ns = r.Double("clock_period_ns");
  tech.area_mm2 = r.Double("area_mm2");
  tech.area.total_um2 = r.Double("total_area_um2");
  tech.area.sb_um2 = r.Double("sb_area_um2");
  tech.area.bin_um2 = r.Double("bin_area_um2");
  tech.area.bout_um2 = r.Double("bout_area_um2");
  tech.area.nfu_um2 = r.Double("nfu_area_um2");
  tech.area.control_um2 = r.Double("control_area_um2");
  PowerTable& p = tech.power;
  p.total_mw = r.Double("total_power_mw");
  p.sb_mw = r.Double("sb_power_mw");
  p.bin_mw = r.Double("bin_power_mw");
  p.bout_mw = r.Double("bout_power_mw");
  p.nfu_mw = r.Double("nfu_power_mw");
  p.control_mw = r.Double("control_power_mw");
  p.combinational_mw = r.Double("combinational_power_mw");
  p.registers_mw = r.Double("registers_power_mw");
  p.memory_mw = r.Double("memory_power_mw");
  tech.nfu.neurons = static_cast<int>(r.Int("nfu_neurons"));
  tech.nfu.synapses = static_cast<int>(r.Int("nfu_synapses"));
  tech.nfu.pipeline_stages = static_cast<int>(r.Int("nfu_pipeline_stages"));
  tech.total_buffer_bytes = r.Int("total_buffer_bytes");
  const int word_bytes = tech.word_bits > 0 ? tech.word_bits / 8 : 0;
  tech.sb = BufferConfig{"Sb", r.Int("sb_bytes"), word_bytes, tech.nfu.neurons * tech.nfu.synapses};
  tech.bin = BufferConfig{"Bin", r.Int("bin_bytes"), word_bytes, tech.nfu.synapses};
  tech.bout = BufferConfig{"Bout", r.Int("bout_bytes"), word_bytes, tech.nfu.neurons};
  DramConfig& d = tech.dram;
  d.peak_bandwidth_gb_s = r.Double("dram_peak_bandwidth_gb_s");
  d.tck_ns = r.Double("dram_tck_ns");
  d.cl_cycles = static_cast<int>(r.Int("dram_cl_cycles"));
  d.trcd_cycles = static_cast<int>(r.Int("dram_trcd_cycles"));
  d.trp_cycles = static_cast<int>(r.Int("dram_trp_cycles"));
  d.burst_bytes = static_cast<int>(r.Int("dram_burst_bytes"));
  d.row_bytes = static_cast<int>(r.Int("dram_row_bytes"));
  d.energy_pj_per_bit = r.Double("dram_energy_pj_per_bit");
  tech.margin.latency_ns = r.Double("margin_latency_ns");
  tech.margin.power_fraction = r.Double("margin_power_fraction");
  tech.parameters = std::move(parameters);
  Validate(tech);
  return tech;
}

TechConfig LoadTechConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open technology file");
  std::stringstream text;
  text << in.rdbuf();
  return ParseTechConfig(text.str(), path);
}

void Validate(const TechConfig& tech) {
  const std::string& src = tech.source.empty() ? std::string("<tech>") : tech.source;
  auto fail = [&](const std::string& key, const std::string& why) {
    throw Error(src + ": parameter '" + key + "' " + why);
  };
  auto positive = [&](const std::string& key, double value) {
    if (value < 0) fail(key, "is negative (" + std::to_string(value) + ")");
    if (!(value > 0)) fail(key, "must be positive, got " + std::to_string(value));
  };
  auto non_negative = [&](const std::string& key, double value) {
    if (!(value >= 0)) fail(key, "is negative (" + std::to_string(value) + ")");
  };
  if (tech.name.empty()) fail("name", "is empty");
  if (tech.word_bits < 8 || tech.word_bits > 32 || tech.word_bits % 8 != 0) {
    fail("word_bits", "must be 8, 16, 24 or 32, got " + std::to_string(tech.word_bits));
  }
  if (tech.arithmetic == Arithmetic::kFloat32 && tech.word_bits != 32) fail("word_bits", "must be 32 for float32");
  if (tech.arithmetic == Arithmetic::kFixed) {
    if (tech.format.total_bits != tech.word_bits) fail("word_bits", "disagrees with the format's total bits");
    if (tech.format.frac_bits < 0 || tech.format.frac_bits >= tech.word_bits) {
      fail("frac_bits", "must be in [0, word_bits), got " + std::to_string(tech.format.frac_bits));
    }
  }
  positive("clock_period_ns", tech.clock_period_ns);
  positive("area_mm2", tech.area_mm2);
  const AreaTable& a = tech.area;
  positive("total_area_um2", a.total_um2);
  if (std::fabs(a.total_um2 - tech.area_mm2 * 1e6) > kAreaRoundingTolerance * tech.area_mm2 * 1e6) {
    fail("total_area_um2", "is inconsistent with area_mm2 (" + std::to_string(tech.area_mm2) + " mm^2)");
  }
  non_negative("sb_area_um2", a.sb_um2);
  non_negative("bin_area_um2", a.bin_um2);
  non_negative("bout_area_um2", a.bout_um2);
  non_negative("nfu_area_um2", a.nfu_um2);
  non_negative("control_area_um2", a.control_um2);
  const double block_area_um2 = a.sb_um2 + a.bin_um2 + a.bout_um2 + a.nfu_um2 + a.control_um2;
  if (std::fabs(block_area_um2 - a.total_um2) > kBlockAreaTolerance * a.total_um2) {
    fail("total_area_um2", "is inconsistent with the block areas (Sb + Bin + Bout + NFU + control = " +
                         std::to_string(block_area_um2) + " um^2)");
  }
  const PowerTable& p = tech.power;
  positive("total_power_mw", p.total_mw);
  non_negative("sb_power_mw", p.sb_mw);
  non_negative("bin_power_mw", p.bin_mw);
  non_negative("bout_power_mw", p.bout_mw);
  non_negative("nfu_power_mw", p.nfu_mw);
  non_negative("control_power_mw", p.control_mw);
  non_negative("combinational_power_mw", p.combinational_mw);
  non_negative("registers_power_mw", p.registers_mw);
  non_negative("memory_power_mw", p.memory_mw);
  const double blocks = p.sb_mw + p.bin_mw + p.bout_mw + p.nfu_mw + p.control_mw;
  if (std::fabs(blocks - p.total_mw) > kBlockPowerTolerance * p.total_mw) {
    fail("total_power_mw", "is inconsistent with the block powers (Sb + Bin + Bout + NFU + control = " +
                               std::to_string(blocks) + " mW)");
  }
  const double cells = p.combinational_mw + p.registers_mw + p.memory_mw;
  if (std::fabs(cells - p.total_mw) > kCellPowerTolerance * p.total_mw) {
    fail("total_power_mw", "is inconsistent with the cell-type powers (combinational + registers + memory = " +
                               std::to_string(cells) + " mW)");
  }
  positive("total_buffer_bytes", static_cast<double>(tech.total_buffer_bytes));
  const int word_bytes = tech.word_bits / 8;
  const std::pair<const BufferConfig*, const char*> buffers[] = {
      {&tech.sb, "sb_bytes"}, {&tech.bin, "bin_bytes"}, {&tech.bout, "bout_bytes"}};
  for (const auto& [buffer, key] : buffers) {
    positive(key, static_cast<double>(buffer->capacity_bytes));
    if (buffer->word_bytes != word_bytes) fail(key, "word size disagrees with word_bits");
    // Double buffering needs two port rows, one in each half.
    if (buffer->capacity_bytes < int64_t{2} * buffer->words_per_access * word_bytes) {
      fail(key, "is smaller than two port rows of " + std::to_string(buffer->words_per_access) + " words");
    }
  }
  if (tech.sb.capacity_bytes + tech.bin.capacity_bytes + tech.bout.capacity_bytes != tech.total_buffer_bytes) {
    fail("total_buffer_bytes", "is inconsistent with sb_bytes + bin_bytes + bout_bytes = " +
                                   std::to_string(tech.sb.capacity_bytes + tech.bin.capacity_bytes +
                                                  tech.bout.capacity_bytes));
  }
  positive("nfu_neurons", tech.nfu.neurons);
  positive("nfu_synapses", tech.nfu.synapses);
  positive("nfu_pipeline_stages", tech.nfu.pipeline_stages);
  if (tech.sb.words_per_access != tech.nfu.neurons * tech.nfu.synapses ||
      tech.bin.words_per_access != tech.nfu.synapses || tech.bout.words_per_access != tech.nfu.neurons) {
    fail("nfu_neurons", "buffer port widths disagree with the NFU geometry");
  }
  const DramConfig& d = tech.dram;
  positive("dram_peak_bandwidth_gb_s", d.peak_bandwidth_gb_s);
  positive("dram_tck_ns", d.tck_ns);
  non_negative("dram_cl_cycles", d.cl_cycles);
  non_negative("dram_trcd_cycles", d.trcd_cycles);
  non_negative("dram_trp_cycles", d.trp_cycles);
  positive("dram_burst_bytes", d.burst_bytes);
  positive("dram_row_bytes", d.row_bytes);
  if (d.row_bytes % d.burst_bytes != 0) fail("dram_row_bytes", "is not a multiple of dram_burst_bytes");
  non_negative("dram_energy_pj_per_bit", d.energy_pj_per_bit);
  non_negative("margin_latency_ns", tech.margin.latency_ns);
  non_negative("margin_power_fraction", tech.margin.power_fraction);
  if (tech.margin.power_fraction >= 1) fail("margin_power_fraction", "must be below 1");
}

}  // namespace rcdnn::accel
