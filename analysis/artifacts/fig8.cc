// Figure 8: the organisation of the paper's accelerator (§5.1, "The custom HW
// implemented in our work"), drawn as a block diagram of accel_sim's tile
// from the technology parameters //artifacts:accel_sim stores (metrics
// tech_<parameter>, method = the technology's name, key = the line's
// source), so every number in it is one the simulator ran with. The layout
// follows DianNao (Chen et al., ASPLOS'14), whose tile the paper adopts,
// plus the paper's margin controller. A diagram, not a result.
#include <cmath>
#include <map>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"

namespace rcdnn::analysis::artifacts {
namespace {

struct TechValue {
  double value = 0;
  std::string unit, source;
};

// The parameters the diagram cannot be drawn without.
const char* const kRequired[] = {
    "tech_word_bits",      "tech_clock_period_ns",          "tech_nfu_neurons",
    "tech_nfu_synapses",   "tech_sb_bytes",                 "tech_bin_bytes",
    "tech_bout_bytes",     "tech_sb_power_mw",              "tech_bin_power_mw",
    "tech_bout_power_mw",  "tech_nfu_power_mw",             "tech_control_power_mw",
    "tech_total_power_mw", "tech_dram_peak_bandwidth_gb_s", "tech_dram_energy_pj_per_bit",
    "tech_margin_latency_ns", "tech_margin_power_fraction"};
// Drawn where present.
const char* const kOptional[] = {"tech_frac_bits", "tech_total_buffer_bytes", "tech_dram_burst_bytes", "peak_gop_s"};

std::string Num(double value) { return FormatNumber(value, Significant(6)); }

// 81920 -> "80 KB"; a size that is not whole KB stays in bytes.
std::string Bytes(double bytes) {
  return std::fmod(bytes, 1024) == 0 ? Num(bytes / 1024) + " KB" : Num(bytes) + " B";
}

}  // namespace

ArtifactOutput Fig8(const ArtifactContext& context) {
  ArtifactOutput out;
  out.reproduced = false;  // the model's configuration, drawn; the paper's figure has no numbers
  const std::string tech = kAcceleratorMethod;
  std::map<std::string, TechValue> v;
  std::string absent;
  const auto read = [&](const char* name) {
    results::MetricFilter filter;
    filter.name = name;
    filter.method = tech;
    for (const results::MetricRow& row : context.store.Query(filter)) {
      if (!row.metric.network.empty() || !row.metric.width.empty()) continue;  // per-tech rows only
      v[name] = {row.metric.value, row.metric.unit, row.metric.key};
      out.run_ids.insert(row.run_id);
      return;
    }
  };
  for (const char* name : kRequired) {
    read(name);
    if (v.count(name) == 0) absent += (absent.empty() ? "" : ", ") + std::string(name);
  }
  for (const char* name : kOptional) read(name);
  const std::string command =
      "bazel build //artifacts:accel_sim  (its accel_sim.db is the shard; bazel run //artifacts:fig8 builds and "
      "renders it)";
  if (v.empty()) {
    out.missing.push_back({"no technology parameters (metrics tech_*, method " + tech +
                               ") from accel_sim's table4 tool: the diagram's numbers",
                           command});
    return out;
  }
  if (!absent.empty()) {
    out.missing.push_back({"technology parameters of " + tech + " missing from the store: " + absent +
                               " (a shard from an older accel_sim?)",
                           command});
    return out;
  }

  const auto at = [&](const char* name) { return v.at(name).value; };
  const int neurons = static_cast<int>(at("tech_nfu_neurons"));
  const int synapses = static_cast<int>(at("tech_nfu_synapses"));
  const double clock_ns = at("tech_clock_period_ns");
  const std::string word =
      v.count("tech_frac_bits") ? "<" + Num(at("tech_word_bits")) + "," + Num(at("tech_frac_bits")) + "> fixed point"
                                : Num(at("tech_word_bits")) + "-bit words";
  const double margin_mw = at("tech_margin_power_fraction") * at("tech_total_power_mw");

  // The data table: every parameter the diagram shows, with its source.
  Table data{"fig8", "Figure 8 data: the accelerator parameters the diagram shows (" + tech + ")",
             {"block", "parameter", "value", "unit", "source"}, {}, {}};
  const auto row = [&](const std::string& block, const char* name) {
    if (v.count(name) == 0) return;
    const TechValue& t = v.at(name);
    // peak_gop_s is computed by the tool, not read from a line of the tech file.
    const std::string source =
        t.source.empty() && std::string(name) == "peak_gop_s" ? "accel_sim: NFU operations per cycle x clock rate"
                                                               : t.source;
    data.rows.push_back({block, name, Num(t.value), t.unit, source});
  };
  row("tile", "tech_word_bits");
  row("tile", "tech_frac_bits");
  row("tile", "tech_clock_period_ns");
  row("off-chip DDR3 DRAM", "tech_dram_peak_bandwidth_gb_s");
  row("off-chip DDR3 DRAM", "tech_dram_energy_pj_per_bit");
  row("off-chip DDR3 DRAM", "tech_dram_burst_bytes");
  row("NBin", "tech_bin_bytes");
  row("NBin", "tech_bin_power_mw");
  row("SB", "tech_sb_bytes");
  row("SB", "tech_sb_power_mw");
  row("NBout", "tech_bout_bytes");
  row("NBout", "tech_bout_power_mw");
  row("buffers", "tech_total_buffer_bytes");
  row("NFU", "tech_nfu_neurons");
  row("NFU", "tech_nfu_synapses");
  row("NFU", "tech_nfu_power_mw");
  row("NFU", "peak_gop_s");
  row("control processor", "tech_control_power_mw");
  row("margin controller", "tech_margin_latency_ns");
  row("margin controller", "tech_margin_power_fraction");
  row("margin controller", "tech_total_power_mw");

  // The layout, in panel units (x 0..152, y 0..82): DRAM on the left, the
  // buffers, the NFU's three stages top to bottom, NBout and the margin
  // controller on the right, the control processor across the top.
  Panel panel{"", "", "", {}, 0, 152, 0, 82};
  Diagram& d = panel.diagram;
  using Align = DiagramText::Align;
  const std::string grey = "#e8e8e8", buffer = "#dbe9f6", stage = "#e2f0d9", control = "#fff2cc", margin = "#fbd5b5";
  d.boxes.push_back({2, 14, 24, 62, "Off-chip DDR3 DRAM",
                     {Num(at("tech_dram_peak_bandwidth_gb_s")) + " GB/s peak",
                      Num(at("tech_dram_energy_pj_per_bit")) + " pJ/bit"},
                     grey, false});
  if (v.count("tech_dram_burst_bytes")) d.boxes.back().lines.push_back(Num(at("tech_dram_burst_bytes")) + " B bursts");
  d.boxes.push_back({34, 46, 56, 60, "NBin: input buffer",
                     {Bytes(at("tech_bin_bytes")), Num(at("tech_bin_power_mw")) + " mW"}, buffer, false});
  d.boxes.push_back({34, 22, 56, 38, "SB: weight buffer",
                     {Bytes(at("tech_sb_bytes")), Num(at("tech_sb_power_mw")) + " mW"}, buffer, false});
  if (v.count("tech_total_buffer_bytes")) {
    d.texts.push_back({45, 18, {"three buffers: " + Bytes(at("tech_total_buffer_bytes")) + " in all"}});
  }
  std::string nfu_title = "NFU: " + Num(at("tech_nfu_power_mw")) + " mW";
  if (v.count("peak_gop_s")) nfu_title += ", peak " + FormatNumber(at("peak_gop_s"), Fixed(1)) + " GOP/s";
  d.boxes.push_back({78, 12, 110, 62, nfu_title, {}, "#f7f7f7", false});
  d.boxes.push_back({81, 45, 107, 56, "NFU-1: multiply",
                     {std::to_string(neurons) + " x " + std::to_string(synapses) + " = " +
                      std::to_string(neurons * synapses) + " multipliers"},
                     stage, false});
  d.boxes.push_back({81, 30, 107, 40, "NFU-2: add",
                     {std::to_string(neurons) + " adder trees, " + std::to_string(synapses - 1) + " adders each",
                      "(also max / average pooling)"},
                     stage, false});
  d.boxes.push_back({81, 15, 107, 25, "NFU-3: non-linearity",
                     {std::to_string(neurons) + " lanes (ReLU)"}, stage, false});
  d.boxes.push_back({124, 12, 146, 40, "NBout: output buffer",
                     {Bytes(at("tech_bout_bytes")), Num(at("tech_bout_power_mw")) + " mW"}, buffer, false});
  d.boxes.push_back({116, 46, 150, 62, "Margin controller (the paper's)",
                     {"top-2 score margin vs threshold", Num(at("tech_margin_latency_ns")) + " ns per activation",
                      FormatNumber(100 * at("tech_margin_power_fraction"), Significant(3)) + "% of power = " +
                          FormatNumber(margin_mw, Significant(3)) + " mW"},
                     margin, true});
  d.boxes.push_back({34, 70, 150, 80, "Control processor", {Num(at("tech_control_power_mw")) + " mW"}, control, false});

  const auto arrow = [&](double x0, double y0, double x1, double y1, std::vector<std::string> label = {},
                         double dx = 0, double dy = 1.8, Align align = Align::kCenter) {
    d.arrows.push_back({x0, y0, x1, y1, true, false, std::move(label), dx, dy, align});
  };
  const auto segment = [&](double x0, double y0, double x1, double y1) {
    d.arrows.push_back({x0, y0, x1, y1, false, false, {}, 0, 0, Align::kCenter});
  };
  arrow(24, 53, 34, 53, {"inputs"});
  arrow(24, 30, 34, 30, {"weights"});
  arrow(56, 53, 81, 53, {std::to_string(synapses) + " inputs / cycle"});
  segment(56, 30, 70, 30);
  segment(70, 30, 70, 48);
  arrow(70, 48, 81, 48);
  d.texts.push_back({57, 27.5, {std::to_string(neurons * synapses) + " weights / cycle"}, Align::kLeft});
  arrow(94, 45, 94, 40);
  arrow(94, 30, 94, 25);
  arrow(107, 20, 124, 20, {std::to_string(neurons) + " outputs", "per cycle"}, 0, 2.8);
  arrow(124, 35, 107, 35, {"partial sums"});
  arrow(135, 40, 135, 46, {"top-2 scores"}, 1.5, 0, Align::kLeft);
  arrow(145, 62, 145, 70, {"re-run the image on a bigger increment, or next image"}, -2, 0, Align::kRight);
  // Layer outputs go back to DRAM under the NFU.
  segment(135, 12, 135, 6);
  segment(135, 6, 13, 6);
  arrow(13, 6, 13, 14);
  d.arrows[d.arrows.size() - 2].label = {"layer outputs (stores)"};
  d.arrows[d.arrows.size() - 2].label_dy = 1.8;
  // Control, dashed.
  for (const double x : {45.0, 94.0}) d.arrows.push_back({x, 70, x, x < 60 ? 60.0 : 62.0, true, true, {}, 0, 0, Align::kCenter});
  d.texts.push_back({76, 2, {"solid: data (per cycle at full width); dashed: control. Values: accel_sim/tech/" + tech +
                             ".tech as the simulator stores them (fig8.csv names each one's source)."}});

  const std::string clock = Num(clock_ns) + " ns (" + FormatNumber(1e3 / clock_ns, Fixed(1)) + " MHz)";
  Figure figure{"fig8", "Figure 8: the accelerator tile as simulated (" + tech + ": " + word + ", clock " + clock + ")",
                {std::move(panel)}, 1, 1400, 780};
  out.figures.push_back(std::move(figure));
  data.notes.push_back("A diagram, not a result: accel_sim's tile as configured by accel_sim/tech/" + tech +
                       ".tech, laid out after DianNao (Chen et al., ASPLOS'14), whose tile the paper adopts, with the "
                       "paper's margin controller; the paper's Figure 8 prints no numbers.");
  out.tables.push_back(std::move(data));
  return out;
}

}  // namespace rcdnn::analysis::artifacts
