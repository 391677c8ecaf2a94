#include "models/engine/params.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "models/engine/test_util.h"

namespace rcdnn::models {
namespace {

using testing::LoadSpec;

// InitParams(lenet, seed 5): conv1 weights (0, 0), (0, 1) and (19, 24).
constexpr float kGoldenConv1[] = {0.11990287f, -0.31974033f, -0.053343173f};

TEST(ParamsTest, ZerosLikeHasFullWidthShapes) {
  const NetParams params = ZerosLike(LoadSpec("lenet"), 4);
  ASSERT_EQ(params.sliced.size(), 3u);
  EXPECT_EQ(params.sliced[0].weights.rows(), 20);  // conv1: 20 x (1 * 5 * 5)
  EXPECT_EQ(params.sliced[0].weights.cols(), 25);
  EXPECT_EQ(params.sliced[1].weights.rows(), 50);  // conv2: 50 x (20 * 5 * 5)
  EXPECT_EQ(params.sliced[1].weights.cols(), 500);
  EXPECT_EQ(params.sliced[2].weights.rows(), 500);  // ip1: 500 x (50 * 4 * 4)
  EXPECT_EQ(params.sliced[2].weights.cols(), 800);
  EXPECT_EQ(params.sliced[2].bias.size(), 500);
  ASSERT_EQ(params.heads.size(), 4u);
  for (const LayerParams& head : params.heads) {
    EXPECT_EQ(head.weights.rows(), 10);
    EXPECT_EQ(head.weights.cols(), 500);
    EXPECT_TRUE(head.weights.isZero(0));
  }
  EXPECT_THROW(ZerosLike(LoadSpec("lenet"), 0), Error);
}

TEST(ParamsTest, InitIsDeterministicAndHeadsDoNotShiftTheStream) {
  const NetSpec spec = LoadSpec("lenet");
  NetParams a = ZerosLike(spec, 1), b = ZerosLike(spec, 1), c = ZerosLike(spec, 3), d = ZerosLike(spec, 1);
  InitParams(spec, 5, &a);
  InitParams(spec, 5, &b);
  InitParams(spec, 5, &c);
  InitParams(spec, 6, &d);
  for (size_t j = 0; j < a.sliced.size(); ++j) {
    EXPECT_TRUE(a.sliced[j].weights == b.sliced[j].weights);
    EXPECT_TRUE(a.sliced[j].weights == c.sliced[j].weights);
    EXPECT_FALSE(a.sliced[j].weights == d.sliced[j].weights);
    EXPECT_TRUE(a.sliced[j].bias.isZero(0));
  }
  EXPECT_TRUE(a.heads[0].weights == c.heads[0].weights);
  EXPECT_FALSE(c.heads[0].weights == c.heads[1].weights);  // fresh draws per head
  // Golden values: a change here changes every trained model of the suite.
  EXPECT_FLOAT_EQ(a.sliced[0].weights(0, 0), kGoldenConv1[0]);
  EXPECT_FLOAT_EQ(a.sliced[0].weights(0, 1), kGoldenConv1[1]);
  EXPECT_FLOAT_EQ(a.sliced[0].weights(19, 24), kGoldenConv1[2]);
}

TEST(ParamsTest, XavierIsUniformWithCaffesFanIn) {
  const NetSpec spec = LoadSpec("lenet");
  NetParams params = ZerosLike(spec, 2);
  InitParams(spec, 1, &params);
  const RowMatrix& ip1 = params.sliced[2].weights;  // fan_in = 800
  const double bound = std::sqrt(3.0 / 800);
  EXPECT_LE(ip1.cwiseAbs().maxCoeff(), bound);
  EXPECT_GT(ip1.cwiseAbs().maxCoeff(), 0.99 * bound);
  const double mean = ip1.cast<double>().mean();
  const double variance = ip1.cast<double>().array().square().mean() - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.01 * bound);
  EXPECT_NEAR(variance, 1.0 / 800, 0.02 / 800);  // uniform(-a, a) has variance a^2 / 3
  const double head_bound = std::sqrt(3.0 / 500);
  EXPECT_LE(params.heads[1].weights.cwiseAbs().maxCoeff(), head_bound);
}

TEST(ParamsTest, XavierUsesTheFanInOfTheWidthThatFirstUsesEachWeight) {
  // LeNet conv2 (50 x 500 at full width, 20 input channels x 5 x 5): at 25%
  // width it has 13 outputs over 5 input channels, fan-in 125; at 50%, 25
  // outputs over 10 channels, fan-in 250.
  const NetSpec spec = LoadSpec("lenet");
  const std::vector<Widths> schedule = {UniformWidths(spec, 0.25), UniformWidths(spec, 0.5)};
  NetParams full = ZerosLike(spec, 2), scheduled = ZerosLike(spec, 2);
  InitParams(spec, 4, &full);
  InitParams(spec, 4, schedule, &scheduled);
  const RowMatrix& a = full.sliced[1].weights;
  const RowMatrix& b = scheduled.sliced[1].weights;
  auto ratio = [&](int row, int col) { return static_cast<double>(b(row, col)) / a(row, col); };
  // The same draws, scaled by sqrt(full fan-in / fan-in of the first width using the weight).
  EXPECT_NEAR(ratio(0, 0), std::sqrt(500.0 / 125), 1e-5);     // in the 25% block
  EXPECT_NEAR(ratio(12, 124), std::sqrt(500.0 / 125), 1e-5);  // its last weight
  EXPECT_NEAR(ratio(13, 0), std::sqrt(500.0 / 250), 1e-5);    // a row the 50% width adds
  EXPECT_NEAR(ratio(0, 125), std::sqrt(500.0 / 250), 1e-5);   // a column it adds
  EXPECT_NEAR(ratio(30, 0), 1.0, 1e-6);                       // used by neither: full fan-in
  EXPECT_NEAR(ratio(0, 499), 1.0, 1e-6);
  // Head k draws at increment k's fan-in (ip2 over ip1's 125, then 250 outputs).
  EXPECT_NEAR(static_cast<double>(scheduled.heads[0].weights(0, 0)) / full.heads[0].weights(0, 0),
              std::sqrt(500.0 / 125), 1e-5);
  EXPECT_NEAR(static_cast<double>(scheduled.heads[1].weights(0, 0)) / full.heads[1].weights(0, 0),
              std::sqrt(500.0 / 250), 1e-5);
  // Gaussian fillers have no fan-in: ALEXnet is unchanged.
  const NetSpec alexnet = LoadSpec("alexnet");
  NetParams plain = ZerosLike(alexnet, 1), narrow = ZerosLike(alexnet, 1);
  InitParams(alexnet, 4, &plain);
  InitParams(alexnet, 4, {UniformWidths(alexnet, 0.25)}, &narrow);
  EXPECT_EQ(plain.sliced[1].weights, narrow.sliced[1].weights);
}

TEST(ParamsTest, GaussianHasTheGivenStd) {
  const NetSpec spec = LoadSpec("alexnet");  // conv2: gaussian:0.01, 32 x 800
  NetParams params = ZerosLike(spec, 1);
  InitParams(spec, 3, &params);
  const Eigen::ArrayXd values = Eigen::Map<const Eigen::VectorXf>(params.sliced[1].weights.data(),
                                                                  params.sliced[1].weights.size()).cast<double>();
  const double mean = values.mean();
  const double stddev = std::sqrt(values.square().mean() - mean * mean);
  EXPECT_NEAR(mean, 0.0, 0.0003);
  EXPECT_NEAR(stddev, 0.01, 0.0003);
  // conv1 is gaussian:0.0001.
  EXPECT_LT(params.sliced[0].weights.cwiseAbs().maxCoeff(), 0.0001 * 6);
}

TEST(ParamsTest, MisshapedParamsNameTheLayer) {
  const NetSpec spec = LoadSpec("lenet");
  NetParams params = ZerosLike(spec, 1);
  params.sliced[1].weights.resize(50, 499);
  try {
    InitParams(spec, 1, &params);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("conv2"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace rcdnn::models
