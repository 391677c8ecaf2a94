#include "accel_sim/timing.h"

#include <algorithm>
#include <cmath>

namespace rcdnn::accel {

using models::LayerKind;
using models::LayerSpec;
using models::NetSpec;
using models::Widths;

void Components::Reset() {
  nfu.ResetStats();
  sb.ResetStats();
  bin.ResetStats();
  bout.ResetStats();
  dram.ResetStats();
}

void CountTile(const Geometry& g, const TileWork& t, const Window& b, Components& c) {
  const NfuConfig& cfg = c.nfu.config();
  const int64_t tm = t.m1 - t.m0;
  const int64_t blocks = CeilDiv(tm, cfg.neurons);
  const int64_t positions = b.Positions();
  if (g.op == Op::kMac) {
    const int64_t rt = int64_t{t.c1 - t.c0} * g.KK();
    const int64_t chunks = CeilDiv(rt, cfg.synapses);
    const int64_t passes = blocks * positions * chunks;
    c.nfu.CountMacPasses(passes, tm * positions * rt, tm * positions * (rt - chunks), tm * positions * chunks);
    c.sb.Read(passes, tm * positions * rt);
    c.bin.Read(passes, blocks * positions * rt);
    if (!t.first_c) c.bout.Read(blocks * positions, tm * positions);
    c.bout.Write(blocks * positions, tm * positions);
    if (t.last_c && g.relu) c.nfu.CountNonlinear(tm * positions);
  } else {
    const int64_t passes = blocks * positions * g.KK();
    c.nfu.CountPoolPasses(passes, tm * positions * g.KK(), g.op == Op::kMaxPool);
    c.bin.Read(passes, tm * positions * g.KK());
    c.bout.Write(blocks * positions, tm * positions);
    c.nfu.CountNonlinear((g.op == Op::kAvgPool ? tm * positions : 0) + (g.relu ? tm * positions : 0));
  }
}

int64_t NsToCycles(double ns, double clock_ns) {
  if (ns <= 0) return 0;
  return static_cast<int64_t>(std::ceil(ns / clock_ns - 1e-9));
}

LayerRun RunLayer(const Geometry& g, const LayerMapping& m, const Capacities& caps, bool weights_in_sb,
                  const TechConfig& tech, Components& c, const TileExecutor& execute) {
  c.Reset();
  const std::vector<Window> windows = MakeWindows(g, m.tp_rows, m.tq_cols);
  const std::vector<TileWork> tiles = MakeTiles(g, m, windows, caps, weights_in_sb);
  const int64_t word_bytes = tech.WordBytes();
  auto load_ns = [&](const TileWork& t) {
    double ns = 0;
    if (t.load_weight_words > 0) {
      c.sb.WriteWords(t.load_weight_words);
      ns += c.dram.Read(t.load_weight_words * word_bytes);
    }
    if (t.load_input_words > 0) {
      c.bin.WriteWords(t.load_input_words);
      ns += c.dram.Read(t.load_input_words * word_bytes);
    }
    return ns;
  };
  auto store_ns = [&](const TileWork& t) {
    if (t.store_output_words <= 0) return 0.0;
    c.bout.ReadWords(t.store_output_words);
    return c.dram.Write(t.store_output_words * word_bytes);
  };
  const double clock_ns = tech.clock_period_ns;
  LayerRun run;
  run.cycles = NsToCycles(load_ns(tiles.front()), clock_ns);
  for (size_t i = 0; i < tiles.size(); ++i) {
    const int64_t before = c.nfu.stats().cycles;
    if (execute) {
      execute(tiles[i], windows[tiles[i].window]);
    } else {
      CountTile(g, tiles[i], windows[tiles[i].window], c);
    }
    const int64_t compute = c.nfu.stats().cycles - before;
    double dram_ns = 0;
    if (i + 1 < tiles.size()) dram_ns += load_ns(tiles[i + 1]);
    if (i > 0) dram_ns += store_ns(tiles[i - 1]);
    run.cycles += std::max(compute, NsToCycles(dram_ns, clock_ns));
    run.compute_cycles += compute;
  }
  run.cycles += c.nfu.FillDrainCycles();
  run.compute_cycles += c.nfu.FillDrainCycles();
  run.cycles += NsToCycles(store_ns(tiles.back()), clock_ns);
  run.counters.nfu = c.nfu.stats();
  run.counters.sb = c.sb.stats();
  run.counters.bin = c.bin.stats();
  run.counters.bout = c.bout.stats();
  run.counters.dram = c.dram.stats();
  run.counters.control_cycles = run.cycles;
  return run;
}

void AccumulateRun(const LayerRun& run, int64_t times, LayerResult* into) {
  into->counters.Add(run.counters, times);
  into->compute_cycles += run.compute_cycles * times;
  into->cycles += run.cycles * times;
}

namespace {

// Fills derived fields (time, energy, utilisation) from counters and cycles.
void Finish(const TechConfig& tech, const ActionEnergies& table, int peak_ops, LayerResult* r) {
  r->stall_cycles = r->cycles - r->compute_cycles;
  r->time_ns = static_cast<double>(r->cycles) * tech.clock_period_ns;
  r->dram_bytes = r->counters.dram.Bytes();
  r->energy = PriceCounters(table, r->counters);
  r->paper_energy_pj = PaperConventionEnergyPj(tech, r->time_ns);
  r->utilisation = r->cycles > 0 ? static_cast<double>(r->counters.nfu.PaperOps()) /
                                       (static_cast<double>(peak_ops) * static_cast<double>(r->cycles))
                                 : 0.0;
}

}  // namespace

SimResult Assemble(const NetSpec& spec, const Widths& widths, const TechConfig& tech, const NetworkMapping& net,
                   std::vector<LayerResult> per_geometry, const MarginControllerStats& margin, int num_images,
                   const std::string& mode) {
  const ActionEnergies table = DeriveActionEnergies(tech);
  const int peak_ops = Nfu(tech.nfu).PeakOpsPerCycle();
  SimResult result;
  result.network = spec.name;
  result.tech = tech.name;
  result.arithmetic = tech.arithmetic;
  result.mode = mode;
  result.widths = widths;
  result.num_images = num_images;
  result.total.layer = "total";
  result.total.kind = "total";
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    const int owner = net.owner[i];
    LayerResult row;
    if (layer.kind == LayerKind::kRelu) {
      row.layer = layer.name;
      row.kind = "relu";
      row.fused_into = net.geometries[owner].name;
      row.out_channels = net.shapes[i].out_channels;
    } else {
      row = per_geometry[owner];
      const Geometry& g = net.geometries[owner];
      row.layer = g.name;
      row.kind = g.kind;
      row.out_channels = net.shapes[i].out_channels;
      row.macs = g.macs * num_images;
      row.mapping = net.mappings[owner];
    }
    Finish(tech, table, peak_ops, &row);
    result.total.counters.Add(row.counters);
    result.total.compute_cycles += row.compute_cycles;
    result.total.cycles += row.cycles;
    result.total.macs += row.macs;
    result.total.saturations.Add(row.saturations);
    result.layers.push_back(row);
  }
  LayerResult& mc = result.margin_controller;
  mc.layer = "margin_controller";
  mc.kind = "controller";
  mc.counters.margin = margin;
  mc.cycles = margin.activations * NsToCycles(tech.margin.latency_ns, tech.clock_period_ns);
  mc.compute_cycles = mc.cycles;  // the controller's own work, not a stall
  mc.counters.control_cycles = mc.cycles;
  Finish(tech, table, peak_ops, &mc);
  mc.time_ns = margin.busy_ns;  // the paper's 12 ns, not rounded up to cycles
  mc.paper_energy_pj = PaperConventionEnergyPj(tech, mc.time_ns);
  result.total.counters.Add(mc.counters);
  result.total.compute_cycles += mc.compute_cycles;
  result.total.cycles += mc.cycles;
  Finish(tech, table, peak_ops, &result.total);
  // Time is the sum of the rows' times (the controller's exact 12 ns).
  double time_ns = mc.time_ns;
  for (const LayerResult& row : result.layers) time_ns += row.time_ns;
  result.total.time_ns = time_ns;
  result.total.paper_energy_pj = PaperConventionEnergyPj(tech, time_ns);
  return result;
}

}  // namespace rcdnn::accel
