#include "accel_sim/mapper.h"

#include <algorithm>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

using models::LayerKind;
using models::LayerShape;
using models::LayerSpec;
using models::NetSpec;
using models::Widths;

// Output ranges of `step` along one axis and the input ranges they read.
struct Span {
  int o0, o1, i0, i1;
};
std::vector<Span> MakeSpans(int out, int in, int step, int stride, int pad, int k) {
  std::vector<Span> spans;
  for (int o0 = 0; o0 < out; o0 += step) {
    Span sp;
    sp.o0 = o0;
    sp.o1 = std::min(out, o0 + step);
    sp.i0 = std::max(0, o0 * stride - pad);
    sp.i1 = std::max(sp.i0, std::min(in, (sp.o1 - 1) * stride - pad + k));
    spans.push_back(sp);
  }
  return spans;
}

int64_t SpanInputSum(int out, int in, int step, int stride, int pad, int k) {
  int64_t total = 0;
  for (const Span& sp : MakeSpans(out, in, step, stride, pad, k)) total += sp.i1 - sp.i0;
  return total;
}

// NFU cycles (without fill/drain) of a layer whose reduction is split into
// c-tiles of `ct` input channels.
int64_t MappedComputeCycles(const Geometry& g, int ct, const NfuConfig& nfu) {
  const int64_t blocks = CeilDiv(g.M, nfu.neurons);
  if (g.op != Op::kMac) return blocks * g.Positions() * g.KK();
  const int64_t full_tiles = g.C / ct;
  const int64_t tail = g.C % ct;
  const int64_t chunks = full_tiles * CeilDiv(ct * g.KK(), nfu.synapses) +
                         (tail ? CeilDiv(tail * g.KK(), nfu.synapses) : 0);
  return blocks * g.Positions() * chunks;
}

struct Candidate {
  LayerMapping mapping;
  int64_t traffic_words = 0;
  int64_t cycles = 0;
  int64_t tiles = 0;
};

// DRAM words moved by a mapping (MakeTiles moves the same).
int64_t TrafficWords(const Geometry& g, const LayerMapping& m, const Capacities& caps) {
  int64_t traffic = m.output_on_chip ? 0 : g.OutputWords();
  if (g.op == Op::kMac) {
    const bool once = g.WeightWords() <= caps.sb || m.c_tiles == 1;
    traffic += once ? g.WeightWords() : g.WeightWords() * m.row_tiles * m.col_tiles;
  }
  if (!m.input_on_chip) {
    if (g.InputWords() <= caps.bin) {
      traffic += g.InputWords();
    } else {
      // Input windows overlap by the kernel's halo: separable sums.
      const int64_t plane = SpanInputSum(g.Ho, g.Hin, m.tp_rows, g.s, g.pad, g.k) *
                            SpanInputSum(g.Wo, g.Win, m.tq_cols, g.s, g.pad, g.k);
      traffic += int64_t{g.C} * plane * (g.op == Op::kMac ? m.m_tiles : 1);
    }
  }
  return traffic;
}

std::string Words(int64_t words) { return std::to_string(words) + " words"; }

}  // namespace

std::vector<Window> MakeWindows(const Geometry& g, int tp, int tq) {
  std::vector<Window> windows;
  for (const Span& r : MakeSpans(g.Ho, g.Hin, tp, g.s, g.pad, g.k)) {
    for (const Span& c : MakeSpans(g.Wo, g.Win, tq, g.s, g.pad, g.k)) {
      windows.push_back(Window{r.o0, r.o1, c.o0, c.o1, r.i0, r.i1, c.i0, c.i1});
    }
  }
  return windows;
}

LayerMapping MapLayer(const Geometry& g, bool input_on_chip, bool output_on_chip, const Capacities& caps,
                      const NfuConfig& nfu, const std::string& network) {
  const int64_t sb_cap = g.WeightWords() <= caps.sb ? caps.sb : caps.sb / 2;
  const bool input_resident = input_on_chip || g.InputWords() <= caps.bin;
  const int64_t bin_cap = caps.bin / 2;  // streaming input tiles
  const int64_t bout_cap = g.OutputWords() <= caps.bout ? caps.bout : caps.bout / 2;

  std::vector<int> tms;
  for (int tm = nfu.neurons; tm < g.M; tm += nfu.neurons) tms.push_back(tm);
  tms.push_back(g.M);
  std::vector<int> cts;
  if (g.op == Op::kMac) {
    for (int n = 1; n <= g.C; ++n) {
      const int ct = static_cast<int>(CeilDiv(g.C, n));
      if (cts.empty() || cts.back() != ct) cts.push_back(ct);
    }
  } else {
    cts.push_back(0);  // pooling: a tile's channels are its output channels
  }
  auto rows_for = [&](int tp) { return std::min<int64_t>(g.Hin, int64_t{tp - 1} * g.s + g.k); };
  auto cols_for = [&](int tq) { return std::min<int64_t>(g.Win, int64_t{tq - 1} * g.s + g.k); };
  auto fits = [&](int64_t tm, int64_t in_channels, int tp, int tq) {
    const bool bout_ok = tm * tp * tq <= bout_cap;
    const bool bin_ok = input_resident || in_channels * rows_for(tp) * cols_for(tq) <= bin_cap;
    return bout_ok && bin_ok;
  };

  bool found = false;
  Candidate best;
  for (int tm : tms) {
    for (int ct : cts) {
      if (g.op == Op::kMac && int64_t{tm} * ct * g.KK() > sb_cap) continue;
      const int64_t in_channels = g.op == Op::kMac ? ct : tm;
      // Whole output rows when one fits (contiguous DRAM rows), else the
      // widest column band; then as many rows as fit.
      int tq = g.Wo;
      while (tq >= 1 && !fits(tm, in_channels, 1, tq)) --tq;
      if (tq < 1) continue;
      int tp = g.Ho;
      while (tp > 1 && !fits(tm, in_channels, tp, tq)) --tp;
      Candidate c;
      c.mapping.tm = tm;
      c.mapping.ct = g.op == Op::kMac ? ct : tm;
      c.mapping.tp_rows = tp;
      c.mapping.tq_cols = tq;
      c.mapping.m_tiles = static_cast<int>(CeilDiv(g.M, tm));
      c.mapping.c_tiles = g.op == Op::kMac ? static_cast<int>(CeilDiv(g.C, ct)) : 1;
      c.mapping.row_tiles = static_cast<int>(CeilDiv(g.Ho, tp));
      c.mapping.col_tiles = static_cast<int>(CeilDiv(g.Wo, tq));
      c.mapping.input_on_chip = input_on_chip;
      c.mapping.output_on_chip = output_on_chip;
      c.traffic_words = TrafficWords(g, c.mapping, caps);
      c.cycles = MappedComputeCycles(g, c.mapping.ct, nfu);
      c.tiles = int64_t{c.mapping.m_tiles} * c.mapping.c_tiles * c.mapping.row_tiles * c.mapping.col_tiles;
      const bool better = !found || c.traffic_words < best.traffic_words ||
                          (c.traffic_words == best.traffic_words &&
                           (c.cycles < best.cycles || (c.cycles == best.cycles && c.tiles < best.tiles)));
      if (better) best = c;
      found = true;
    }
  }
  if (!found) {
    // Explain with the smallest possible tile: 16 (or fewer) output channels,
    // one input channel, one output position.
    const int tm = std::min(g.M, nfu.neurons);
    const int64_t in_channels = g.op == Op::kMac ? 1 : tm;
    std::string why;
    if (g.op == Op::kMac && int64_t{tm} * g.KK() > sb_cap) {
      why = "Sb needs " + Words(int64_t{tm} * g.KK()) + " for one weight tile, has " + Words(sb_cap);
    } else if (tm > bout_cap) {
      why = "Bout needs " + Words(tm) + " for one output position, has " + Words(bout_cap);
    } else {
      why = "Bin needs " + Words(in_channels * rows_for(1) * cols_for(1)) + " for one input window, has " +
            Words(bin_cap);
    }
    throw Error(network + ": layer '" + g.name + "' cannot be mapped onto the tile: " + why);
  }
  return best.mapping;
}

std::vector<TileWork> MakeTiles(const Geometry& g, const LayerMapping& m, const std::vector<Window>& windows,
                                const Capacities& caps, bool weights_in_sb) {
  std::vector<TileWork> tiles;
  const bool weights_whole = g.WeightWords() <= caps.sb;
  const bool input_whole = g.InputWords() <= caps.bin;
  for (int m0 = 0; m0 < g.M; m0 += m.tm) {
    const int m1 = std::min(g.M, m0 + m.tm);
    for (int w = 0; w < static_cast<int>(windows.size()); ++w) {
      const Window& win = windows[w];
      const int c_step = g.op == Op::kMac ? m.ct : g.C;
      for (int c0 = 0; c0 < (g.op == Op::kMac ? g.C : 1); c0 += c_step) {
        TileWork t;
        t.m0 = m0;
        t.m1 = m1;
        t.c0 = g.op == Op::kMac ? c0 : m0;
        t.c1 = g.op == Op::kMac ? std::min(g.C, c0 + m.ct) : m1;
        t.window = w;
        t.first_c = c0 == 0;
        t.last_c = g.op != Op::kMac || t.c1 == g.C;
        const bool first_tile = tiles.empty();
        if (g.op == Op::kMac && !weights_in_sb) {
          if (weights_whole) {
            if (first_tile) t.load_weight_words = g.WeightWords();
          } else if (m.c_tiles == 1) {
            if (w == 0) t.load_weight_words = int64_t{m1 - m0} * g.C * g.KK();
          } else {
            t.load_weight_words = int64_t{m1 - m0} * (t.c1 - t.c0) * g.KK();
          }
        }
        if (!m.input_on_chip) {
          if (input_whole) {
            if (first_tile) t.load_input_words = g.InputWords();
          } else {
            t.load_input_words = int64_t{t.c1 - t.c0} * win.InputPlane();
          }
        }
        if (t.last_c && !m.output_on_chip) t.store_output_words = int64_t{m1 - m0} * win.Positions();
        tiles.push_back(t);
      }
    }
  }
  return tiles;
}

NetworkMapping MapNetwork(const NetSpec& spec, const Widths& widths, const TechConfig& tech) {
  Validate(tech);
  NetworkMapping net;
  net.shapes = models::InferShapes(spec, widths);
  net.owner.assign(spec.layers.size(), -1);
  int weight_index = 0;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    const LayerShape& shape = net.shapes[i];
    if (layer.kind == LayerKind::kRelu) {
      if (net.geometries.empty()) {
        throw Error(spec.name + ": relu layer '" + layer.name + "' has no layer before it whose NFU-3 can apply it");
      }
      net.geometries.back().relu = true;
      net.owner[i] = static_cast<int>(net.geometries.size()) - 1;
      continue;
    }
    Geometry g;
    g.spec_index = static_cast<int>(i);
    g.name = layer.name;
    g.macs = shape.macs;
    if (layer.kind == LayerKind::kFc) {
      g.op = Op::kMac;
      g.kind = "fc";
      g.C = static_cast<int>(shape.InputSize());
      g.M = shape.out_channels;
    } else {
      g.op = layer.kind == LayerKind::kConv ? Op::kMac : layer.kind == LayerKind::kMaxPool ? Op::kMaxPool : Op::kAvgPool;
      g.kind = layer.kind == LayerKind::kConv ? "conv" : layer.kind == LayerKind::kMaxPool ? "maxpool" : "avgpool";
      g.C = shape.in_channels;
      g.Hin = shape.in_height;
      g.Win = shape.in_width;
      g.M = shape.out_channels;
      g.Ho = shape.out_height;
      g.Wo = shape.out_width;
      g.k = layer.kernel;
      g.s = layer.stride;
      g.pad = layer.pad;
    }
    if (g.op == Op::kMac) g.weight_index = weight_index++;
    net.owner[i] = static_cast<int>(net.geometries.size());
    net.geometries.push_back(g);
  }
  const int64_t word_bytes = tech.WordBytes();
  net.caps = Capacities{tech.sb.capacity_bytes / word_bytes, tech.bin.capacity_bytes / word_bytes,
                          tech.bout.capacity_bytes / word_bytes};
  int64_t all_weights = 0;
  for (const Geometry& g : net.geometries) all_weights += g.WeightWords();
  net.weights_resident = all_weights <= net.caps.sb;
  const Nfu nfu(tech.nfu);
  const bool can_swap = net.caps.bin == net.caps.bout;
  bool input_on_chip = false;
  for (size_t i = 0; i < net.geometries.size(); ++i) {
    const Geometry& g = net.geometries[i];
    const bool output_on_chip = can_swap && i + 1 < net.geometries.size() && g.OutputWords() <= net.caps.bout;
    LayerMapping m = MapLayer(g, input_on_chip, output_on_chip, net.caps, nfu.config(), spec.name);
    m.weights_resident = net.weights_resident;
    net.mappings.push_back(m);
    input_on_chip = output_on_chip;
  }
  return net;
}

}  // namespace rcdnn::accel
