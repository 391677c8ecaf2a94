#include "accel_sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <type_traits>

#include "accel_sim/buffer.h"
#include "accel_sim/dram.h"
#include "accel_sim/margin_controller.h"
#include "accel_sim/nfu.h"
#include "common/error.h"

namespace rcdnn::accel {
namespace {

using models::LayerKind;
using models::LayerShape;
using models::LayerSpec;
using models::NetSpec;
using models::Widths;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

enum class Op { kMac, kMaxPool, kAvgPool };

// A conv, fc or pooling layer as the tile sees it. fc is a 1 x 1 conv over
// its flattened input: C = in_channels * in_h * in_w, Hin = Win = 1.
struct Geometry {
  int spec_index = 0;
  int weight_index = -1;  // index into NetWeights / Precision (kMac only)
  std::string name;
  std::string kind;  // "conv", "fc", "maxpool", "avgpool"
  Op op = Op::kMac;
  int C = 0, Hin = 1, Win = 1, M = 0, Ho = 1, Wo = 1, k = 1, s = 1, pad = 0;
  bool relu = false;  // a ReLU fused into NFU-3
  int64_t macs = 0;

  int64_t KK() const { return int64_t{k} * k; }
  int64_t R() const { return op == Op::kMac ? C * KK() : KK(); }  // reduction per output
  int64_t Positions() const { return int64_t{Ho} * Wo; }
  int64_t WeightWords() const { return op == Op::kMac ? int64_t{M} * C * KK() : 0; }
  int64_t InputWords() const { return int64_t{C} * Hin * Win; }
  int64_t OutputWords() const { return int64_t{M} * Ho * Wo; }
};

struct Capacities {  // words
  int64_t sb = 0, bin = 0, bout = 0;
};

// A tile's output window and the input window it reads (clipped to the input).
struct Window {
  int y0 = 0, y1 = 0, x0 = 0, x1 = 0;      // output rows / columns [y0, y1) x [x0, x1)
  int iy0 = 0, iy1 = 0, ix0 = 0, ix1 = 0;  // input rows / columns read
  int64_t Positions() const { return int64_t{y1 - y0} * (x1 - x0); }
  int64_t InputPlane() const { return int64_t{iy1 - iy0} * (ix1 - ix0); }
};

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

// Row bands outer, column bands inner.
std::vector<Window> MakeWindows(const Geometry& g, int tp, int tq) {
  std::vector<Window> windows;
  for (const Span& r : MakeSpans(g.Ho, g.Hin, tp, g.s, g.pad, g.k)) {
    for (const Span& c : MakeSpans(g.Wo, g.Win, tq, g.s, g.pad, g.k)) {
      windows.push_back(Window{r.o0, r.o1, c.o0, c.o1, r.i0, r.i1, c.i0, c.i1});
    }
  }
  return windows;
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

struct TileWork {
  int m0 = 0, m1 = 0, c0 = 0, c1 = 0;
  int window = 0;
  bool first_c = true, last_c = true;
  int64_t load_weight_words = 0, load_input_words = 0, store_output_words = 0;
};

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

struct Components {
  Nfu nfu;
  Buffer sb, bin, bout;
  Dram dram;
  explicit Components(const TechConfig& tech)
      : nfu(tech.nfu), sb(tech.sb), bin(tech.bin), bout(tech.bout), dram(tech.dram) {}
  void Reset() {
    nfu.ResetStats();
    sb.ResetStats();
    bin.ResetStats();
    bout.ResetStats();
    dram.ResetStats();
  }
};

// Closed-form counts of one tile (analytical mode). Must equal what
// ExecuteTile records pass by pass.
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

// --- bit-accurate arithmetic policies ---------------------------------------

struct FixedArith {
  using Value = int32_t;
  using Acc = int64_t;
  int acc_frac_bits = 0;
  FixedPointFormat out;
  SaturationCounter accumulator, outputs;

  static Value Lowest() { return std::numeric_limits<int32_t>::min(); }
  void Mac(Nfu& nfu, const Value* in, int a, const Value* w, int64_t stride, int n, Acc* acc) {
    nfu.MacPass(in, a, w, stride, n, acc, &accumulator);
  }
  Value FinishMac(Acc acc) { return RescaleAccumulator(acc, acc_frac_bits, out, &outputs); }
  Value FinishAvg(Acc sum, int divisor) { return SaturateToFormat(RoundingDivide(sum, divisor), out, &outputs); }
  Value FinishMax(Acc best) { return static_cast<Value>(best); }
};

struct FloatArith {
  using Value = float;
  using Acc = float;
  static Value Lowest() { return -std::numeric_limits<float>::infinity(); }
  void Mac(Nfu& nfu, const Value* in, int a, const Value* w, int64_t stride, int n, Acc* acc) {
    nfu.MacPass(in, a, w, stride, n, acc);
  }
  Value FinishMac(Acc acc) { return acc; }
  Value FinishAvg(Acc sum, int divisor) { return sum / static_cast<float>(divisor); }
  Value FinishMax(Acc best) { return best; }
};

template <typename Arith>
struct LayerData {
  const std::vector<typename Arith::Value>* input = nullptr;  // C x Hin x Win
  std::vector<typename Arith::Value>* output = nullptr;       // M x Ho x Wo
  const std::vector<typename Arith::Value>* weights = nullptr;  // M x R, active block
  const std::vector<typename Arith::Acc>* biases = nullptr;     // M, at accumulator scale
  std::vector<typename Arith::Acc> partial_sums;                // M x Ho x Wo
};

template <typename Arith>
void ExecuteTile(const Geometry& g, const TileWork& t, const Window& b, Components& c, Arith& arith,
                 LayerData<Arith>& d) {
  using Value = typename Arith::Value;
  using Acc = typename Arith::Acc;
  const int neurons = c.nfu.config().neurons;
  const int synapses = c.nfu.config().synapses;
  const std::vector<Value>& in = *d.input;
  std::vector<Value>& out = *d.output;
  const int64_t positions = g.Positions();
  std::vector<Acc> acc(neurons);
  if (g.op == Op::kMac) {
    const int64_t R = g.R();
    const int64_t r_begin = int64_t{t.c0} * g.KK(), r_end = int64_t{t.c1} * g.KK();
    std::vector<Value> gathered(synapses);
    for (int mb = t.m0; mb < t.m1; mb += neurons) {
      const int n = std::min(neurons, t.m1 - mb);
      for (int oy = b.y0; oy < b.y1; ++oy) {
        for (int ox = b.x0; ox < b.x1; ++ox) {
          const int64_t pos = int64_t{oy} * g.Wo + ox;
          for (int j = 0; j < n; ++j) {
            acc[j] = t.first_c ? (*d.biases)[mb + j] : d.partial_sums[(mb + j) * positions + pos];
          }
          if (!t.first_c) c.bout.Read(1, n);
          for (int64_t r0 = r_begin; r0 < r_end; r0 += synapses) {
            const int a = static_cast<int>(std::min<int64_t>(synapses, r_end - r0));
            for (int i = 0; i < a; ++i) {
              // im2col on the fly: reduction index -> (channel, ky, kx).
              const int64_t r = r0 + i;
              const int64_t ch = r / g.KK(), rem = r % g.KK();
              const int iy = oy * g.s - g.pad + static_cast<int>(rem / g.k);
              const int ix = ox * g.s - g.pad + static_cast<int>(rem % g.k);
              const bool inside = iy >= 0 && iy < g.Hin && ix >= 0 && ix < g.Win;
              gathered[i] = inside ? in[(ch * g.Hin + iy) * g.Win + ix] : Value(0);
            }
            arith.Mac(c.nfu, gathered.data(), a, d.weights->data() + int64_t{mb} * R + r0, R, n, acc.data());
            c.sb.Read(1, int64_t{a} * n);
            c.bin.Read(1, a);
          }
          c.bout.Write(1, n);
          for (int j = 0; j < n; ++j) {
            const int64_t index = (mb + j) * positions + pos;
            if (!t.last_c) {
              d.partial_sums[index] = acc[j];
              continue;
            }
            Value v = arith.FinishMac(acc[j]);
            if (g.relu) v = std::max(Value(0), v);
            out[index] = v;
          }
        }
      }
    }
    if (t.last_c && g.relu) c.nfu.CountNonlinear(int64_t{t.m1 - t.m0} * b.Positions());
    return;
  }
  const bool is_max = g.op == Op::kMaxPool;
  std::vector<Value> values(neurons);
  for (int mb = t.m0; mb < t.m1; mb += neurons) {
    const int n = std::min(neurons, t.m1 - mb);
    for (int oy = b.y0; oy < b.y1; ++oy) {
      for (int ox = b.x0; ox < b.x1; ++ox) {
        for (int j = 0; j < n; ++j) acc[j] = is_max ? Acc(Arith::Lowest()) : Acc(0);
        for (int ky = 0; ky < g.k; ++ky) {
          for (int kx = 0; kx < g.k; ++kx) {
            const int iy = oy * g.s - g.pad + ky, ix = ox * g.s - g.pad + kx;
            const bool inside = iy >= 0 && iy < g.Hin && ix >= 0 && ix < g.Win;
            for (int j = 0; j < n; ++j) {
              values[j] = inside ? in[(int64_t{mb + j} * g.Hin + iy) * g.Win + ix]
                                 : (is_max ? Arith::Lowest() : Value(0));
            }
            c.nfu.PoolPass(values.data(), n, is_max, acc.data());
            c.bin.Read(1, n);
          }
        }
        c.bout.Write(1, n);
        // Caffe's average divisor: the window clipped to the padded input.
        const int hs = oy * g.s - g.pad, ws = ox * g.s - g.pad;
        const int divisor = (std::min(hs + g.k, g.Hin + g.pad) - hs) * (std::min(ws + g.k, g.Win + g.pad) - ws);
        for (int j = 0; j < n; ++j) {
          Value v = is_max ? arith.FinishMax(acc[j]) : arith.FinishAvg(acc[j], divisor);
          if (g.relu) v = std::max(Value(0), v);
          out[int64_t{mb + j} * positions + int64_t{oy} * g.Wo + ox] = v;
        }
      }
    }
  }
  const int64_t outputs = int64_t{t.m1 - t.m0} * b.Positions();
  c.nfu.CountNonlinear((is_max ? 0 : outputs) + (g.relu ? outputs : 0));
}

// --- one layer's timeline ----------------------------------------------------

struct LayerRun {
  Counters counters;
  int64_t compute_cycles = 0, cycles = 0;
};

int64_t NsToCycles(double ns, double clock_ns) {
  if (ns <= 0) return 0;
  return static_cast<int64_t>(std::ceil(ns / clock_ns - 1e-9));
}

LayerRun RunLayer(const Geometry& g, const LayerMapping& m, const Capacities& caps, bool weights_in_sb,
                  const TechConfig& tech, Components& c,
                  const std::function<void(const TileWork&, const Window&)>& execute) {
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

// --- the network -------------------------------------------------------------

struct Setup {
  std::vector<Geometry> geometries;
  std::vector<LayerMapping> mappings;
  std::vector<int> owner;  // per spec layer: geometry index (ReLU: the one it is fused into)
  std::vector<LayerShape> shapes;
  Capacities caps;
  bool weights_resident = false;
};

Setup Prepare(const NetSpec& spec, const Widths& widths, const TechConfig& tech) {
  Validate(tech);
  Setup setup;
  setup.shapes = models::InferShapes(spec, widths);
  setup.owner.assign(spec.layers.size(), -1);
  int weight_index = 0;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    const LayerShape& shape = setup.shapes[i];
    if (layer.kind == LayerKind::kRelu) {
      if (setup.geometries.empty()) {
        throw Error(spec.name + ": relu layer '" + layer.name + "' has no layer before it whose NFU-3 can apply it");
      }
      setup.geometries.back().relu = true;
      setup.owner[i] = static_cast<int>(setup.geometries.size()) - 1;
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
    setup.owner[i] = static_cast<int>(setup.geometries.size());
    setup.geometries.push_back(g);
  }
  const int64_t word_bytes = tech.WordBytes();
  setup.caps = Capacities{tech.sb.capacity_bytes / word_bytes, tech.bin.capacity_bytes / word_bytes,
                          tech.bout.capacity_bytes / word_bytes};
  int64_t all_weights = 0;
  for (const Geometry& g : setup.geometries) all_weights += g.WeightWords();
  setup.weights_resident = all_weights <= setup.caps.sb;
  const Nfu nfu(tech.nfu);
  const bool can_swap = setup.caps.bin == setup.caps.bout;
  bool input_on_chip = false;
  for (size_t i = 0; i < setup.geometries.size(); ++i) {
    const Geometry& g = setup.geometries[i];
    const bool output_on_chip = can_swap && i + 1 < setup.geometries.size() && g.OutputWords() <= setup.caps.bout;
    LayerMapping m = MapLayer(g, input_on_chip, output_on_chip, setup.caps, nfu.config(), spec.name);
    m.weights_resident = setup.weights_resident;
    setup.mappings.push_back(m);
    input_on_chip = output_on_chip;
  }
  return setup;
}

void AccumulateRun(const LayerRun& run, int64_t times, LayerResult* into) {
  into->counters.Add(run.counters, times);
  into->compute_cycles += run.compute_cycles * times;
  into->cycles += run.cycles * times;
}

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

SimResult Assemble(const NetSpec& spec, const Widths& widths, const TechConfig& tech, const Setup& setup,
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
    const int owner = setup.owner[i];
    LayerResult row;
    if (layer.kind == LayerKind::kRelu) {
      row.layer = layer.name;
      row.kind = "relu";
      row.fused_into = setup.geometries[owner].name;
      row.out_channels = setup.shapes[i].out_channels;
    } else {
      row = per_geometry[owner];
      const Geometry& g = setup.geometries[owner];
      row.layer = g.name;
      row.kind = g.kind;
      row.out_channels = setup.shapes[i].out_channels;
      row.macs = g.macs * num_images;
      row.mapping = setup.mappings[owner];
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

// --- bit-accurate execution --------------------------------------------------

// Per conv/fc layer: the active weight block and biases in the arithmetic's types.
template <typename Arith>
struct PreparedWeights {
  std::vector<typename Arith::Value> weights;
  std::vector<typename Arith::Acc> biases;
};

template <typename Arith>
Arith MakeArith(const Geometry& g, FixedPointFormat in_format, const Precision& precision);

template <>
FixedArith MakeArith<FixedArith>(const Geometry& g, FixedPointFormat in_format, const Precision& precision) {
  FixedArith arith;
  if (g.op == Op::kMac) {
    const LayerFormats& f = precision.layers[g.weight_index];
    arith.acc_frac_bits = f.weights.frac_bits + in_format.frac_bits;
    arith.out = f.outputs;
  } else {
    arith.acc_frac_bits = in_format.frac_bits;
    arith.out = in_format;
  }
  return arith;
}

template <>
FloatArith MakeArith<FloatArith>(const Geometry&, FixedPointFormat, const Precision&) {
  return FloatArith();
}

template <typename Arith>
void QuantizeBlock(const LayerWeights& full, const Geometry& g, FixedPointFormat w_format, int acc_frac_bits,
                   PreparedWeights<Arith>* out, SaturationStats* sat);

template <>
void QuantizeBlock<FixedArith>(const LayerWeights& full, const Geometry& g, FixedPointFormat w_format,
                               int acc_frac_bits, PreparedWeights<FixedArith>* out, SaturationStats* sat) {
  const int64_t R = g.R();
  SaturationCounter w_sat, b_sat;
  out->weights.resize(int64_t{g.M} * R);
  out->biases.resize(g.M);
  for (int m = 0; m < g.M; ++m) {
    for (int64_t r = 0; r < R; ++r) out->weights[m * R + r] = Quantize(full.weights[m * int64_t{full.cols} + r], w_format, &w_sat);
    out->biases[m] = QuantizeToAccumulator(full.biases[m], acc_frac_bits, &b_sat);
  }
  sat->weights += w_sat.count;
  sat->biases += b_sat.count;
}

template <>
void QuantizeBlock<FloatArith>(const LayerWeights& full, const Geometry& g, FixedPointFormat, int,
                               PreparedWeights<FloatArith>* out, SaturationStats*) {
  const int64_t R = g.R();
  out->weights.resize(int64_t{g.M} * R);
  out->biases.assign(full.biases.begin(), full.biases.begin() + g.M);
  for (int m = 0; m < g.M; ++m) {
    for (int64_t r = 0; r < R; ++r) out->weights[m * R + r] = full.weights[m * int64_t{full.cols} + r];
  }
}

template <typename Arith>
SimResult RunBitAccurate(const NetSpec& spec, const Widths& widths, const TechConfig& tech, const NetWeights& weights,
                         const Precision& precision, const std::vector<std::vector<float>>& images,
                         const SimOptions& options) {
  using Value = typename Arith::Value;
  constexpr bool kFixed = std::is_same<Arith, FixedArith>::value;
  const Setup setup = Prepare(spec, widths, tech);
  ValidateNetWeights(spec, weights);
  if (kFixed) ValidatePrecision(spec, precision, tech);
  if (images.empty()) throw Error(spec.name + ": bit-accurate simulation needs at least one input image");
  const int64_t input_size = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  for (size_t i = 0; i < images.size(); ++i) {
    if (static_cast<int64_t>(images[i].size()) != input_size) {
      throw Error(spec.name + ": input image " + std::to_string(i) + " has " + std::to_string(images[i].size()) +
                  " values, the network's input is " + std::to_string(spec.input_channels) + "x" +
                  std::to_string(spec.input_height) + "x" + std::to_string(spec.input_width));
    }
  }
  std::vector<LayerResult> per_geometry(setup.geometries.size());

  // Formats flow layer to layer; weights are quantized once per run.
  std::vector<FixedPointFormat> in_formats(setup.geometries.size());
  std::vector<PreparedWeights<Arith>> prepared(setup.geometries.size());
  FixedPointFormat format = precision.input;
  for (size_t i = 0; i < setup.geometries.size(); ++i) {
    const Geometry& g = setup.geometries[i];
    in_formats[i] = format;
    if (g.op != Op::kMac) continue;
    const LayerFormats lf = kFixed ? precision.layers[g.weight_index] : LayerFormats{};
    QuantizeBlock<Arith>(weights.layers[g.weight_index], g, lf.weights, lf.weights.frac_bits + format.frac_bits,
                         &prepared[i], &per_geometry[i].saturations);
    format = lf.outputs;
  }

  Components components(tech);
  MarginController controller(tech.margin);
  SimResult result;
  std::vector<std::vector<float>> outputs;
  std::vector<std::vector<int32_t>> raw_outputs;
  std::vector<MarginDecision> decisions;
  for (size_t image = 0; image < images.size(); ++image) {
    std::vector<Value> activations(input_size);
    SaturationCounter input_sat;
    for (int64_t j = 0; j < input_size; ++j) {
      if constexpr (kFixed) {
        activations[j] = Quantize(images[image][j], precision.input, &input_sat);
      } else {
        activations[j] = images[image][j];
      }
    }
    per_geometry[0].saturations.input += input_sat.count;
    for (size_t i = 0; i < setup.geometries.size(); ++i) {
      const Geometry& g = setup.geometries[i];
      std::vector<Value> next(g.OutputWords());
      Arith arith = MakeArith<Arith>(g, in_formats[i], precision);
      LayerData<Arith> data;
      data.input = &activations;
      data.output = &next;
      data.weights = &prepared[i].weights;
      data.biases = &prepared[i].biases;
      if (setup.mappings[i].c_tiles > 1) data.partial_sums.resize(g.OutputWords());
      const bool weights_in_sb = setup.weights_resident && image > 0;
      const LayerRun run = RunLayer(g, setup.mappings[i], setup.caps, weights_in_sb, tech, components,
                                    [&](const TileWork& t, const Window& b) {
                                      ExecuteTile(g, t, b, components, arith, data);
                                    });
      AccumulateRun(run, 1, &per_geometry[i]);
      if constexpr (kFixed) {
        per_geometry[i].saturations.accumulator += arith.accumulator.count;
        per_geometry[i].saturations.outputs += arith.outputs.count;
      }
      activations.swap(next);
    }
    std::vector<float> scores(activations.size());
    for (size_t j = 0; j < activations.size(); ++j) {
      if constexpr (kFixed) {
        scores[j] = Dequantize(activations[j], format);
      } else {
        scores[j] = activations[j];
      }
    }
    if (options.margin_controller) {
      if constexpr (kFixed) {
        decisions.push_back(controller.Act(activations, format));
      } else {
        decisions.push_back(controller.Act(activations));
      }
    }
    outputs.push_back(std::move(scores));
    if constexpr (kFixed) raw_outputs.push_back(activations);
  }
  result = Assemble(spec, widths, tech, setup, std::move(per_geometry), controller.stats(),
                    static_cast<int>(images.size()), "bit-accurate");
  result.outputs = std::move(outputs);
  result.raw_outputs = std::move(raw_outputs);
  if (kFixed) result.output_format = format;
  result.decisions = std::move(decisions);
  return result;
}

}  // namespace

void ValidateNetWeights(const NetSpec& spec, const NetWeights& weights) {
  const std::vector<LayerShape> full = models::InferShapes(spec, models::FullWidths(spec));
  size_t next = 0;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const LayerSpec& layer = spec.layers[i];
    if (!layer.HasWeights()) continue;
    if (next >= weights.layers.size()) {
      throw Error(spec.name + ": no weights given for layer '" + layer.name + "'");
    }
    const LayerWeights& w = weights.layers[next++];
    const std::string where = spec.name + ": weights for layer '" + layer.name + "'";
    if (w.layer != layer.name) throw Error(where + " are labelled '" + w.layer + "'");
    const int64_t rows = full[i].out_channels;
    const int64_t cols = rows > 0 ? full[i].weight_count / rows : 0;
    if (w.rows != rows || w.cols != cols) {
      throw Error(where + " are " + std::to_string(w.rows) + "x" + std::to_string(w.cols) + ", the spec needs " +
                  std::to_string(rows) + "x" + std::to_string(cols));
    }
    if (static_cast<int64_t>(w.weights.size()) != rows * cols) {
      throw Error(where + " hold " + std::to_string(w.weights.size()) + " values, " + std::to_string(rows) + "x" +
                  std::to_string(cols) + " needs " + std::to_string(rows * cols));
    }
    if (static_cast<int64_t>(w.biases.size()) != rows) {
      throw Error(where + " have " + std::to_string(w.biases.size()) + " biases, the layer has " +
                  std::to_string(rows) + " outputs");
    }
  }
  if (next != weights.layers.size()) {
    throw Error(spec.name + ": " + std::to_string(weights.layers.size()) + " weight layers given, the spec has " +
                std::to_string(next) + " conv/fc layers");
  }
}

Precision UniformPrecision(const NetSpec& spec, FixedPointFormat format) {
  Precision precision;
  precision.input = format;
  for (const LayerSpec& layer : spec.layers) {
    if (layer.HasWeights()) precision.layers.push_back(LayerFormats{format, format});
  }
  return precision;
}

void ValidatePrecision(const NetSpec& spec, const Precision& precision, const TechConfig& tech) {
  ValidateFormat(precision.input, spec.name + ": input format");
  auto check_width = [&](FixedPointFormat f, const std::string& what) {
    ValidateFormat(f, what);
    if (f.total_bits > tech.word_bits) {
      throw Error(what + " " + f.ToString() + " is wider than the tile's " + std::to_string(tech.word_bits) +
                  "-bit words (" + tech.source + ")");
    }
  };
  check_width(precision.input, spec.name + ": input format");
  size_t next = 0;
  for (const LayerSpec& layer : spec.layers) {
    if (!layer.HasWeights()) continue;
    if (next >= precision.layers.size()) {
      throw Error(spec.name + ": no fixed-point formats given for layer '" + layer.name + "'");
    }
    const LayerFormats& f = precision.layers[next++];
    check_width(f.weights, spec.name + ": layer '" + layer.name + "' weight format");
    check_width(f.outputs, spec.name + ": layer '" + layer.name + "' output format");
  }
  if (next != precision.layers.size()) {
    throw Error(spec.name + ": " + std::to_string(precision.layers.size()) + " layer formats given, the spec has " +
                std::to_string(next) + " conv/fc layers");
  }
}

SimResult SimulateAnalytical(const NetSpec& spec, const Widths& widths, const TechConfig& tech,
                             const SimOptions& options) {
  if (options.num_images < 1) throw Error(spec.name + ": num_images must be at least 1");
  const Setup setup = Prepare(spec, widths, tech);
  Components components(tech);
  std::vector<LayerResult> per_geometry(setup.geometries.size());
  // Image 0 loads everything; every later image is the same as image 1 (the
  // weights stay in Sb when the whole network's weights fit), so image 1 is
  // simulated once and counted num_images - 1 times.
  for (int image = 0; image < std::min(options.num_images, 2); ++image) {
    const int64_t times = image == 0 ? 1 : options.num_images - 1;
    for (size_t i = 0; i < setup.geometries.size(); ++i) {
      const bool weights_in_sb = setup.weights_resident && image > 0;
      const LayerRun run =
          RunLayer(setup.geometries[i], setup.mappings[i], setup.caps, weights_in_sb, tech, components, nullptr);
      AccumulateRun(run, times, &per_geometry[i]);
    }
  }
  MarginController controller(tech.margin);
  if (options.margin_controller) controller.Count(options.num_images);
  return Assemble(spec, widths, tech, setup, std::move(per_geometry), controller.stats(), options.num_images,
                  "analytical");
}

SimResult SimulateBitAccurate(const NetSpec& spec, const Widths& widths, const TechConfig& tech,
                              const NetWeights& weights, const Precision& precision,
                              const std::vector<std::vector<float>>& images, const SimOptions& options) {
  if (tech.arithmetic == Arithmetic::kFixed) {
    return RunBitAccurate<FixedArith>(spec, widths, tech, weights, precision, images, options);
  }
  return RunBitAccurate<FloatArith>(spec, widths, tech, weights, precision, images, options);
}

}  // namespace rcdnn::accel
