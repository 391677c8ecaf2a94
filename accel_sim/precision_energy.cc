#include "accel_sim/precision_energy.h"

#include "accel_sim/mapper.h"
#include "common/error.h"

namespace rcdnn::accel {

using models::NetSpec;
using models::Widths;

int64_t PackedBurstBytes(int64_t values, int bits, int burst_bytes) {
  if (values <= 0) return 0;
  const int64_t bytes = CeilDiv(values * bits, 8);
  return CeilDiv(bytes, burst_bytes) * burst_bytes;
}

PrecisionPricer::PrecisionPricer(const NetSpec& spec, const Widths& widths, const TechConfig& tech,
                                 const SimOptions& options)
    : spec_(spec), tech_(tech), table_(DeriveActionEnergies(tech)) {
  if (tech.arithmetic != Arithmetic::kFixed) {
    throw Error(tech.source + ": precision-dependent energy needs a fixed-point tech (" + tech.name +
                " computes in float); use e.g. accel_sim/tech/fixed32_16.tech");
  }
  reference_ = SimulateAnalytical(spec, widths, tech, options);
  const NetworkMapping net = MapNetwork(spec, widths, tech);
  const int word_bits = tech.word_bits;
  for (size_t i = 0; i < net.geometries.size(); ++i) {
    const Geometry& g = net.geometries[i];
    Layer layer;
    layer.name = g.name;
    layer.kind = g.kind;
    layer.mac = g.op == Op::kMac;
    layer.weight_index = g.weight_index;
    bool found = false;
    for (const LayerResult& row : reference_.layers) {
      if (row.layer == g.name && row.kind == g.kind) {
        layer.counters = row.counters;
        found = true;
        break;
      }
    }
    if (!found) throw Error(spec.name + ": layer '" + g.name + "' has no row in the simulation result");
    // The same tiles the simulator walked: image 0 loads everything, later
    // images find the weights in Sb when the whole network's fit.
    for (int image = 0; image < std::min(options.num_images, 2); ++image) {
      const int64_t times = image == 0 ? 1 : options.num_images - 1;
      const bool weights_in_sb = net.weights_resident && image > 0;
      const LayerMapping& m = net.mappings[i];
      const std::vector<TileWork> tiles = MakeTiles(g, m, MakeWindows(g, m.tp_rows, m.tq_cols), net.caps, weights_in_sb);
      for (const TileWork& t : tiles) {
        if (t.load_weight_words > 0) layer.dram.weights.push_back({t.load_weight_words, times});
        if (t.load_input_words > 0) layer.dram.inputs.push_back({t.load_input_words, times});
        if (t.store_output_words > 0) layer.dram.outputs.push_back({t.store_output_words, times});
      }
    }
    // The transfers must be the ones the simulator counted.
    int64_t bytes = 0;
    for (const auto* list : {&layer.dram.weights, &layer.dram.inputs, &layer.dram.outputs}) {
      for (const auto& [values, count] : *list) bytes += PackedBurstBytes(values, word_bits, tech.dram.burst_bytes) * count;
    }
    if (bytes != layer.counters.dram.Bytes()) {
      throw Error(spec.name + ": layer '" + g.name + "': the tiles' DRAM transfers (" + std::to_string(bytes) +
                  " bytes) disagree with the simulator's count (" + std::to_string(layer.counters.dram.Bytes()) +
                  " bytes)");
    }
    layers_.push_back(std::move(layer));
  }
}

PrecisionEnergy PrecisionPricer::Price(const Precision& precision) const {
  ValidatePrecision(spec_, precision, tech_);
  const double W = tech_.word_bits;
  const int burst = tech_.dram.burst_bytes;
  PrecisionEnergy out;
  out.num_images = reference_.num_images;
  FixedPointFormat format = precision.input;  // flows layer to layer as in the bit-accurate mode
  for (const Layer& layer : layers_) {
    LayerPrecisionEnergy e;
    e.layer = layer.name;
    e.kind = layer.kind;
    const int a_in = format.total_bits;
    int w = 0, a_out = a_in;
    if (layer.mac) {
      const LayerFormats& f = precision.layers[layer.weight_index];
      w = f.weights.total_bits;
      a_out = f.outputs.total_bits;
      format = f.outputs;
    }
    e.weight_bits = w;
    e.input_bits = a_in;
    e.output_bits = a_out;
    const Counters& c = layer.counters;
    const double op = table_.nfu_op_pj;
    if (layer.mac) {
      const double add_scale = (w + a_in) / (2.0 * W);
      e.energy.nfu_pj = static_cast<double>(c.nfu.multiplies) * op * (w * a_in / (W * W)) +
                        static_cast<double>(c.nfu.tree_adds + c.nfu.accumulate_adds) * op * add_scale;
    } else {
      e.energy.nfu_pj = static_cast<double>(c.nfu.tree_adds + c.nfu.comparisons + c.nfu.accumulate_adds) * op *
                        (a_in / W);
    }
    e.energy.nfu_pj += static_cast<double>(c.nfu.nonlinear_ops) * op * (a_out / W);
    e.energy.sb_pj = static_cast<double>(c.sb.read_accesses + c.sb.write_accesses) * table_.sb_access_pj * (w / W);
    e.energy.bin_pj =
        static_cast<double>(c.bin.read_accesses + c.bin.write_accesses) * table_.bin_access_pj * (a_in / W);
    e.energy.bout_pj =
        static_cast<double>(c.bout.read_accesses + c.bout.write_accesses) * table_.bout_access_pj * (a_out / W);
    e.energy.control_pj = static_cast<double>(c.control_cycles) * table_.control_cycle_pj;
    int64_t bytes = 0;
    for (const auto& [values, count] : layer.dram.weights) bytes += PackedBurstBytes(values, w, burst) * count;
    for (const auto& [values, count] : layer.dram.inputs) bytes += PackedBurstBytes(values, a_in, burst) * count;
    for (const auto& [values, count] : layer.dram.outputs) bytes += PackedBurstBytes(values, a_out, burst) * count;
    e.dram_bytes = bytes;
    e.energy.dram_pj = static_cast<double>(bytes) * table_.dram_byte_pj;
    out.total.Add(e.energy);
    out.dram_bytes += bytes;
    out.layers.push_back(std::move(e));
  }
  const Counters& mc = reference_.margin_controller.counters;
  out.margin_controller.margin_controller_pj = static_cast<double>(mc.margin.activations) * table_.margin_activation_pj;
  out.margin_controller.control_pj = static_cast<double>(mc.control_cycles) * table_.control_cycle_pj;
  out.total.Add(out.margin_controller);
  return out;
}

}  // namespace rcdnn::accel
