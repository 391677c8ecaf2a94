#include "models/engine/pool_layer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "models/engine/reference_layers.h"
#include "models/engine/test_util.h"

namespace rcdnn::models {
namespace {

using testing::CentralDifference;
using testing::CheckedIndices;
using testing::GradientNear;
using testing::Random;

struct PoolCase {
  LayerKind kind;
  int channels, height, width, kernel, stride, pad;
};

// Caffe's rounding: ceil, minus a last window that would start in the padding.
const PoolCase kCases[] = {
    // kind                 c   h  w  k  s  p
    {LayerKind::kMaxPool, 1, 6, 6, 2, 2, 0},    // LeNet's pooling, exact fit
    {LayerKind::kAvgPool, 16, 6, 6, 3, 2, 0},   // ceil: 3 windows, the last clipped: divisor 2, not 3
    {LayerKind::kMaxPool, 17, 7, 5, 3, 2, 1},   // padding on both sides, ceil, non-square
    {LayerKind::kAvgPool, 17, 7, 5, 3, 2, 1},   // padded cells count in the divisor
    {LayerKind::kAvgPool, 3, 5, 5, 2, 3, 1},    // ceil gives 3, the last window would start in the padding: 2
    {LayerKind::kMaxPool, 3, 5, 5, 2, 3, 1},
    {LayerKind::kAvgPool, 1, 32, 32, 3, 2, 0},  // ALEXnet's 32 -> 16 (ceil)
    {LayerKind::kMaxPool, 2, 4, 4, 4, 1, 0},    // a single global window
    // Rows of 8 or more outputs (the 8-wide path, its overlapping last group
    // and the clipped last window), at strides 1, 2 and 3.
    {LayerKind::kMaxPool, 2, 32, 32, 3, 2, 0},  // ALEXnet's pool1: 16 outputs, the last clipped
    {LayerKind::kMaxPool, 3, 6, 21, 2, 2, 0},   // 10 outputs: groups overlap
    {LayerKind::kMaxPool, 2, 5, 19, 3, 1, 1},   // stride 1 with padding, 19 outputs
    {LayerKind::kAvgPool, 2, 5, 19, 3, 1, 1},
    {LayerKind::kAvgPool, 3, 6, 21, 2, 2, 1},   // 11 outputs, padding on both sides
    {LayerKind::kMaxPool, 1, 11, 29, 3, 3, 1},  // stride 3
    {LayerKind::kAvgPool, 1, 11, 29, 3, 3, 1},
    // Rows of 4 to 7 outputs (the 4-wide max path), its overlapping last
    // group and windows clipped by padding on both sides.
    {LayerKind::kMaxPool, 13, 8, 8, 2, 2, 0},   // LeNet's pool2: 4 outputs
    {LayerKind::kMaxPool, 2, 7, 13, 3, 2, 1},   // 7 outputs, stride 2, padded
    {LayerKind::kMaxPool, 2, 5, 6, 3, 1, 1},    // 6 outputs, stride 1, padded
    {LayerKind::kAvgPool, 2, 7, 13, 3, 2, 1},
    {LayerKind::kAvgPool, 3, 8, 8, 3, 2, 0},    // ALEXnet's pool3: 4 outputs, the last window clipped
    {LayerKind::kMaxPool, 3, 8, 8, 3, 2, 0},
};

LayerSpec PoolSpec(const PoolCase& c) {
  LayerSpec spec;
  spec.kind = c.kind;
  spec.name = "pool";
  spec.kernel = c.kernel;
  spec.stride = c.stride;
  spec.pad = c.pad;
  return spec;
}

LayerShape PoolShape(const PoolCase& c) {
  LayerShape shape;
  shape.in_channels = shape.out_channels = c.channels;
  shape.in_height = c.height;
  shape.in_width = c.width;
  shape.out_height = PoolOutputSize(c.height, c.kernel, c.stride, c.pad);
  shape.out_width = PoolOutputSize(c.width, c.kernel, c.stride, c.pad);
  return shape;
}

class PoolLayerTest : public ::testing::TestWithParam<PoolCase> {};

TEST_P(PoolLayerTest, ForwardAndGradients) {
  const PoolCase c = GetParam();
  const LayerSpec spec = PoolSpec(c);
  const LayerShape shape = PoolShape(c);
  const int n = 2;
  Random random(21);
  const std::vector<float> in = random.Vector(n * shape.InputSize());
  const std::vector<float> weight_of_output = random.Vector(n * shape.OutputSize());
  const PoolLayer layer(spec);
  std::vector<float> out(n * shape.OutputSize());
  std::vector<int32_t> saved(n * layer.SavedIntsPerImage(shape) + 1);
  layer.Forward(nullptr, shape, n, in.data(), out.data(), {nullptr, saved.data()});

  std::vector<double> ref_in(in.begin(), in.end());
  auto forward = [&](int i, std::vector<double>* o) {
    o->resize(shape.OutputSize());
    ReferencePool(spec, shape, ref_in.data() + i * shape.InputSize(), o->data());
  };
  for (int i = 0; i < n; ++i) {
    std::vector<double> expected;
    forward(i, &expected);
    for (int64_t j = 0; j < shape.OutputSize(); ++j) {
      ASSERT_NEAR(out[i * shape.OutputSize() + j], expected[j], 1e-6) << i << "," << j;
    }
  }
  // Forward-only runs (no mask buffer) give the same output.
  std::vector<float> out_no_mask(out.size());
  layer.Forward(nullptr, shape, n, in.data(), out_no_mask.data(), {});
  EXPECT_EQ(out, out_no_mask);

  std::vector<float> out_grad = weight_of_output;
  std::vector<float> in_grad(in.size(), 99.0f);
  layer.Backward(nullptr, shape, n, in.data(), out.data(), out_grad.data(), in_grad.data(), nullptr,
                 {nullptr, saved.data()});
  auto loss = [&] {
    double total = 0;
    std::vector<double> o;
    for (int i = 0; i < n; ++i) {
      forward(i, &o);
      for (int64_t j = 0; j < shape.OutputSize(); ++j) total += weight_of_output[i * shape.OutputSize() + j] * o[j];
    }
    return total;
  };
  for (int64_t index : CheckedIndices(static_cast<int64_t>(ref_in.size()), 600, 4)) {
    EXPECT_TRUE(GradientNear(in_grad[index], CentralDifference(&ref_in[index], loss), 1e-5, 1e-4)) << index;
  }
}

INSTANTIATE_TEST_SUITE_P(CaffeRounding, PoolLayerTest, ::testing::ValuesIn(kCases));

TEST(PoolLayerTest, AverageDividesByTheWindowClippedToThePaddedInput) {
  // 3x3 average, stride 2, pad 1 over a 4x4 input of ones. Output 3x3 (ceil of
  // 3/2 plus one; the last window starts at 3 < 4 + 1, so it stays). Window
  // rows: [-1,2), [1,4), [3,5): padded extents 3, 3, 2 (clipped at 4 + 1),
  // in-input cells 2, 3, 1. Output = (cells_y * cells_x) / (padded_y * padded_x).
  LayerSpec spec;
  spec.kind = LayerKind::kAvgPool;
  spec.kernel = 3;
  spec.stride = 2;
  spec.pad = 1;
  LayerShape shape;
  shape.in_channels = shape.out_channels = 1;
  shape.in_height = shape.in_width = 4;
  shape.out_height = shape.out_width = PoolOutputSize(4, 3, 2, 1);
  ASSERT_EQ(shape.out_height, 3);
  const std::vector<float> in(16, 1.0f);
  std::vector<float> out(9);
  PoolLayer(spec).Forward(nullptr, shape, 1, in.data(), out.data(), {});
  const float cells[] = {2, 3, 1}, padded[] = {3, 3, 2};
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 3; ++x) EXPECT_FLOAT_EQ(out[y * 3 + x], cells[y] * cells[x] / (padded[y] * padded[x]));
  }
}

TEST(PoolLayerTest, MaxTiesGoToTheFirstElement) {
  LayerSpec spec;
  spec.kind = LayerKind::kMaxPool;
  spec.kernel = 2;
  spec.stride = 2;
  LayerShape shape;
  shape.in_channels = shape.out_channels = 1;
  shape.in_height = shape.in_width = 2;
  shape.out_height = shape.out_width = 1;
  const std::vector<float> in = {0.5f, 0.5f, 0.5f, -1.0f};
  float out = 0, out_grad = 1.0f;
  int32_t saved = -7;
  const PoolLayer layer(spec);
  layer.Forward(nullptr, shape, 1, in.data(), &out, {nullptr, &saved});
  EXPECT_EQ(out, 0.5f);
  EXPECT_EQ(saved, 0);
  std::vector<float> in_grad(4, 3.0f);
  layer.Backward(nullptr, shape, 1, in.data(), &out, &out_grad, in_grad.data(), nullptr, {nullptr, &saved});
  EXPECT_EQ(in_grad, (std::vector<float>{1, 0, 0, 0}));
}

TEST(PoolLayerTest, MaxTiesGoToTheFirstElementOnWideRows) {
  // A constant input: every window's maximum is tied, so each saved index
  // must be the first in-range cell of its window in row-major order.
  for (const auto& [stride, pad] : {std::pair{2, 0}, std::pair{1, 1}, std::pair{2, 1}}) {
    LayerSpec spec;
    spec.kind = LayerKind::kMaxPool;
    spec.kernel = 3;
    spec.stride = stride;
    spec.pad = pad;
    LayerShape shape;
    shape.in_channels = shape.out_channels = 1;
    shape.in_height = 5;
    shape.in_width = 27;
    shape.out_height = PoolOutputSize(5, 3, stride, pad);
    shape.out_width = PoolOutputSize(27, 3, stride, pad);
    const std::vector<float> in(shape.InputSize(), 0.5f);
    std::vector<float> out(shape.OutputSize());
    std::vector<int32_t> saved(shape.OutputSize());
    PoolLayer(spec).Forward(nullptr, shape, 1, in.data(), out.data(), {nullptr, saved.data()});
    for (int oy = 0; oy < shape.out_height; ++oy) {
      for (int ox = 0; ox < shape.out_width; ++ox) {
        const int y = std::max(oy * stride - pad, 0), x = std::max(ox * stride - pad, 0);
        EXPECT_EQ(saved[oy * shape.out_width + ox], y * 27 + x) << stride << "," << pad << ": " << oy << "," << ox;
        EXPECT_EQ(out[oy * shape.out_width + ox], 0.5f);
      }
    }
  }
}

}  // namespace
}  // namespace rcdnn::models
