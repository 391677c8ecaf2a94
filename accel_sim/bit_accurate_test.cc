// Bit-accurate mode: values against independent references, saturation
// reporting, the paper's precision claim, and agreement with analytical mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "accel_sim/simulator.h"
#include "accel_sim/test_networks.h"
#include "common/error.h"

namespace rcdnn::accel {
namespace {

using models::LayerKind;
using testing::MixedNet;
using testing::OnChipNet;
using testing::RandomImage;
using testing::RandomWeights;
using testing::Tech16;
using testing::Tech32;

// --- an independent plain-integer reference ---------------------------------
// Whole-layer loops in 128-bit integers, no tiles, no NFU: round half away
// from zero written as sign * floor((2|x| + d) / 2d), saturation as a clamp.

__int128 RoundDiv(__int128 x, __int128 d) {  // d > 0
  const __int128 magnitude = x < 0 ? -x : x;
  const __int128 q = (2 * magnitude + d) / (2 * d);
  return x < 0 ? -q : q;
}

int64_t Clamp(__int128 v, FixedPointFormat f, int64_t* saturations) {
  const __int128 hi = (static_cast<__int128>(1) << (f.total_bits - 1)) - 1;
  const __int128 lo = -(static_cast<__int128>(1) << (f.total_bits - 1));
  if (v > hi || v < lo) ++*saturations;
  return static_cast<int64_t>(v > hi ? hi : v < lo ? lo : v);
}

int64_t RefQuantize(double x, int frac_bits, FixedPointFormat f, int64_t* saturations) {
  const double scaled = std::ldexp(std::fabs(x), frac_bits);
  const __int128 magnitude = static_cast<__int128>(std::floor(scaled + 0.5));
  return Clamp(x < 0 ? -magnitude : magnitude, f, saturations);
}

__int128 Rescale(__int128 acc, int acc_frac, int out_frac) {
  if (acc_frac >= out_frac) return RoundDiv(acc, static_cast<__int128>(1) << (acc_frac - out_frac));
  return acc * (static_cast<__int128>(1) << (out_frac - acc_frac));
}

struct Reference {
  std::vector<double> outputs;       // final scores
  std::vector<int64_t> raw;          // fixed: the scores' raw words
  std::vector<int64_t> saturations;  // per spec layer: quantization + output clamps
};

// `fixed` false: the same network in double precision (formats unused).
Reference RunReference(const models::NetSpec& spec, const models::Widths& widths, const NetWeights& weights,
                       const Precision& p, const std::vector<float>& image, bool fixed) {
  const std::vector<models::LayerShape> shapes = models::InferShapes(spec, widths);
  Reference ref;
  ref.saturations.assign(spec.layers.size(), 0);
  FixedPointFormat fmt = p.input;
  std::vector<__int128> q;    // fixed activations (raw)
  std::vector<double> d;      // double activations
  int64_t input_saturations = 0;
  for (float x : image) {
    q.push_back(fixed ? RefQuantize(x, fmt.frac_bits, fmt, &input_saturations) : 0);
    d.push_back(x);
  }
  int weight_layer = 0;
  for (size_t li = 0; li < spec.layers.size(); ++li) {
    const models::LayerSpec& L = spec.layers[li];
    const models::LayerShape& s = shapes[li];
    int64_t& sat = ref.saturations[li];
    if (li == 0) sat += input_saturations;
    const int C = s.in_channels, H = s.in_height, W = s.in_width;
    const int M = s.out_channels, Ho = s.out_height, Wo = s.out_width;
    std::vector<__int128> nq(static_cast<size_t>(s.OutputSize()));
    std::vector<double> nd(nq.size());
    if (L.kind == LayerKind::kRelu) {
      for (size_t i = 0; i < q.size(); ++i) {
        nq[i] = std::max<__int128>(0, q[i]);
        nd[i] = std::max(0.0, d[i]);
      }
    } else if (L.HasWeights()) {
      const LayerWeights& lw = weights.layers[weight_layer];
      const LayerFormats lf = fixed ? p.layers[weight_layer] : LayerFormats{};
      ++weight_layer;
      const bool fc = L.kind == LayerKind::kFc;
      const int k = fc ? 1 : L.kernel;
      const int64_t R = fc ? s.InputSize() : int64_t{C} * k * k;
      const int acc_frac = lf.weights.frac_bits + fmt.frac_bits;
      for (int m = 0; m < M; ++m) {
        const __int128 bias_q = fixed ? RefQuantize(lw.biases[m], acc_frac, FixedPointFormat{64, 0}, &sat) : 0;
        std::vector<__int128> wq(R);
        for (int64_t r = 0; r < R; ++r) {
          wq[r] = fixed ? RefQuantize(lw.weights[m * int64_t{lw.cols} + r], lf.weights.frac_bits, lf.weights, &sat) : 0;
        }
        for (int oy = 0; oy < Ho; ++oy) {
          for (int ox = 0; ox < Wo; ++ox) {
            __int128 acc = bias_q;
            double accd = lw.biases[m];
            for (int64_t r = 0; r < R; ++r) {
              int64_t index;
              if (fc) {
                index = r;
              } else {
                const int c = static_cast<int>(r / (k * k)), ky = static_cast<int>(r / k % k),
                          kx = static_cast<int>(r % k);
                const int iy = oy * L.stride - L.pad + ky, ix = ox * L.stride - L.pad + kx;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                index = (int64_t{c} * H + iy) * W + ix;
              }
              acc += wq[r] * q[index];
              accd += static_cast<double>(lw.weights[m * int64_t{lw.cols} + r]) * d[index];
            }
            const int64_t o = (int64_t{m} * Ho + oy) * Wo + ox;
            nq[o] = fixed ? Clamp(Rescale(acc, acc_frac, lf.outputs.frac_bits), lf.outputs, &sat) : 0;
            nd[o] = accd;
          }
        }
      }
      if (fixed) fmt = lf.outputs;
    } else {  // pooling, Caffe's windows
      const bool is_max = L.kind == LayerKind::kMaxPool;
      for (int c = 0; c < C; ++c) {
        for (int oy = 0; oy < Ho; ++oy) {
          for (int ox = 0; ox < Wo; ++ox) {
            const int hs = oy * L.stride - L.pad, ws = ox * L.stride - L.pad;
            const int he = std::min(hs + L.kernel, H + L.pad), we = std::min(ws + L.kernel, W + L.pad);
            const int divisor = (he - hs) * (we - ws);
            __int128 best = 0, sum = 0;
            double bestd = -1e300, sumd = 0;
            bool any = false;
            for (int y = std::max(hs, 0); y < std::min(he, H); ++y) {
              for (int x = std::max(ws, 0); x < std::min(we, W); ++x) {
                const int64_t i = (int64_t{c} * H + y) * W + x;
                best = any ? std::max(best, q[i]) : q[i];
                bestd = std::max(bestd, d[i]);
                sum += q[i];
                sumd += d[i];
                any = true;
              }
            }
            const int64_t o = (int64_t{c} * Ho + oy) * Wo + ox;
            nq[o] = is_max ? best : Clamp(RoundDiv(sum, divisor), fmt, &sat);
            nd[o] = is_max ? bestd : sumd / divisor;
          }
        }
      }
    }
    q.swap(nq);
    d.swap(nd);
  }
  for (size_t i = 0; i < q.size(); ++i) {
    ref.raw.push_back(static_cast<int64_t>(q[i]));
    ref.outputs.push_back(fixed ? std::ldexp(static_cast<double>(q[i]), -fmt.frac_bits) : d[i]);
  }
  return ref;
}

int64_t SimulatorSaturations(const LayerResult& row) { return row.saturations.Total(); }

// Per-layer formats that differ layer to layer, one of them narrow enough to
// saturate, one with more output fraction bits than the product (left shift).
Precision MixedPrecision() {
  Precision p;
  p.input = {16, 12};
  p.layers = {
      {{16, 14}, {12, 6}},   // conv1: outputs in [-32, 32) with 1/64 steps
      {{20, 16}, {8, 3}},    // conv2: outputs in [-16, 16): saturates
      {{24, 20}, {32, 16}},  // ip1
      {{32, 28}, {32, 30}},  // ip2: 28 + 3 < 30, an exact left shift
  };
  return p;
}

// Both ways of computing a conv/fc layer (one exact GEMM, or pass by pass)
// against the reference.
TEST(BitAccurate, FixedPointEqualsThePlainIntegerReferenceBitForBit) {
  const models::NetSpec spec = MixedNet();
  const TechConfig tech = Tech32();
  const NetWeights weights = RandomWeights(spec, 5);
  for (bool exact_gemm : {true, false}) {
    SimOptions options;
    options.exact_gemm = exact_gemm;
    int64_t total_saturations = 0, gemm_layers = 0;
    for (const models::Widths& widths :
         {models::FullWidths(spec), models::Widths{9, 7, 13}, models::Widths{1, 1, 1}}) {
      for (const Precision& precision : {MixedPrecision(), UniformPrecision(spec, {32, 16}),
                                         UniformPrecision(spec, {16, 10})}) {
        const std::string what = std::string(exact_gemm ? "gemm " : "passes ") + models::WidthsToString(widths);
        std::vector<std::vector<float>> images = {RandomImage(spec, 1), RandomImage(spec, 2)};
        for (float& v : images[1]) v *= 3.0f;  // larger activations: more saturation
        const SimResult r = SimulateBitAccurate(spec, widths, tech, weights, precision, images, options);
        ASSERT_EQ(r.outputs.size(), 2u);
        gemm_layers += r.exact_gemm_layers;
        std::vector<int64_t> ref_saturations(spec.layers.size(), 0);
        for (size_t i = 0; i < images.size(); ++i) {
          const Reference ref = RunReference(spec, widths, weights, precision, images[i], true);
          ASSERT_EQ(r.raw_outputs[i].size(), ref.raw.size());
          for (size_t j = 0; j < ref.raw.size(); ++j) {
            EXPECT_EQ(r.raw_outputs[i][j], ref.raw[j]) << what << " image " << i << " score " << j;
            EXPECT_EQ(r.outputs[i][j], static_cast<float>(ref.outputs[j]));
          }
          // Weights are quantized once per run, so count the reference's once.
          for (size_t l = 0; l < spec.layers.size(); ++l) {
            ref_saturations[l] += ref.saturations[l];
          }
        }
        for (size_t l = 0; l < spec.layers.size(); ++l) {
          const LayerResult& row = r.layers[l];
          if (row.kind == "relu") continue;
          // Reference counts weight and bias saturations per image; the tile once.
          const int64_t per_run = row.saturations.weights + row.saturations.biases;
          EXPECT_EQ(SimulatorSaturations(row) + per_run, ref_saturations[l]) << spec.layers[l].name << " " << what;
          total_saturations += SimulatorSaturations(row);
        }
      }
    }
    EXPECT_GT(total_saturations, 0);  // the overflow paths ran
    EXPECT_EQ(gemm_layers > 0, exact_gemm);
  }
}

TEST(BitAccurate, SaturationBeyondSixteenTenIsCountedNeverSilent) {
  const models::NetSpec spec = OnChipNet();
  const TechConfig tech = Tech16();
  const NetWeights weights = RandomWeights(spec, 9, /*scale=*/8.0);
  std::vector<float> image = RandomImage(spec, 3);
  image[0] = 40.0f;   // beyond <16,10>'s 32: saturates to 31.999
  image[1] = -33.0f;  // below -32
  const SimResult r =
      SimulateBitAccurate(spec, models::FullWidths(spec), tech, weights, UniformPrecision(spec, {16, 10}), {image});
  EXPECT_EQ(r.layers[0].saturations.input, 2);
  EXPECT_GT(r.total.saturations.outputs, 0);  // 8x weights push sums past 32
  bool reported = false;
  for (const MetricRow& row : FlattenSimResult(r)) {
    if (row.name == "saturations_outputs" && row.layer == "total" && row.value > 0) reported = true;
  }
  EXPECT_TRUE(reported);
  // The same run in <32,16> does not saturate at all.
  const SimResult wide = SimulateBitAccurate(spec, models::FullWidths(spec), Tech32(), weights,
                                             UniformPrecision(spec, {32, 16}), {image});
  EXPECT_EQ(wide.total.saturations.Total(), 0);
}

// The paper (§5.1): 32-bit fixed point loses nothing against floating point;
// 16-bit does. On a small random conv net with He-scaled weights.
TEST(BitAccurate, ThirtyTwoSixteenMatchesFloatSixteenTenDoesNot) {
  const models::NetSpec spec = MixedNet();
  const models::Widths widths = models::FullWidths(spec);
  const NetWeights weights = RandomWeights(spec, 21);
  double err32 = 0, err16 = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const std::vector<float> image = RandomImage(spec, 100 + seed);
    const Reference ref = RunReference(spec, widths, weights, Precision{}, image, false);
    const SimResult r32 =
        SimulateBitAccurate(spec, widths, Tech32(), weights, UniformPrecision(spec, {32, 16}), {image});
    const SimResult r16 =
        SimulateBitAccurate(spec, widths, Tech16(), weights, UniformPrecision(spec, {16, 10}), {image});
    for (size_t j = 0; j < ref.outputs.size(); ++j) {
      err32 = std::max(err32, std::fabs(r32.outputs[0][j] - ref.outputs[j]));
      err16 = std::max(err16, std::fabs(r16.outputs[0][j] - ref.outputs[j]));
    }
    EXPECT_EQ(r32.total.saturations.Total(), 0);
  }
  EXPECT_LT(err32, 1e-3);
  EXPECT_GT(err16, 1e-3);
  EXPECT_GT(err16, 10 * err32);
}

TEST(BitAccurate, FloatTileMatchesDoubleReference) {
  const models::NetSpec spec = MixedNet();
  const NetWeights weights = RandomWeights(spec, 4);
  const std::vector<float> image = RandomImage(spec, 8);
  const models::Widths widths{5, 11, 17};
  const SimResult r = SimulateBitAccurate(spec, widths, testing::TechFloat(), weights, Precision{}, {image});
  const Reference ref = RunReference(spec, widths, weights, Precision{}, image, false);
  for (size_t j = 0; j < ref.outputs.size(); ++j) {
    EXPECT_NEAR(r.outputs[0][j], ref.outputs[j], 1e-5 * (1 + std::fabs(ref.outputs[j])));
  }
  EXPECT_EQ(r.arithmetic, Arithmetic::kFloat32);
  EXPECT_EQ(r.decisions.size(), 1u);
}

void ExpectSameCounters(const SimResult& a, const SimResult& b, const std::string& what) {
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) {
    const LayerResult& x = a.layers[i];
    const LayerResult& y = b.layers[i];
    const std::string where = what + " " + x.layer;
    EXPECT_EQ(x.cycles, y.cycles) << where;
    EXPECT_EQ(x.compute_cycles, y.compute_cycles) << where;
    EXPECT_EQ(x.counters.nfu.cycles, y.counters.nfu.cycles) << where;
    EXPECT_EQ(x.counters.nfu.multiplies, y.counters.nfu.multiplies) << where;
    EXPECT_EQ(x.counters.nfu.tree_adds, y.counters.nfu.tree_adds) << where;
    EXPECT_EQ(x.counters.nfu.comparisons, y.counters.nfu.comparisons) << where;
    EXPECT_EQ(x.counters.nfu.accumulate_adds, y.counters.nfu.accumulate_adds) << where;
    EXPECT_EQ(x.counters.nfu.nonlinear_ops, y.counters.nfu.nonlinear_ops) << where;
    for (auto [p, q] : {std::pair{&x.counters.sb, &y.counters.sb}, std::pair{&x.counters.bin, &y.counters.bin},
                        std::pair{&x.counters.bout, &y.counters.bout}}) {
      EXPECT_EQ(p->read_accesses, q->read_accesses) << where;
      EXPECT_EQ(p->write_accesses, q->write_accesses) << where;
      EXPECT_EQ(p->read_bytes, q->read_bytes) << where;
      EXPECT_EQ(p->write_bytes, q->write_bytes) << where;
    }
    EXPECT_EQ(x.dram_bytes, y.dram_bytes) << where;
  }
  EXPECT_DOUBLE_EQ(a.total.energy.TotalPj(), b.total.energy.TotalPj()) << what;
  EXPECT_DOUBLE_EQ(a.total.time_ns, b.total.time_ns) << what;
}

// Analytical mode counts per tile in closed form; bit-accurate mode walks the
// passes. They must agree on every counter.
TEST(BitAccurate, CountsEqualAnalyticalMode) {
  const TechConfig tech = Tech32();
  struct Case {
    models::NetSpec spec;
    double fraction;
    int images;
  };
  std::vector<Case> cases = {{MixedNet(), 1.0, 1}, {MixedNet(), 0.4, 2}, {OnChipNet(), 1.0, 3}};
  for (const models::NetSpec& spec : testing::PaperNetworks()) cases.push_back({spec, 0.25, 1});
  cases.push_back({models::LoadNetSpec("models/spec/lenet.net"), 1.0, 1});
  cases.push_back({models::LoadNetSpec("models/spec/alexnet.net"), 0.5, 1});
  for (const Case& c : cases) {
    const models::Widths widths = models::UniformWidths(c.spec, c.fraction);
    SimOptions options;
    options.num_images = c.images;
    const SimResult analytical = SimulateAnalytical(c.spec, widths, tech, options);
    std::vector<std::vector<float>> images;
    for (int i = 0; i < c.images; ++i) images.push_back(RandomImage(c.spec, i));
    // Pass by pass, so the passes' own counting is what is checked (a GEMM
    // layer takes the closed-form counts).
    options.exact_gemm = false;
    const SimResult exact = SimulateBitAccurate(c.spec, widths, tech, RandomWeights(c.spec, 1),
                                                UniformPrecision(c.spec, tech.format), images, options);
    ExpectSameCounters(analytical, exact, c.spec.name + " at " + std::to_string(c.fraction));
  }
}

// A conv/fc layer computed as one exact GEMM (exact_gemm.h) against the same
// layer pass by pass on the NFU: the same raw words, saturations and counters,
// from small sums to weights so large that some layers must fall back to the
// passes and their accumulators saturate. On the 16-bit tile every sum fits
// (R x 2^30 < 2^53), so there every layer is a GEMM and its output
// saturations are the GEMM path's own.
TEST(BitAccurate, TheExactGemmGivesThePassByPassBitsAndCounters) {
  struct Case {
    models::NetSpec spec;
    models::Widths widths;
    TechConfig tech;
    Precision precision;
    double weight_scale;
  };
  const models::NetSpec mixed = MixedNet(), on_chip = OnChipNet();
  const models::NetSpec lenet = models::LoadNetSpec("models/spec/lenet.net");
  const std::vector<Case> cases = {
      {mixed, models::FullWidths(mixed), Tech32(), MixedPrecision(), 1.0},
      {mixed, models::Widths{9, 7, 13}, Tech32(), UniformPrecision(mixed, {32, 16}), 1.0},
      {mixed, models::FullWidths(mixed), Tech16(), UniformPrecision(mixed, {16, 10}), 8.0},
      {mixed, models::FullWidths(mixed), Tech32(), UniformPrecision(mixed, {32, 16}), 1e6},
      {on_chip, models::FullWidths(on_chip), Tech32(), UniformPrecision(on_chip, {32, 16}), 1.0},
      {lenet, models::UniformWidths(lenet, 0.25), Tech32(), UniformPrecision(lenet, {32, 16}), 1.0},
  };
  int64_t fallback_saturations = 0;
  for (const Case& c : cases) {
    const std::string what = c.spec.name + " " + models::WidthsToString(c.widths) + " x" +
                             std::to_string(c.weight_scale);
    const NetWeights weights = RandomWeights(c.spec, 11, c.weight_scale);
    std::vector<std::vector<float>> images = {RandomImage(c.spec, 1), RandomImage(c.spec, 2), RandomImage(c.spec, 3)};
    for (float& v : images[2]) v *= 40.0f;
    SimOptions passes;
    passes.exact_gemm = false;
    const SimResult gemm = SimulateBitAccurate(c.spec, c.widths, c.tech, weights, c.precision, images);
    const SimResult tile = SimulateBitAccurate(c.spec, c.widths, c.tech, weights, c.precision, images, passes);
    EXPECT_EQ(gemm.raw_outputs, tile.raw_outputs) << what;
    EXPECT_EQ(gemm.outputs, tile.outputs) << what;
    ASSERT_EQ(gemm.layers.size(), tile.layers.size());
    for (size_t l = 0; l < gemm.layers.size(); ++l) {
      const SaturationStats& a = gemm.layers[l].saturations;
      const SaturationStats& b = tile.layers[l].saturations;
      const std::string where = what + " " + gemm.layers[l].layer;
      EXPECT_EQ(a.input, b.input) << where;
      EXPECT_EQ(a.weights, b.weights) << where;
      EXPECT_EQ(a.biases, b.biases) << where;
      EXPECT_EQ(a.accumulator, b.accumulator) << where;
      EXPECT_EQ(a.outputs, b.outputs) << where;
    }
    ExpectSameCounters(gemm, tile, what);
    EXPECT_EQ(tile.exact_gemm_layers, 0) << what;
    EXPECT_GT(gemm.exact_gemm_layers, 0) << what;
    const int64_t layer_images = static_cast<int64_t>(images.size()) *
                                 std::count_if(c.spec.layers.begin(), c.spec.layers.end(),
                                               [](const models::LayerSpec& l) { return l.HasWeights(); });
    if (c.tech.format.total_bits == 16) {
      EXPECT_EQ(gemm.exact_gemm_layers, layer_images) << what;
      EXPECT_GT(gemm.total.saturations.outputs, 0) << what;
    }
    if (c.weight_scale > 1000) {
      // Equal to the passes' count (checked above), so the GEMM run fell back
      // where its sums could not fit: a GEMM never saturates an accumulator.
      fallback_saturations += gemm.total.saturations.accumulator;
      EXPECT_LT(gemm.exact_gemm_layers, layer_images) << what;
    }
  }
  EXPECT_GT(fallback_saturations, 0);
}

TEST(BitAccurate, BadWeightsPrecisionAndImagesAreNamed) {
  const models::NetSpec spec = MixedNet();
  const models::Widths widths = models::FullWidths(spec);
  const Precision precision = UniformPrecision(spec, {32, 16});
  const std::vector<std::vector<float>> images = {RandomImage(spec, 1)};
  auto expect_error = [&](const NetWeights& w, const Precision& p, const TechConfig& tech,
                          const std::vector<std::vector<float>>& imgs, const std::string& needle) {
    try {
      SimulateBitAccurate(spec, widths, tech, w, p, imgs);
      FAIL() << "no error mentioning " << needle;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  NetWeights short_conv2 = RandomWeights(spec, 1);
  short_conv2.layers[1].weights.pop_back();
  expect_error(short_conv2, precision, Tech32(), images, "conv2");
  NetWeights wrong_cols = RandomWeights(spec, 1);
  wrong_cols.layers[2].cols += 1;
  expect_error(wrong_cols, precision, Tech32(), images, "ip1");
  NetWeights no_bias = RandomWeights(spec, 1);
  no_bias.layers[3].biases.clear();
  expect_error(no_bias, precision, Tech32(), images, "ip2");
  NetWeights missing = RandomWeights(spec, 1);
  missing.layers.pop_back();
  expect_error(missing, precision, Tech32(), images, "ip2");
  // <32,16> does not fit the 16-bit tile's words.
  expect_error(RandomWeights(spec, 1), precision, Tech16(), images, "input format");
  Precision wide_conv1 = UniformPrecision(spec, {16, 10});
  wide_conv1.layers[0].weights = {32, 16};
  expect_error(RandomWeights(spec, 1), wide_conv1, Tech16(), images, "conv1");
  Precision bad = precision;
  bad.layers[1].outputs = {16, 16};
  expect_error(RandomWeights(spec, 1), bad, Tech32(), images, "conv2");
  expect_error(RandomWeights(spec, 1), precision, Tech32(), {std::vector<float>(7, 0.0f)}, "input image 0");
  expect_error(RandomWeights(spec, 1), precision, Tech32(), {}, "at least one input image");
}

}  // namespace
}  // namespace rcdnn::accel
