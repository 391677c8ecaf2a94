// Bit-accurate execution: the same tiles and timeline as the analytical mode
// (mapper.h, timing.h), with each tile's passes computed on the NFU in the
// tile's arithmetic — fixed point <n,f> per layer (fixed_point.h) or IEEE
// float in the adder tree's order — and every saturation counted. A
// fixed-point conv or fc layer whose sums cannot reach 2^53 is computed as one
// exact matrix product instead (exact_gemm.h): the same bits, 5-13x faster an
// image (BM_BitAccurate compares the two paths in one run).
#include <algorithm>
#include <limits>
#include <memory>
#include <type_traits>

#include "accel_sim/exact_gemm.h"
#include "accel_sim/mapper.h"
#include "accel_sim/margin_controller.h"
#include "accel_sim/nfu.h"
#include "accel_sim/simulator.h"
#include "accel_sim/timing.h"
#include "common/error.h"

namespace rcdnn::accel {
namespace {

using models::NetSpec;
using models::Widths;

// --- arithmetic policies -----------------------------------------------------

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

// A MAC layer's outputs from its exact sums: what the tile's last c-tile
// does with each accumulator (rescale, saturate, count, ReLU).
void FinishExactGemm(const Geometry& g, ExactGemmLayer& gemm, const std::vector<int32_t>& input, FixedArith& arith,
                     std::vector<int32_t>* out) {
  std::vector<int64_t> sums;
  gemm.Accumulate(input, &sums);
  for (size_t j = 0; j < sums.size(); ++j) {
    int32_t v = arith.FinishMac(sums[j]);
    if (g.relu) v = std::max(0, v);
    (*out)[j] = v;
  }
}

// --- weights and the network ---------------------------------------------------

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
  const NetworkMapping net = MapNetwork(spec, widths, tech);
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
  std::vector<LayerResult> per_geometry(net.geometries.size());

  // Formats flow layer to layer; weights are quantized once per run.
  std::vector<FixedPointFormat> in_formats(net.geometries.size());
  std::vector<PreparedWeights<Arith>> prepared(net.geometries.size());
  FixedPointFormat format = precision.input;
  for (size_t i = 0; i < net.geometries.size(); ++i) {
    const Geometry& g = net.geometries[i];
    in_formats[i] = format;
    if (g.op != Op::kMac) continue;
    const LayerFormats lf = kFixed ? precision.layers[g.weight_index] : LayerFormats{};
    QuantizeBlock<Arith>(weights.layers[g.weight_index], g, lf.weights, lf.weights.frac_bits + format.frac_bits,
                         &prepared[i], &per_geometry[i].saturations);
    format = lf.outputs;
  }

  // Fixed-point MAC layers as exact GEMMs, where each image's values allow.
  std::vector<std::unique_ptr<ExactGemmLayer>> gemms(net.geometries.size());
  if constexpr (kFixed) {
    for (size_t i = 0; i < net.geometries.size(); ++i) {
      if (options.exact_gemm && net.geometries[i].op == Op::kMac) {
        gemms[i] = std::make_unique<ExactGemmLayer>(net.geometries[i], prepared[i].weights, prepared[i].biases);
      }
    }
  }

  int64_t exact_gemm_layers = 0;
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
    for (size_t i = 0; i < net.geometries.size(); ++i) {
      const Geometry& g = net.geometries[i];
      std::vector<Value> next(g.OutputWords());
      Arith arith = MakeArith<Arith>(g, in_formats[i], precision);
      LayerData<Arith> data;
      data.input = &activations;
      data.output = &next;
      data.weights = &prepared[i].weights;
      data.biases = &prepared[i].biases;
      if (net.mappings[i].c_tiles > 1) data.partial_sums.resize(g.OutputWords());
      const bool weights_in_sb = net.weights_resident && image > 0;
      bool use_gemm = false;
      if constexpr (kFixed) use_gemm = gemms[i] && gemms[i]->Applies(activations);
      exact_gemm_layers += use_gemm ? 1 : 0;
      LayerRun run;
      if (use_gemm) {
        // Counted tile by tile in closed form (the passes' counts), computed at once.
        run = RunLayer(g, net.mappings[i], net.caps, weights_in_sb, tech, components, TileExecutor());
        if constexpr (kFixed) FinishExactGemm(g, *gemms[i], activations, arith, &next);
      } else {
        run = RunLayer(g, net.mappings[i], net.caps, weights_in_sb, tech, components,
                       [&](const TileWork& t, const Window& b) { ExecuteTile(g, t, b, components, arith, data); });
      }
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
  result = Assemble(spec, widths, tech, net, std::move(per_geometry), controller.stats(),
                    static_cast<int>(images.size()), "bit-accurate");
  result.outputs = std::move(outputs);
  result.raw_outputs = std::move(raw_outputs);
  if (kFixed) result.output_format = format;
  result.decisions = std::move(decisions);
  result.exact_gemm_layers = exact_gemm_layers;
  return result;
}

}  // namespace

SimResult SimulateBitAccurate(const NetSpec& spec, const Widths& widths, const TechConfig& tech,
                              const NetWeights& weights, const Precision& precision,
                              const std::vector<std::vector<float>>& images, const SimOptions& options) {
  if (tech.arithmetic == Arithmetic::kFixed) {
    return RunBitAccurate<FixedArith>(spec, widths, tech, weights, precision, images, options);
  }
  return RunBitAccurate<FloatArith>(spec, widths, tech, weights, precision, images, options);
}

}  // namespace rcdnn::accel
