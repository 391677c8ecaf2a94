// The exact GEMM against a plain 128-bit loop, at sums just below 2^53, and
// its bound at the edges.
#include "accel_sim/exact_gemm.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

Geometry Conv(int channels, int height, int width, int outputs, int kernel, int stride, int pad) {
  Geometry g;
  g.name = "conv";
  g.kind = "conv";
  g.op = Op::kMac;
  g.C = channels;
  g.Hin = height;
  g.Win = width;
  g.M = outputs;
  g.k = kernel;
  g.s = stride;
  g.pad = pad;
  g.Ho = (height + 2 * pad - kernel) / stride + 1;
  g.Wo = (width + 2 * pad - kernel) / stride + 1;
  return g;
}

std::vector<int32_t> Uniform(int64_t n, int32_t limit, std::mt19937_64& rng) {
  std::uniform_int_distribution<int32_t> value(-limit, limit);
  std::vector<int32_t> v(n);
  for (int32_t& x : v) x = value(rng);
  return v;
}

// Bias plus every product, tap by tap, in 128 bits.
std::vector<int64_t> Reference(const Geometry& g, const std::vector<int32_t>& w, const std::vector<int64_t>& b,
                               const std::vector<int32_t>& x) {
  std::vector<int64_t> out;
  for (int m = 0; m < g.M; ++m) {
    for (int oy = 0; oy < g.Ho; ++oy) {
      for (int ox = 0; ox < g.Wo; ++ox) {
        __int128 sum = b[m];
        for (int c = 0; c < g.C; ++c) {
          for (int ky = 0; ky < g.k; ++ky) {
            for (int kx = 0; kx < g.k; ++kx) {
              const int iy = oy * g.s - g.pad + ky, ix = ox * g.s - g.pad + kx;
              if (iy < 0 || iy >= g.Hin || ix < 0 || ix >= g.Win) continue;
              sum += __int128{w[(int64_t{m} * g.C + c) * g.KK() + ky * g.k + kx]} * x[(c * g.Hin + iy) * g.Win + ix];
            }
          }
        }
        out.push_back(static_cast<int64_t>(sum));
      }
    }
  }
  return out;
}

TEST(ExactGemm, TheBoundIsStrictlyBelowTwoToThe53) {
  EXPECT_TRUE(SumsAreExactInDouble(1, int64_t{1} << 31, (int64_t{1} << 22) - 1, 0));
  EXPECT_FALSE(SumsAreExactInDouble(1, int64_t{1} << 31, int64_t{1} << 22, 0));
  EXPECT_TRUE(SumsAreExactInDouble(8, int64_t{1} << 25, (int64_t{1} << 25) - 1, 0));
  EXPECT_FALSE(SumsAreExactInDouble(8, int64_t{1} << 25, int64_t{1} << 25, 0));
  // Full 32-bit words: the product alone is 2^62; the 128-bit check does not wrap.
  EXPECT_FALSE(SumsAreExactInDouble(1 << 20, int64_t{1} << 31, int64_t{1} << 31, 0));
  // Magnitudes no int32 word has are refused before they could wrap 128 bits
  // (2^40 x 2^44 x 2^44 = 2^128 would read as 0).
  EXPECT_FALSE(SumsAreExactInDouble(int64_t{1} << 40, int64_t{1} << 44, int64_t{1} << 44, 0));
  EXPECT_FALSE(SumsAreExactInDouble(1, (int64_t{1} << 31) + 1, 1, 0));
  EXPECT_FALSE(SumsAreExactInDouble(1, 1, -1, 0));
  EXPECT_TRUE(SumsAreExactInDouble(16, 1, 1, (int64_t{1} << 62) - 1));
  EXPECT_FALSE(SumsAreExactInDouble(16, 1, 1, int64_t{1} << 62));
  EXPECT_TRUE(SumsAreExactInDouble(0, 0, 0, 0));
}

// Products near 2^47 over 36 taps: sums up to ~2^52, where a float sum (or
// any rounding) would lose the low bits the reference keeps. A 7 x 10 input:
// rows and columns swapped anywhere would show.
TEST(ExactGemm, AConvWithPaddingAndStrideEqualsThe128BitSums) {
  std::mt19937_64 rng(7);
  const Geometry g = Conv(4, 7, 10, 5, 3, 2, 1);
  const int32_t w_limit = (1 << 20) - 1, x_limit = (1 << 26) - 1;
  ASSERT_TRUE(SumsAreExactInDouble(g.R(), w_limit, x_limit, 0));
  const std::vector<int32_t> w = Uniform(int64_t{g.M} * g.R(), w_limit, rng);
  std::vector<int64_t> b = {-(int64_t{1} << 61), 3, -5, int64_t{1} << 40, 0};
  ExactGemmLayer layer(g, w, b);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<int32_t> x = Uniform(g.InputWords(), x_limit, rng);
    x[0] = x_limit;  // the largest input, at the bound's edge
    ASSERT_TRUE(layer.Applies(x));
    std::vector<int64_t> sums;
    layer.Accumulate(x, &sums);
    EXPECT_EQ(sums, Reference(g, w, b, x)) << "trial " << trial;
  }
}

TEST(ExactGemm, AnFcLayerIsOneColumn) {
  std::mt19937_64 rng(3);
  Geometry g = Conv(300, 1, 1, 10, 1, 1, 0);
  g.kind = "fc";
  const std::vector<int32_t> w = Uniform(int64_t{g.M} * g.R(), 1 << 15, rng);
  const std::vector<int64_t> b(g.M, 17);
  ExactGemmLayer layer(g, w, b);
  const std::vector<int32_t> x = Uniform(g.InputWords(), 1 << 15, rng);
  std::vector<int64_t> sums;
  layer.Accumulate(x, &sums);
  EXPECT_EQ(sums, Reference(g, w, b, x));
}

TEST(ExactGemm, AnInputThatCouldReachTheBoundIsRefusedByName) {
  std::mt19937_64 rng(5);
  const Geometry g = Conv(2, 4, 5, 3, 3, 1, 1);
  const std::vector<int32_t> w = Uniform(int64_t{g.M} * g.R(), (1 << 30) - 1, rng);
  ExactGemmLayer layer(g, w, std::vector<int64_t>(g.M, 0));
  std::vector<int32_t> x(g.InputWords(), 1);
  EXPECT_TRUE(layer.Applies(x));
  for (int64_t at : {int64_t{0}, int64_t{17}, g.InputWords() - 1}) {  // the whole input is scanned
    std::vector<int32_t> large = x;
    large[at] = -(1 << 30);  // 18 taps x 2^30 x 2^30 > 2^53
    EXPECT_FALSE(layer.Applies(large)) << "at " << at;
  }
  x.back() = 1 << 30;
  std::vector<int64_t> sums;
  try {
    layer.Accumulate(x, &sums);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("conv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2^53"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ExactGemmLayer(g, std::vector<int32_t>(3), std::vector<int64_t>(g.M, 0)), Error);
}

}  // namespace
}  // namespace rcdnn::accel
