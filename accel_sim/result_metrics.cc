#include "accel_sim/result_metrics.h"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

#include "accel_sim/nfu.h"
#include "accel_sim/roofline.h"
#include "common/error.h"
#include "common/parse_number.h"

namespace rcdnn::accel {
namespace {

// Per-image values of one row, and where they go.
class Writer {
 public:
  Writer(const SimResult& result, int increment, std::vector<results::Metric>* out)
      : out_(out), per_image_(1.0 / result.num_images) {
    base_.network = result.network;
    base_.width = models::WidthsToString(result.widths);
    base_.method = result.tech;
    base_.increment = increment;
  }

  void Add(const std::string& name, const std::string& key, double value, const std::string& unit) {
    results::Metric m = base_;
    m.name = name;
    m.key = key;
    m.value = value;
    m.unit = unit;
    out_->push_back(std::move(m));
  }

  void Row(const LayerResult& r, const std::string& key, const std::string& component_prefix) {
    const double n = per_image_;
    Add("time_us", key, r.time_ns * n / 1e3, "us");
    Add("cycles", key, static_cast<double>(r.cycles) * n, "cycles");
    Add("stall_cycles", key, static_cast<double>(r.stall_cycles) * n, "cycles");
    Add("energy_uj", key, r.energy.TotalPj() * n / 1e6, "uJ");
    Add("energy_onchip_uj", key, r.energy.OnChipPj() * n / 1e6, "uJ");
    Add("energy_paper_convention_uj", key, r.paper_energy_pj * n / 1e6, "uJ");
    Add("dram_bytes", key, static_cast<double>(r.dram_bytes) * n, "bytes");
    Add("utilization", key, r.utilisation, "");
    Add("macs", key, static_cast<double>(r.macs) * n, "MACs");
    const std::pair<const char*, double> components[] = {
        {"nfu", r.energy.nfu_pj},
        {"sb", r.energy.sb_pj},
        {"bin", r.energy.bin_pj},
        {"bout", r.energy.bout_pj},
        {"controller", r.energy.control_pj},
        {"margin_controller", r.energy.margin_controller_pj},
        {"dram", r.energy.dram_pj},
    };
    for (const auto& [component, pj] : components) {
      Add("energy_uj", component_prefix + "component=" + component, pj * n / 1e6, "uJ");
    }
  }

  double per_image() const { return per_image_; }

 private:
  std::vector<results::Metric>* out_;
  double per_image_;
  results::Metric base_;
};

// "mW" for *_mw and so on; "" for counts and ratios.
std::string UnitOfKey(const std::string& key) {
  const std::pair<const char*, const char*> suffixes[] = {
      {"_mw", "mW"},         {"_ns", "ns"},         {"_mm2", "mm^2"},          {"_um2", "um^2"},
      {"_bytes", "bytes"},   {"_cycles", "cycles"}, {"_gb_s", "GB/s"},         {"_pj_per_bit", "pJ/bit"},
      {"_bits", "bits"},
  };
  for (const auto& [suffix, unit] : suffixes) {
    const std::string s = suffix;
    if (key.size() > s.size() && key.compare(key.size() - s.size(), s.size(), s) == 0) return unit;
  }
  return "";
}

bool ParseNumber(const std::string& text, double* value) {
  const std::optional<double> parsed = ParseWholeDouble(text);
  if (!parsed || !std::isfinite(*parsed)) return false;
  *value = *parsed;
  return true;
}

}  // namespace

std::vector<results::Metric> SimulationMetrics(const models::NetSpec& spec, const TechConfig& tech,
                                               const SimResult& result, int increment) {
  std::vector<results::Metric> out;
  Writer w(result, increment, &out);
  w.Row(result.total, "total", "");
  std::vector<const LayerResult*> rows;
  for (const LayerResult& row : result.layers) {
    if (row.kind != "relu") rows.push_back(&row);
  }
  rows.push_back(&result.margin_controller);
  for (const LayerResult* row : rows) {
    const std::string key = "layer=" + row->layer;
    w.Row(*row, key, key + ";");
  }
  for (const LayerRoofline& r : Roofline(spec, tech, result)) {
    const std::string key = "layer=" + r.layer;
    w.Add("roofline_compute_floor_us", key, r.compute_floor_ns * w.per_image() / 1e3, "us");
    w.Add("roofline_dram_floor_us", key, r.dram_floor_ns * w.per_image() / 1e3, "us");
    w.Add("roofline_floor_us", key, r.FloorNs() * w.per_image() / 1e3, "us");
    w.Add("roofline_ratio", key, r.Ratio(), "");
  }
  return out;
}

std::vector<results::Metric> TechMetrics(const TechConfig& tech) {
  std::vector<results::Metric> out;
  auto add = [&](const std::string& name, const std::string& key, double value, const std::string& unit) {
    results::Metric m;
    m.name = name;
    m.method = tech.name;
    m.key = key;
    m.value = value;
    m.unit = unit;
    out.push_back(std::move(m));
  };
  add("table1_area_mm2", "", tech.area_mm2, "mm^2");
  add("table1_power_mw", "", tech.power.total_mw, "mW");
  add("table1_delay_ns", "", tech.clock_period_ns, "ns");
  const AreaTable& a = tech.area;
  const std::pair<const char*, double> areas[] = {
      {"sb", a.sb_um2},   {"bin", a.bin_um2},           {"bout", a.bout_um2},
      {"nfu", a.nfu_um2}, {"control", a.control_um2}, {"total", a.total_um2},
  };
  for (const auto& [component, um2] : areas) add("table2_area_um2", std::string("component=") + component, um2, "um^2");
  const PowerTable& p = tech.power;
  const std::pair<const char*, double> powers[] = {
      {"sb", p.sb_mw},          {"bin", p.bin_mw},
      {"bout", p.bout_mw},      {"nfu", p.nfu_mw},
      {"control", p.control_mw}, {"combinational", p.combinational_mw},
      {"registers", p.registers_mw}, {"memory", p.memory_mw},
      {"total", p.total_mw},
  };
  for (const auto& [component, mw] : powers) add("table2_power_mw", std::string("component=") + component, mw, "mW");
  const double peak_gop_s = Nfu(tech.nfu).PeakOpsPerCycle() * tech.ClockMhz() / 1e3;
  add("peak_gop_s", "", peak_gop_s, "GOP/s");
  add("peak_gop_per_w", "", peak_gop_s / (p.total_mw / 1e3), "GOP/W");
  for (const TechParameter& param : tech.parameters) {
    double value = 0;
    if (!ParseNumber(param.value, &value)) continue;  // name, arithmetic
    add("tech_" + param.key, param.source, value, UnitOfKey(param.key));
  }
  return out;
}

CostEnergy ParseCostEnergy(const std::string& text) {
  if (text == "total") return CostEnergy::kTotal;
  if (text == "onchip") return CostEnergy::kOnChip;
  if (text == "paper") return CostEnergy::kPaperConvention;
  throw Error("cost energy must be 'total', 'onchip' or 'paper', got '" + text + "'");
}

const char* CostEnergyName(CostEnergy energy) {
  switch (energy) {
    case CostEnergy::kTotal:
      return "total";
    case CostEnergy::kOnChip:
      return "onchip";
    case CostEnergy::kPaperConvention:
      return "paper";
  }
  return "?";
}

std::string CostFileText(const std::vector<SimResult>& results, CostEnergy energy, const std::string& comment) {
  std::ostringstream text;
  std::istringstream lines(comment);
  for (std::string line; std::getline(lines, line);) text << "# " << line << "\n";
  text << "increment,energy_uj,time_us\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const SimResult& r = results[i];
    const double pj = energy == CostEnergy::kTotal    ? r.total.energy.TotalPj()
                      : energy == CostEnergy::kOnChip ? r.total.energy.OnChipPj()
                                                      : r.total.paper_energy_pj;
    char row[96];
    std::snprintf(row, sizeof(row), "%zu,%.9g,%.9g\n", i + 1, pj / r.num_images / 1e6, r.TimeNsPerImage() / 1e3);
    text << row;
  }
  return text.str();
}

}  // namespace rcdnn::accel
