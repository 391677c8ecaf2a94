// Sub-networks: the fast forward against the naive reference network at
// several widths, and width equivalence — a width-w run equals the full-width
// run with the surplus channels zeroed (forward and gradients).
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/engine/network.h"
#include "models/engine/reference_layers.h"
#include "models/engine/test_util.h"

namespace rcdnn::models {
namespace {

using testing::LoadSpec;
using testing::Random;
using testing::RandomParams;

std::vector<Widths> WidthsToTest(const NetSpec& spec) {
  std::vector<Widths> all;
  for (double fraction : {0.25, 0.5, 0.75, 1.0}) all.push_back(UniformWidths(spec, fraction));
  Widths odd;  // per-layer odd widths, one of them a single channel
  const Widths full = FullWidths(spec);
  for (size_t j = 0; j < full.size(); ++j) odd.push_back(j == 0 ? 1 : (full[j] / 3) | 1);
  all.push_back(odd);
  return all;
}

// Zeroes the channels a width-`widths` sub-network leaves out: rows (and
// biases) beyond each sliced layer's width, and the matching input columns of
// the next weighted layer (or of every head).
NetParams ZeroSurplus(const NetSpec& spec, const NetParams& params, const Widths& widths) {
  NetParams zeroed = params;
  const std::vector<LayerShape> shapes = InferShapes(spec, widths);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  for (size_t j = 0; j < sliced.size(); ++j) {
    LayerParams& layer = zeroed.sliced[j];
    layer.weights.bottomRows(layer.weights.rows() - widths[j]).setZero();
    layer.bias.tail(layer.bias.size() - widths[j]).setZero();
  }
  auto zero_inputs = [&](int layer_index, LayerParams* layer) {
    const LayerSpec& spec_layer = spec.layers[layer_index];
    const LayerShape& shape = shapes[layer_index];
    const int per_channel = spec_layer.kind == LayerKind::kConv ? spec_layer.kernel * spec_layer.kernel
                                                                : shape.in_height * shape.in_width;
    const int keep = shape.in_channels * per_channel;
    layer->weights.rightCols(layer->weights.cols() - keep).setZero();
  };
  for (size_t j = 1; j < sliced.size(); ++j) zero_inputs(sliced[j], &zeroed.sliced[j]);
  for (LayerParams& head : zeroed.heads) zero_inputs(spec.ClassifierIndex(), &head);
  return zeroed;
}

double MaxAbs(const RowMatrix& m) { return m.cwiseAbs().maxCoeff(); }

class NetworkWidthTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NetworkWidthTest, ForwardMatchesReferenceNetwork) {
  const NetSpec spec = LoadSpec(GetParam());
  const NetParams params = RandomParams(spec, 2, 3);
  const RefNetParams<double> ref = CastParams<double>(params);
  const int n = 2;
  const int64_t image_size = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  Random random(4);
  const std::vector<float> images = random.Vector(n * image_size);
  const Network network(spec);
  Workspace workspace;
  for (const Widths& widths : WidthsToTest(spec)) {
    SCOPED_TRACE(WidthsToString(widths));
    RowMatrix logits(n, spec.NumClasses());
    network.Forward(params, images.data(), n, widths, 1, &workspace, logits);
    for (int i = 0; i < n; ++i) {
      const std::vector<double> image(images.begin() + i * image_size, images.begin() + (i + 1) * image_size);
      const std::vector<double> expected = ReferenceForward(spec, ref, image.data(), widths, 1);
      for (int c = 0; c < spec.NumClasses(); ++c) {
        EXPECT_NEAR(logits(i, c), expected[c], 1e-5 * (1 + std::abs(expected[c]))) << i << "," << c;
      }
    }
  }
}

TEST_P(NetworkWidthTest, SlicedRunEqualsFullRunWithSurplusZeroed) {
  const NetSpec spec = LoadSpec(GetParam());
  const NetParams params = RandomParams(spec, 2, 5);
  const int n = 3;
  const int64_t image_size = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  Random random(6);
  const std::vector<float> images = random.Vector(n * image_size);
  const std::vector<uint8_t> labels = {0, 3, 9};
  const Network network(spec);
  Workspace workspace;
  const Widths full = FullWidths(spec);
  for (const Widths& widths : WidthsToTest(spec)) {
    SCOPED_TRACE(WidthsToString(widths));
    const NetParams zeroed = ZeroSurplus(spec, params, widths);
    RowMatrix sliced_logits(n, spec.NumClasses()), full_logits(n, spec.NumClasses());
    network.Forward(params, images.data(), n, widths, 0, &workspace, sliced_logits);
    network.Forward(zeroed, images.data(), n, full, 0, &workspace, full_logits);
    EXPECT_LE((sliced_logits - full_logits).cwiseAbs().maxCoeff(), 1e-5 * (1 + MaxAbs(full_logits)));

    // Gradients: the sliced run's active blocks equal the zeroed full run's,
    // and the zeroed full run has zero gradient outside them.
    NetParams sliced_grads = ZerosLike(spec, 2), full_grads = ZerosLike(spec, 2);
    const double sliced_loss =
        network.ForwardBackward(params, images.data(), labels.data(), n, widths, 0, &workspace, &sliced_grads);
    const double full_loss =
        network.ForwardBackward(zeroed, images.data(), labels.data(), n, full, 0, &workspace, &full_grads);
    EXPECT_NEAR(sliced_loss, full_loss, 1e-5 * (1 + full_loss));
    for (size_t j = 0; j < full_grads.sliced.size(); ++j) {
      const double scale = 1e-5 * (1e-3 + MaxAbs(full_grads.sliced[j].weights));
      EXPECT_LE(MaxAbs(sliced_grads.sliced[j].weights - full_grads.sliced[j].weights), scale) << "layer " << j;
      EXPECT_LE((sliced_grads.sliced[j].bias - full_grads.sliced[j].bias).cwiseAbs().maxCoeff(),
                1e-5 * (1e-3 + full_grads.sliced[j].bias.cwiseAbs().maxCoeff()))
          << "layer " << j;
    }
    EXPECT_LE(MaxAbs(sliced_grads.heads[0].weights - full_grads.heads[0].weights),
              1e-5 * (1e-3 + MaxAbs(full_grads.heads[0].weights)));
  }
}

INSTANTIATE_TEST_SUITE_P(Specs, NetworkWidthTest, ::testing::Values("lenet", "alexnet", "convnets"));

}  // namespace
}  // namespace rcdnn::models
