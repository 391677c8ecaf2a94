#include "models/engine/relu_layer.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "models/engine/reference_layers.h"
#include "models/engine/test_util.h"

namespace rcdnn::models {
namespace {

using testing::CentralDifference;
using testing::GradientNear;
using testing::Random;

LayerShape ReluShape(int channels) {
  LayerShape shape;
  shape.in_channels = shape.out_channels = channels;
  shape.in_height = shape.out_height = 3;
  shape.in_width = shape.out_width = 5;
  return shape;
}

class ReluLayerTest : public ::testing::TestWithParam<int> {};

TEST_P(ReluLayerTest, ForwardAndGradient) {
  const LayerShape shape = ReluShape(GetParam());
  const int n = 2;
  Random random(31);
  const std::vector<float> in = random.Vector(n * shape.InputSize());
  const std::vector<float> weight_of_output = random.Vector(in.size());
  const ReluLayer layer;
  std::vector<float> out(in.size());
  layer.Forward(nullptr, shape, n, in.data(), out.data(), {});
  std::vector<double> ref_in(in.begin(), in.end()), expected(in.size());
  ReferenceRelu<double>(static_cast<int64_t>(in.size()), ref_in.data(), expected.data());
  for (size_t i = 0; i < in.size(); ++i) ASSERT_EQ(out[i], static_cast<float>(expected[i]));

  std::vector<float> out_grad = weight_of_output, in_grad(in.size(), 99.0f);
  layer.Backward(nullptr, shape, n, in.data(), out.data(), out_grad.data(), in_grad.data(), nullptr, {});
  auto loss = [&] {
    double total = 0;
    for (size_t i = 0; i < ref_in.size(); ++i) total += weight_of_output[i] * (ref_in[i] > 0 ? ref_in[i] : 0.0);
    return total;
  };
  for (size_t i = 0; i < ref_in.size(); ++i) {
    EXPECT_TRUE(GradientNear(in_grad[i], CentralDifference(&ref_in[i], loss), 1e-6, 1e-5)) << i;
  }

  // In place (the network runs ReLU over its input buffer): same results.
  std::vector<float> data = in;
  layer.Forward(nullptr, shape, n, data.data(), data.data(), {});
  EXPECT_EQ(data, out);
  std::vector<float> grad = weight_of_output;
  layer.Backward(nullptr, shape, n, nullptr, data.data(), grad.data(), grad.data(), nullptr, {});
  EXPECT_EQ(grad, in_grad);
}

INSTANTIATE_TEST_SUITE_P(Channels, ReluLayerTest, ::testing::Values(1, 16, 17));

TEST(ReluTest, FusedHelpersMatchTheLayer) {
  std::vector<float> data = {-2.0f, 0.0f, 3.0f, -0.0f, 1e-30f};
  ReluInPlace(data.data(), 5);
  EXPECT_EQ(data, (std::vector<float>{0, 0, 3, 0, 1e-30f}));
  std::vector<float> grad = {1, 2, 3, 4, 5};
  ReluBackwardInPlace(data.data(), grad.data(), 5);
  EXPECT_EQ(grad, (std::vector<float>{0, 0, 3, 0, 5}));
}

// The 8-wide path and the scalar tail agree bit for bit on the special
// values: -0 and NaN give +0, as `in > 0 ? in : 0` does.
TEST(ReluTest, VectorAndTailGiveTheSameBits) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> pattern = {-0.0f, nan, -inf, inf, 1e-45f, -1e-45f, 2.5f, -3.0f, 0.0f};
  std::vector<float> in;
  for (int copy = 0; copy < 3; ++copy) in.insert(in.end(), pattern.begin(), pattern.end());  // 27: 3 x 8 + 3
  std::vector<float> expected(in.size());
  for (size_t i = 0; i < in.size(); ++i) expected[i] = in[i] > 0.0f ? in[i] : 0.0f;
  std::vector<float> out = in;
  ReluInPlace(out.data(), static_cast<int64_t>(out.size()));
  ASSERT_EQ(0, std::memcmp(out.data(), expected.data(), out.size() * sizeof(float)));
  EXPECT_FALSE(std::signbit(out[0]));  // -0 became +0

  std::vector<float> grad(in.size(), -0.0f);
  for (size_t i = 0; i < grad.size(); i += 2) grad[i] = static_cast<float>(i) + 1.0f;
  std::vector<float> expected_grad(in.size());
  for (size_t i = 0; i < in.size(); ++i) expected_grad[i] = out[i] > 0.0f ? grad[i] : 0.0f;
  ReluBackwardInPlace(out.data(), grad.data(), static_cast<int64_t>(grad.size()));
  EXPECT_EQ(0, std::memcmp(grad.data(), expected_grad.data(), grad.size() * sizeof(float)));
}

}  // namespace
}  // namespace rcdnn::models
