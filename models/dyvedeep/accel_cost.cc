#include "models/dyvedeep/accel_cost.h"

#include <algorithm>
#include <set>

#include "common/error.h"

namespace rcdnn::models::dyvedeep {

KnobbedAccelCost PriceKnobbedRun(const accel::SimResult& sim, const std::map<std::string, double>& executed_fraction) {
  if (sim.num_images < 1) throw Error("PriceKnobbedRun: the simulation ran " + std::to_string(sim.num_images) + " images");
  const double images = sim.num_images;
  std::set<std::string> used;
  KnobbedAccelCost cost;
  double saved_pj = 0, saved_ns = 0;
  for (const accel::LayerResult& row : sim.layers) {
    LayerCost layer;
    layer.layer = row.layer;
    layer.energy_pj = row.energy.TotalPj() / images;
    layer.nfu_pj = row.energy.nfu_pj / images;
    layer.time_ns = row.time_ns / images;
    const auto it = executed_fraction.find(row.layer);
    if (it != executed_fraction.end()) {
      if (row.kind != "conv" && row.kind != "fc") {
        throw Error("PriceKnobbedRun: layer '" + row.layer + "' is a " + row.kind + " layer, not conv or fc");
      }
      if (!(it->second >= 0 && it->second <= 1)) {
        throw Error("PriceKnobbedRun: executed fraction " + std::to_string(it->second) + " of layer '" + row.layer +
                    "' is outside [0, 1]");
      }
      layer.executed_fraction = it->second;
      used.insert(row.layer);
    }
    const double f = layer.executed_fraction;
    layer.knobbed_energy_pj = layer.energy_pj - (1 - f) * layer.nfu_pj;
    const double ns_per_cycle = row.cycles > 0 ? row.time_ns / static_cast<double>(row.cycles) : 0.0;
    const double compute_ns = static_cast<double>(row.compute_cycles) * ns_per_cycle / images;
    const double dram_ns = row.counters.dram.busy_ns / images;
    layer.knobbed_time_ns = f == 1 ? layer.time_ns : std::max(layer.time_ns - (1 - f) * compute_ns, dram_ns);
    saved_pj += layer.energy_pj - layer.knobbed_energy_pj;
    saved_ns += layer.time_ns - layer.knobbed_time_ns;
    cost.layers.push_back(layer);
  }
  for (const auto& [name, fraction] : executed_fraction) {
    if (!used.count(name)) throw Error("PriceKnobbedRun: layer '" + name + "' is not in the simulation of " + sim.network);
  }
  cost.energy_pj_per_image = sim.EnergyPjPerImage();
  cost.knobbed_energy_pj_per_image = cost.energy_pj_per_image - saved_pj;
  cost.time_ns_per_image = sim.TimeNsPerImage();
  cost.knobbed_time_ns_per_image = cost.time_ns_per_image - saved_ns;
  return cost;
}

}  // namespace rcdnn::models::dyvedeep
