// Whole-network gradients against central differences of the double-precision
// reference network, at several widths, and the contract that only the active
// blocks of grads are written.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/engine/network.h"
#include "models/engine/reference_layers.h"
#include "models/engine/test_util.h"

namespace rcdnn::models {
namespace {

using testing::CentralDifference;
using testing::CheckedIndices;
using testing::GradientNear;
using testing::Random;
using testing::RandomParams;

// Every layer kind and the interesting placements: strided padded conv, max
// pool with padding and ceil rounding followed by a separate (in-place) ReLU,
// a conv with a fused ReLU, an average pool whose padding counts in the
// divisor, an fc with a fused ReLU, and the classifier.
constexpr char kTinySpec[] = R"(
network tiny
input channels=2 height=9 width=9
conv name=conv1 filters=5 kernel=3 stride=2 pad=1
pool name=pool1 op=max kernel=3 stride=2 pad=1
relu name=relu1
conv name=conv2 filters=4 kernel=2 stride=1 pad=0
relu name=relu2
pool name=pool2 op=avg kernel=2 stride=1 pad=1
fc   name=ip1 outputs=6
relu name=relu3
fc   name=ip2 outputs=3
)";

constexpr float kSentinel = 0.375f;

// Checks ForwardBackward's loss and every checked active gradient against the
// reference, and that everything outside the active blocks still holds the
// sentinel. At most `max_checks` entries per tensor.
void CheckNetworkGradients(const NetSpec& spec, const Widths& widths, int threads, int n, int64_t max_checks) {
  SCOPED_TRACE(spec.name + " widths " + WidthsToString(widths) + " threads " + std::to_string(threads));
  const int num_heads = 2, head = 1;
  const NetParams params = RandomParams(spec, num_heads, 7);
  Random random(8);
  const int64_t image_size = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  const std::vector<float> images = random.Vector(n * image_size);
  std::vector<uint8_t> labels(n);
  for (int i = 0; i < n; ++i) labels[i] = static_cast<uint8_t>(random.Int(spec.NumClasses()));

  EngineOptions options;
  options.threads = threads;
  const Network network(spec, options);
  Workspace workspace;
  NetParams grads = ZerosLike(spec, num_heads);
  auto fill = [](LayerParams* layer) {
    layer->weights.setConstant(kSentinel);
    layer->bias.setConstant(kSentinel);
  };
  for (LayerParams& layer : grads.sliced) fill(&layer);
  for (LayerParams& layer : grads.heads) fill(&layer);
  const double loss =
      network.ForwardBackward(params, images.data(), labels.data(), n, widths, head, &workspace, &grads);

  RefNetParams<double> ref = CastParams<double>(params);
  const std::vector<double> ref_images(images.begin(), images.end());
  auto mean_loss = [&] { return ReferenceMeanLoss(spec, ref, ref_images.data(), labels.data(), n, widths, head); };
  EXPECT_NEAR(loss, mean_loss(), 1e-5 * (1 + std::abs(loss)));

  const std::vector<LayerShape> shapes = InferShapes(spec, widths);
  auto check_layer = [&](int layer_index, const LayerParams& grad, RefLayerParams<double>* ref_layer,
                         const std::string& name) {
    const LayerSpec& layer = spec.layers[layer_index];
    const LayerShape& shape = shapes[layer_index];
    const int rows = shape.out_channels;
    const int cols = layer.kind == LayerKind::kConv ? shape.in_channels * layer.kernel * layer.kernel
                                                    : static_cast<int>(shape.InputSize());
    for (int64_t index : CheckedIndices(int64_t{rows} * cols, max_checks, layer_index)) {
      const int r = static_cast<int>(index / cols), k = static_cast<int>(index % cols);
      EXPECT_TRUE(GradientNear(grad.weights(r, k), CentralDifference(&ref_layer->weights(r, k), mean_loss), 2e-5, 2e-3))
          << name << " weight " << r << "," << k;
    }
    for (int r = 0; r < rows; ++r) {
      EXPECT_TRUE(GradientNear(grad.bias(r), CentralDifference(&ref_layer->bias(r), mean_loss), 2e-5, 2e-3))
          << name << " bias " << r;
    }
    for (int r = 0; r < grad.weights.rows(); ++r) {
      for (int k = 0; k < grad.weights.cols(); ++k) {
        if (r < rows && k < cols) continue;
        ASSERT_EQ(grad.weights(r, k), kSentinel) << name << " inactive weight " << r << "," << k;
      }
    }
    for (int r = rows; r < grad.bias.size(); ++r) ASSERT_EQ(grad.bias(r), kSentinel) << name << " inactive bias " << r;
  };
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  for (size_t j = 0; j < sliced.size(); ++j) {
    check_layer(sliced[j], grads.sliced[j], &ref.sliced[j], spec.layers[sliced[j]].name);
  }
  check_layer(spec.ClassifierIndex(), grads.heads[head], &ref.heads[head], "head");
  // The other head is untouched.
  EXPECT_TRUE((grads.heads[0].weights.array() == kSentinel).all());
  EXPECT_TRUE((grads.heads[0].bias.array() == kSentinel).all());
}

TEST(NetworkGradientTest, TinyNetAtSeveralWidths) {
  const NetSpec spec = ParseNetSpec(kTinySpec, "tiny");
  for (const Widths& widths : {Widths{5, 4, 6}, Widths{1, 1, 1}, Widths{3, 2, 5}, Widths{1, 4, 1}}) {
    CheckNetworkGradients(spec, widths, 1, 3, 1000);
  }
}

TEST(NetworkGradientTest, TinyNetTwoThreads) {
  const NetSpec spec = ParseNetSpec(kTinySpec, "tiny");
  CheckNetworkGradients(spec, Widths{3, 3, 5}, 2, 5, 1000);
}

TEST(NetworkGradientTest, LeNetAtANarrowWidth) {
  const NetSpec spec = testing::LoadSpec("lenet");
  CheckNetworkGradients(spec, Widths{3, 5, 7}, 1, 2, 300);
  CheckNetworkGradients(spec, Widths{1, 17, 16}, 2, 2, 150);
}

}  // namespace
}  // namespace rcdnn::models
