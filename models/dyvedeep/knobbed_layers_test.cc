// Each knob on hand-made inputs where the skipped work is known exactly.
#include "models/dyvedeep/knobbed_layers.h"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "models/dyvedeep/test_util.h"

namespace rcdnn::models::dyvedeep {
namespace {

using testing::Random;
using testing::ReferenceConv;

ConvGeometry Geometry(int channels, int size, int kernel, int pad) {
  ConvGeometry g;
  g.channels = channels;
  g.height = g.width = size;
  g.kernel = kernel;
  g.stride = 1;
  g.pad = pad;
  g.out_height = g.out_width = size + 2 * pad - kernel + 1;
  return g;
}

LayerParams RandomConvParams(int outputs, int channels, int kernel, uint64_t seed) {
  LayerParams params;
  params.weights.resize(outputs, channels * kernel * kernel);
  params.bias.resize(outputs);
  Random random(seed);
  random.Fill(params.weights.data(), params.weights.size(), -0.5f, 0.5f);
  random.Fill(params.bias.data(), params.bias.size(), -0.1f, 0.1f);
  return params;
}

struct ConvCase {
  LayerParams params;
  ConvTables tables;
  ConvKnobLayer layer;
  ConvCase(int outputs, const ConvGeometry& g, uint64_t seed, bool relu)
      : params(RandomConvParams(outputs, g.channels, g.kernel, seed)), tables(MakeConvTables(params, g.kernel)) {
    layer.params = &params;
    layer.tables = &tables;
    layer.geometry = g;
    layer.outputs = outputs;
    layer.fused_relu = relu;
    layer.saturating = relu;
  }
  int64_t Positions() const { return int64_t{layer.geometry.out_height} * layer.geometry.out_width; }
  int64_t Macs() const {
    const ConvGeometry& g = layer.geometry;
    return int64_t{layer.outputs} * Positions() * g.channels * g.kernel * g.kernel;
  }
};

void ExpectNear(const std::vector<float>& got, const std::vector<double>& want, double tolerance) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tolerance) << "output " << i;
}

TEST(DotTest, FixedOrderSumOfProducts) {
  for (int count : {0, 1, 7, 8, 9, 17, 64}) {
    std::vector<float> a(count), b(count);
    double want = 0;
    for (int i = 0; i < count; ++i) {
      a[i] = static_cast<float>(i + 1);
      b[i] = 0.5f;
      want += 0.5 * (i + 1);
    }
    EXPECT_EQ(Dot(a.data(), b.data(), count), static_cast<float>(want)) << count;
  }
}

TEST(SimilarityTest, ConstantChannelSkipsAllButOneMacPerOutputChannel) {
  // Channel 0 is constant 0.7, channel 1 spans [-1, 1): only channel 0 is
  // approximated; its k*k*O*P MACs become O (mean x kernel sum) MACs.
  const ConvGeometry g = Geometry(2, 6, 3, 0);
  ConvCase c(4, g, 1, false);
  Random random(2);
  std::vector<float> image(2 * 36, 0.7f);
  random.Fill(image.data() + 36, 36, -1.0f, 1.0f);
  KnobSettings settings;
  settings.similarity = 0.01;
  std::vector<float> out(4 * c.Positions());
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.approximated_channels, 1);
  const int64_t channel_macs = 4 * c.Positions() * 9;
  EXPECT_EQ(counts.executed_macs, channel_macs + 4);
  EXPECT_EQ(c.Macs() - counts.executed_macs, channel_macs - 4);
  // A constant channel's mean x kernel sum is its exact contribution.
  ExpectNear(out, ReferenceConv(c.params, g, 4, image.data(), false), 1e-5);
}

TEST(SimilarityTest, PaddedBordersUseTheClippedKernelSum) {
  // With pad 1 the 20 border windows of a 6x6 output are clipped: each costs
  // one more MAC for the approximated channel; the result is still exact.
  const ConvGeometry g = Geometry(2, 6, 3, 1);
  ConvCase c(3, g, 3, true);
  Random random(4);
  std::vector<float> image(2 * 36, -0.4f);
  random.Fill(image.data() + 36, 36, -1.0f, 1.0f);
  KnobSettings settings;
  settings.similarity = 0.0;  // exactly constant channels only
  std::vector<float> out(3 * c.Positions());
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(c.Positions(), 36);
  EXPECT_EQ(counts.executed_macs, 3 * 36 * 9 + 3 + 3 * 20);
  ExpectNear(out, ReferenceConv(c.params, g, 3, image.data(), true), 1e-5);
}

TEST(SimilarityTest, NoNearConstantChannelLeavesTheLayerToTheEngine) {
  const ConvGeometry g = Geometry(3, 6, 3, 0);
  ConvCase c(2, g, 5, false);
  const std::vector<float> image = Random(6).Vector(3 * 36);
  KnobSettings settings;
  settings.similarity = 0.0;
  std::vector<float> out(2 * c.Positions(), 123.0f);
  KnobScratch scratch;
  LayerCounts counts;
  EXPECT_FALSE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.executed_macs, 0);
  EXPECT_EQ(out[0], 123.0f);  // nothing written
}

TEST(SaturationTest, VeryNegativeFirstPartialSumStopsEveryNeuron) {
  // Channel 0's weights are all +1 over an input of -10: the partial sum after
  // the first of 2 channels is -90 + bias; the rest can add at most
  // 9 x 0.01 x 1. Every neuron stops at the checkpoint: half the MACs skipped.
  const ConvGeometry g = Geometry(2, 5, 3, 0);
  ConvCase c(3, g, 7, true);
  for (int o = 0; o < 3; ++o) {
    for (int t = 0; t < 9; ++t) {
      c.params.weights(o, t) = 1.0f;
      c.params.weights(o, 9 + t) = t % 2 == 0 ? 0.01f : -0.01f;
    }
  }
  c.tables = MakeConvTables(c.params, 3);
  std::vector<float> image(2 * 25, -10.0f);
  Random(8).Fill(image.data() + 25, 25, 0.0f, 1.0f);
  KnobSettings settings;
  settings.saturation = 1.0;  // the provable bound
  settings.saturation_check = 0.5;
  std::vector<float> out(3 * c.Positions(), 5.0f);
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.saturated_neurons, 3 * c.Positions());
  EXPECT_EQ(counts.executed_macs, c.Macs() / 2);
  for (float v : out) EXPECT_EQ(v, 0.0f);
}

TEST(SaturationTest, PositiveNeuronsRunToTheEnd) {
  const ConvGeometry g = Geometry(2, 5, 3, 0);
  ConvCase c(2, g, 9, true);
  c.params.weights.setConstant(0.1f);
  c.params.bias.setConstant(0.0f);
  c.tables = MakeConvTables(c.params, 3);
  const std::vector<float> image(2 * 25, 1.0f);
  KnobSettings settings;
  settings.saturation = 0.0;
  std::vector<float> out(2 * c.Positions());
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.saturated_neurons, 0);
  EXPECT_EQ(counts.executed_macs, c.Macs());
  ExpectNear(out, ReferenceConv(c.params, g, 2, image.data(), true), 1e-5);
}

TEST(SaturationTest, ProvableBoundNeverChangesAReluOutput) {
  // sat=1 stops only neurons whose bound proves them negative: the outputs
  // equal the plain convolution's (up to rounding) on random data.
  const ConvGeometry g = Geometry(4, 7, 3, 1);
  ConvCase c(5, g, 11, true);
  for (int o = 0; o < 5; ++o) c.params.bias(o) = -1.5f * (o + 1);  // make stops possible
  const std::vector<float> image = Random(12).Vector(4 * 49, 0.0f, 1.0f);
  KnobSettings settings;
  settings.saturation = 1.0;
  settings.saturation_check = 0.25;
  std::vector<float> out(5 * c.Positions());
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_GT(counts.saturated_neurons, 0);
  // Each stopped neuron ran exactly one of its 4 channels.
  EXPECT_EQ(counts.executed_macs, c.Macs() - counts.saturated_neurons * 3 * 9);
  ExpectNear(out, ReferenceConv(c.params, g, 5, image.data(), true), 1e-5);
}

TEST(SaturationTest, FcNeuronStopsAfterHalfItsInputs) {
  // Neuron 0: first half of the inputs -5 against weights +1 (partial -20 +
  // bias), the rest at most 4 x 0.1 x 1: stops. Neuron 1: positive, runs all 8.
  LayerParams params;
  params.weights.resize(2, 8);
  params.weights.row(0) << 1, 1, 1, 1, 0.1f, -0.1f, 0.1f, -0.1f;
  params.weights.row(1) << -1, -1, -1, -1, 1, 1, 1, 1;
  params.bias.resize(2);
  params.bias << 0.5f, 0.0f;
  const FcTables tables = MakeFcTables(params);
  const std::vector<float> in = {-5, -5, -5, -5, 1, 0.5f, -1, 0.25f};
  KnobSettings settings;
  settings.saturation = 1.0;
  float out[2] = {9, 9};
  LayerCounts counts;
  KnobbedFcForward(params, tables, 8, 2, settings, in.data(), out, &counts);
  EXPECT_EQ(counts.saturated_neurons, 1);
  EXPECT_EQ(counts.executed_macs, 4 + 8);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_FLOAT_EQ(out[1], 20.0f + 1 + 0.5f - 1 + 0.25f);
}

TEST(SaturationTest, FcCheckFractionRoundsUp) {
  LayerParams params;
  params.weights.setConstant(1, 5, -1.0f);
  params.bias.setZero(1);
  const FcTables tables = MakeFcTables(params);
  const std::vector<float> in(5, 1.0f);
  KnobSettings settings;
  settings.saturation = 0.0;
  settings.saturation_check = 0.3;  // ceil(1.5) = 2 inputs before the check
  float out = 7;
  LayerCounts counts;
  KnobbedFcForward(params, tables, 5, 1, settings, in.data(), &out, &counts);
  EXPECT_EQ(counts.executed_macs, 2);
  EXPECT_EQ(out, 0.0f);
}

TEST(SamplingTest, UniformMapInterpolatesEveryOffGridOutputWithNeighbours) {
  // A constant image gives each output channel a constant map. 5x5 output:
  // the 9 even-even outputs are computed, the other 16 interpolated.
  const ConvGeometry g = Geometry(2, 7, 3, 0);
  ConvCase c(3, g, 13, false);
  const std::vector<float> image(2 * 49, 0.3f);
  KnobSettings settings;
  settings.sampling = 0.0;  // exactly equal neighbours
  std::vector<float> out(3 * 25);
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.interpolated_outputs, 3 * 16);
  EXPECT_EQ(counts.executed_macs, 3 * 9 * 2 * 9);
  ExpectNear(out, ReferenceConv(c.params, g, 3, image.data(), false), 1e-5);
}

TEST(SamplingTest, EvenOutputSizeComputesTheLastRowAndColumn) {
  // 6x6 output: grid rows/cols 0, 2, 4. Off-grid outputs in row 5 or column 5
  // lack a neighbour past the edge (6 + 5 = 11 of them); 16 are interpolated.
  const ConvGeometry g = Geometry(1, 8, 3, 0);
  ConvCase c(2, g, 14, false);
  const std::vector<float> image(64, -0.2f);
  KnobSettings settings;
  settings.sampling = 0.0;
  std::vector<float> out(2 * 36);
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.interpolated_outputs, 2 * 16);
  EXPECT_EQ(counts.executed_macs, 2 * (36 - 16) * 9);
}

TEST(SamplingTest, LinearRampIsInterpolatedExactly) {
  // A convolution of a linear ramp is linear in (y, x): the mean of the grid
  // neighbours is exact, so threshold 1 (interpolate whenever possible) is.
  const ConvGeometry g = Geometry(1, 9, 3, 0);
  ConvCase c(2, g, 15, false);
  std::vector<float> image(81);
  for (int y = 0; y < 9; ++y) {
    for (int x = 0; x < 9; ++x) image[y * 9 + x] = 0.1f * y - 0.05f * x;
  }
  KnobSettings settings;
  settings.sampling = 1.0;
  std::vector<float> out(2 * 49);
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.interpolated_outputs, 2 * (49 - 16));
  ExpectNear(out, ReferenceConv(c.params, g, 2, image.data(), false), 1e-5);
}

TEST(SamplingTest, ZeroThresholdOnRandomDataComputesEverything) {
  const ConvGeometry g = Geometry(2, 7, 3, 1);
  ConvCase c(3, g, 16, false);
  const std::vector<float> image = Random(17).Vector(2 * 49);
  KnobSettings settings;
  settings.sampling = 0.0;
  std::vector<float> out(3 * c.Positions());
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.interpolated_outputs, 0);
  EXPECT_EQ(counts.executed_macs, c.Macs());
  ExpectNear(out, ReferenceConv(c.params, g, 3, image.data(), false), 1e-5);
}

TEST(KnobsTogetherTest, CountsAddUp) {
  // Both input channels are constant (1 and 0.5): similarity approximates
  // both, and sampling interpolates the resulting constant maps' off-grid
  // outputs. The only MACs left are mean x kernel sum per (output, channel).
  const ConvGeometry g = Geometry(2, 7, 3, 0);
  ConvCase c(2, g, 18, false);
  std::vector<float> image(2 * 49, 1.0f);
  std::fill(image.begin() + 49, image.end(), 0.5f);
  KnobSettings settings;
  settings.similarity = 1.0;  // both channels are constant: both approximated
  settings.sampling = 0.0;
  std::vector<float> out(2 * 25);
  KnobScratch scratch;
  LayerCounts counts;
  ASSERT_TRUE(KnobbedConvForward(c.layer, settings, image.data(), out.data(), &scratch, &counts));
  EXPECT_EQ(counts.approximated_channels, 2);
  EXPECT_EQ(counts.interpolated_outputs, 2 * 16);
  EXPECT_EQ(counts.executed_macs, 2 * 2);
  ExpectNear(out, ReferenceConv(c.params, g, 2, image.data(), false), 1e-5);
}

}  // namespace
}  // namespace rcdnn::models::dyvedeep
