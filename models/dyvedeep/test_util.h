// Helpers of this folder's tests: seeded uniform fills (our own conversion
// from mt19937_64 bits, so the same values with every standard library) and a
// plain double-precision convolution to check the knobbed kernels against.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "models/engine/conv_layer.h"
#include "models/engine/params.h"

namespace rcdnn::models::dyvedeep::testing {

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  float Uniform(float lo, float hi) {
    return lo + (hi - lo) * static_cast<float>(rng_() >> 40) * (1.0f / 16777216.0f);
  }
  std::vector<float> Vector(int64_t count, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> v(count);
    for (float& x : v) x = Uniform(lo, hi);
    return v;
  }
  void Fill(float* data, int64_t count, float lo, float hi) {
    for (int64_t i = 0; i < count; ++i) data[i] = Uniform(lo, hi);
  }

 private:
  std::mt19937_64 rng_;
};

// Every conv/fc weight uniform in +-sqrt(3 / fan_in), biases in [-0.1, 0.1).
inline NetParams RandomParams(const NetSpec& spec, int heads, uint64_t seed) {
  NetParams params = ZerosLike(spec, heads);
  Random random(seed);
  auto fill = [&](LayerParams* layer) {
    const float scale = std::sqrt(3.0f / static_cast<float>(layer->weights.cols()));
    random.Fill(layer->weights.data(), layer->weights.size(), -scale, scale);
    random.Fill(layer->bias.data(), layer->bias.size(), -0.1f, 0.1f);
  };
  for (LayerParams& layer : params.sliced) fill(&layer);
  for (LayerParams& layer : params.heads) fill(&layer);
  return params;
}

// out[o][oy][ox] = bias[o] + sum w[o][c][ky][kx] * in[c][...] (0 in the
// padding), optionally through ReLU; in double.
inline std::vector<double> ReferenceConv(const LayerParams& params, const ConvGeometry& g, int outputs,
                                         const float* image, bool relu) {
  const int k = g.kernel;
  std::vector<double> out(static_cast<size_t>(outputs) * g.out_height * g.out_width);
  for (int o = 0; o < outputs; ++o) {
    for (int oy = 0; oy < g.out_height; ++oy) {
      for (int ox = 0; ox < g.out_width; ++ox) {
        double sum = params.bias(o);
        for (int c = 0; c < g.channels; ++c) {
          for (int ky = 0; ky < k; ++ky) {
            for (int kx = 0; kx < k; ++kx) {
              const int iy = oy * g.stride - g.pad + ky, ix = ox * g.stride - g.pad + kx;
              if (iy < 0 || iy >= g.height || ix < 0 || ix >= g.width) continue;
              sum += static_cast<double>(params.weights(o, (c * k + ky) * k + kx)) *
                     image[(static_cast<int64_t>(c) * g.height + iy) * g.width + ix];
            }
          }
        }
        out[(static_cast<size_t>(o) * g.out_height + oy) * g.out_width + ox] = relu && sum < 0 ? 0.0 : sum;
      }
    }
  }
  return out;
}

}  // namespace rcdnn::models::dyvedeep::testing
