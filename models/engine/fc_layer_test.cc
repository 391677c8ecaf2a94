#include "models/engine/fc_layer.h"

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

// The input is a (channels, h, w) activation whose active channels are a
// prefix: its flattened size is the active prefix of the weight columns.
struct FcCase {
  int full_channels, channels, height, width, full_out, out, n;
  bool relu;
};

const FcCase kCases[] = {
    // full_c  c  h  w  full_out out  n  relu
    {1, 1, 1, 1, 1, 1, 1, false},    // 1 -> 1
    {16, 16, 1, 1, 17, 17, 3, false},  // full width, 16 -> 17
    {17, 9, 2, 3, 16, 5, 4, true},   // odd active widths, spatial input, fused ReLU
    {17, 17, 3, 3, 10, 10, 2, false},  // a classifier head: all outputs, all inputs
    {20, 7, 4, 4, 10, 10, 1, false},   // a head on a sliced input, batch 1 (GEMV)
};

class FcLayerTest : public ::testing::TestWithParam<FcCase> {};

TEST_P(FcLayerTest, ForwardAndGradients) {
  const FcCase c = GetParam();
  LayerShape shape;
  shape.in_channels = c.channels;
  shape.in_height = c.height;
  shape.in_width = c.width;
  shape.out_channels = c.out;
  shape.out_height = shape.out_width = 1;
  const int rows = c.out, cols = static_cast<int>(shape.InputSize());
  Random random(11);
  LayerParams params{RowMatrix(c.full_out, c.full_channels * c.height * c.width), Eigen::VectorXf(c.full_out)};
  random.Fill(&params);
  const std::vector<float> in = random.Vector(c.n * shape.InputSize());
  const std::vector<float> weight_of_output = random.Vector(c.n * rows);

  const FcLayer layer(c.relu);
  std::vector<float> out(c.n * rows);
  layer.Forward(&params, shape, c.n, in.data(), out.data(), {});

  RefLayerParams<double> ref = CastLayerParams<double>(params);
  std::vector<double> ref_in(in.begin(), in.end());
  auto forward = [&](int i, std::vector<double>* o) {
    o->resize(rows);
    ReferenceFc(shape, ref, ref_in.data() + i * cols, o->data());
    if (c.relu) ReferenceRelu<double>(rows, o->data(), o->data());
  };
  for (int i = 0; i < c.n; ++i) {
    std::vector<double> expected;
    forward(i, &expected);
    for (int r = 0; r < rows; ++r) ASSERT_NEAR(out[i * rows + r], expected[r], 1e-5 * (1 + std::abs(expected[r])));
  }

  std::vector<float> out_grad = weight_of_output;
  std::vector<float> in_grad(in.size(), 99.0f);
  const float kSentinel = -0.5f;
  LayerParams grads{RowMatrix::Constant(params.weights.rows(), params.weights.cols(), kSentinel),
                    Eigen::VectorXf::Constant(params.bias.size(), kSentinel)};
  layer.Backward(&params, shape, c.n, in.data(), out.data(), out_grad.data(), in_grad.data(), &grads, {});
  auto loss = [&] {
    double total = 0;
    std::vector<double> o;
    for (int i = 0; i < c.n; ++i) {
      forward(i, &o);
      for (int r = 0; r < rows; ++r) total += weight_of_output[i * rows + r] * o[r];
    }
    return total;
  };
  for (int64_t index : CheckedIndices(int64_t{rows} * cols, 400, 3)) {
    const int r = static_cast<int>(index / cols), k = static_cast<int>(index % cols);
    EXPECT_TRUE(GradientNear(grads.weights(r, k) - kSentinel, CentralDifference(&ref.weights(r, k), loss), 1e-4, 1e-3))
        << "weight " << r << "," << k;
  }
  for (int r = 0; r < rows; ++r) {
    EXPECT_TRUE(GradientNear(grads.bias(r) - kSentinel, CentralDifference(&ref.bias(r), loss), 1e-4, 1e-3)) << r;
  }
  for (int64_t index : CheckedIndices(static_cast<int64_t>(ref_in.size()), 400, 4)) {
    EXPECT_TRUE(GradientNear(in_grad[index], CentralDifference(&ref_in[index], loss), 1e-4, 1e-3)) << index;
  }
  for (int r = 0; r < grads.weights.rows(); ++r) {
    for (int k = 0; k < grads.weights.cols(); ++k) {
      if (r < rows && k < cols) continue;
      ASSERT_EQ(grads.weights(r, k), kSentinel) << r << "," << k;
    }
  }
  for (int r = rows; r < grads.bias.size(); ++r) ASSERT_EQ(grads.bias(r), kSentinel);
}

INSTANTIATE_TEST_SUITE_P(TailShapes, FcLayerTest, ::testing::ValuesIn(kCases));

}  // namespace
}  // namespace rcdnn::models
