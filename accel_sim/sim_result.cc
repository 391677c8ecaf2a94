#include "accel_sim/sim_result.h"

namespace rcdnn::accel {

void SaturationStats::Add(const SaturationStats& other, int64_t times) {
  input += other.input * times;
  weights += other.weights * times;
  biases += other.biases * times;
  accumulator += other.accumulator * times;
  outputs += other.outputs * times;
}

static void AppendLayer(const LayerResult& r, bool bit_accurate, std::vector<MetricRow>* rows) {
  auto add = [&](const std::string& name, double value, const std::string& unit) {
    rows->push_back(MetricRow{name, r.layer, value, unit});
  };
  add("macs", static_cast<double>(r.macs), "MACs");
  add("cycles", static_cast<double>(r.cycles), "cycles");
  add("compute_cycles", static_cast<double>(r.compute_cycles), "cycles");
  add("stall_cycles", static_cast<double>(r.stall_cycles), "cycles");
  add("time_ns", r.time_ns, "ns");
  add("utilisation", r.utilisation, "ratio");
  add("dram_bytes", static_cast<double>(r.dram_bytes), "bytes");
  add("energy_nfu_pj", r.energy.nfu_pj, "pJ");
  add("energy_sb_pj", r.energy.sb_pj, "pJ");
  add("energy_bin_pj", r.energy.bin_pj, "pJ");
  add("energy_bout_pj", r.energy.bout_pj, "pJ");
  add("energy_control_pj", r.energy.control_pj, "pJ");
  add("energy_margin_controller_pj", r.energy.margin_controller_pj, "pJ");
  add("energy_dram_pj", r.energy.dram_pj, "pJ");
  add("energy_on_chip_pj", r.energy.OnChipPj(), "pJ");
  add("energy_total_pj", r.energy.TotalPj(), "pJ");
  add("paper_energy_pj", r.paper_energy_pj, "pJ");
  if (bit_accurate) {
    add("saturations_input", static_cast<double>(r.saturations.input), "count");
    add("saturations_weights", static_cast<double>(r.saturations.weights), "count");
    add("saturations_biases", static_cast<double>(r.saturations.biases), "count");
    add("saturations_accumulator", static_cast<double>(r.saturations.accumulator), "count");
    add("saturations_outputs", static_cast<double>(r.saturations.outputs), "count");
  }
}

std::vector<MetricRow> FlattenSimResult(const SimResult& result) {
  const bool bit_accurate = result.mode == "bit-accurate";
  std::vector<MetricRow> rows;
  for (const LayerResult& layer : result.layers) AppendLayer(layer, bit_accurate, &rows);
  AppendLayer(result.margin_controller, bit_accurate, &rows);
  AppendLayer(result.total, bit_accurate, &rows);
  rows.push_back(MetricRow{"images", "total", static_cast<double>(result.num_images), "count"});
  rows.push_back(MetricRow{"time_ns_per_image", "total", result.TimeNsPerImage(), "ns"});
  rows.push_back(MetricRow{"energy_total_pj_per_image", "total", result.EnergyPjPerImage(), "pJ"});
  rows.push_back(MetricRow{"energy_on_chip_pj_per_image", "total",
                           result.total.energy.OnChipPj() / result.num_images, "pJ"});
  rows.push_back(MetricRow{"paper_energy_pj_per_image", "total", result.PaperEnergyPjPerImage(), "pJ"});
  return rows;
}

}  // namespace rcdnn::accel
