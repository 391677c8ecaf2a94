// Helpers of this folder's tests: the engine tests' seeded uniform fills and a
// plain double-precision convolution to check the knobbed kernels against.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/conv_layer.h"
#include "models/engine/params.h"
#include "models/engine/test_util.h"

namespace rcdnn::models::dyvedeep::testing {

// The engine tests' seeded fills: the same values in both folders.
using models::testing::Random;
using models::testing::RandomParams;

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
