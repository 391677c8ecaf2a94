#include "accel_sim/roofline.h"

#include "common/error.h"
#include "models/spec/shapes.h"

namespace rcdnn::accel {

std::vector<LayerRoofline> Roofline(const models::NetSpec& spec, const TechConfig& tech, const SimResult& result) {
  if (result.layers.size() != spec.layers.size() || result.network != spec.name) {
    throw Error("roofline: the result of '" + result.network + "' (" + std::to_string(result.layers.size()) +
                " rows) is not a simulation of spec '" + spec.name + "' (" + std::to_string(spec.layers.size()) +
                " layers)");
  }
  const std::vector<models::LayerShape> shapes = models::InferShapes(spec, result.widths);
  const double lanes = static_cast<double>(tech.nfu.neurons) * tech.nfu.synapses;
  std::vector<LayerRoofline> rows;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const models::LayerSpec& layer = spec.layers[i];
    if (layer.kind == models::LayerKind::kRelu) continue;
    const LayerResult& r = result.layers[i];
    double work_cycles = 0;
    if (layer.HasWeights()) {
      work_cycles = static_cast<double>(shapes[i].macs) / lanes;
    } else {
      work_cycles = static_cast<double>(shapes[i].OutputSize()) * layer.kernel * layer.kernel / tech.nfu.neurons;
    }
    LayerRoofline row;
    row.layer = layer.name;
    row.compute_floor_ns = work_cycles * tech.clock_period_ns * result.num_images;
    row.dram_floor_ns = static_cast<double>(r.dram_bytes) / tech.dram.peak_bandwidth_gb_s;
    row.time_ns = r.time_ns;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace rcdnn::accel
