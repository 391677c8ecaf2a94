// The CUDA forward path against the CPU engine, on the device when there is
// one: logits within float tolerance for every network at several widths
// (tail widths included), heads and batch sizes; the weights uploaded once.
// Without a usable device every test is skipped with the reason.
#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "common/error.h"
#include "gpu/device_net.h"
#include "gpu/gpu_network.h"
#include "models/engine/network.h"

namespace rcdnn::gpu {
namespace {

#define SKIP_WITHOUT_DEVICE()                                                  \
  do {                                                                         \
    const DeviceInfo device = QueryDevice();                                   \
    if (!device.usable) GTEST_SKIP() << "no usable CUDA device: " << device.reason; \
  } while (0)

// Weights uniform in +-sqrt(3 / fan_in) and biases in +-0.1 (InitParams's
// biases are zero and alexnet's conv1 gaussian is tiny: neither would test
// much), from a fixed seed.
models::NetParams TestParams(const models::NetSpec& spec, int heads) {
  models::NetParams params = models::ZerosLike(spec, heads);
  std::mt19937_64 rng(5);
  auto fill = [&](models::LayerParams* layer) {
    const float scale = std::sqrt(3.0f / static_cast<float>(layer->weights.cols()));
    for (int64_t i = 0; i < layer->weights.size(); ++i) {
      layer->weights.data()[i] = scale * (static_cast<float>(rng() >> 40) / 8388608.0f - 1.0f);
    }
    for (int64_t i = 0; i < layer->bias.size(); ++i) {
      layer->bias[i] = 0.1f * (static_cast<float>(rng() >> 40) / 8388608.0f - 1.0f);
    }
  };
  for (models::LayerParams& layer : params.sliced) fill(&layer);
  for (models::LayerParams& layer : params.heads) fill(&layer);
  return params;
}

std::vector<float> Images(const models::NetSpec& spec, int n) {
  std::mt19937_64 rng(9);
  std::vector<float> images(int64_t{n} * spec.input_channels * spec.input_height * spec.input_width);
  for (float& v : images) v = static_cast<float>(rng() >> 40) / 8388608.0f - 1.0f;
  return images;
}

std::vector<models::Widths> WidthsToTest(const models::NetSpec& spec) {
  std::vector<models::Widths> all;
  for (double fraction : {0.25, 0.5, 0.75, 1.0}) all.push_back(models::UniformWidths(spec, fraction));
  models::Widths odd;  // tail widths: one channel, then odd counts
  const models::Widths full = models::FullWidths(spec);
  for (size_t j = 0; j < full.size(); ++j) odd.push_back(j == 0 ? 1 : (full[j] / 3) | 1);
  all.push_back(odd);
  return all;
}

class GpuForwardTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GpuForwardTest, MatchesTheCpuEngine) {
  SKIP_WITHOUT_DEVICE();
  const models::NetSpec spec = models::LoadNetSpec("models/spec/" + GetParam() + ".net");
  const int heads = 3, max_batch = 5;
  const models::NetParams params = TestParams(spec, heads);
  const std::vector<float> images = Images(spec, max_batch);
  const models::Network cpu(spec);
  models::Workspace workspace;
  GpuNetwork gpu(spec, params, max_batch);
  const int classes = spec.NumClasses();
  for (const models::Widths& widths : WidthsToTest(spec)) {
    for (int head = 0; head < heads; ++head) {
      for (int n : {1, max_batch}) {
        SCOPED_TRACE(models::WidthsToString(widths) + " head " + std::to_string(head) + " n " + std::to_string(n));
        models::RowMatrix expected(n, classes);
        cpu.Forward(params, images.data(), n, widths, head, &workspace, expected);
        std::vector<float> logits(n * classes);
        gpu.Forward(images.data(), n, widths, head, logits.data());
        const float scale = std::max(1.0f, expected.cwiseAbs().maxCoeff());
        for (int i = 0; i < n; ++i) {
          for (int c = 0; c < classes; ++c) {
            EXPECT_NEAR(logits[i * classes + c], expected(i, c), 1e-4f * scale) << "image " << i << " class " << c;
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Networks, GpuForwardTest, ::testing::Values("lenet", "alexnet", "convnets"));

TEST(GpuNetworkTest, UploadsTheWeightsOnceForEveryIncrement) {
  SKIP_WITHOUT_DEVICE();
  const models::NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  const models::NetParams params = TestParams(spec, 4);
  int64_t bytes = 0;
  for (const HostTensor& t : TensorsOf(params)) bytes += int64_t{4} * t.rows * (t.cols + 1);
  GpuNetwork gpu(spec, params, 2);
  EXPECT_EQ(gpu.uploaded_bytes(), bytes);
  const std::vector<float> images = Images(spec, 2);
  std::vector<float> logits(2 * 10);
  for (double fraction : {0.25, 0.5, 0.75, 1.0}) {
    gpu.Forward(images.data(), 2, models::UniformWidths(spec, fraction), 0, logits.data());
  }
  EXPECT_EQ(gpu.uploaded_bytes(), bytes);  // running increments uploads nothing more
}

TEST(GpuNetworkTest, TimesAndRunsWithoutChangingResults) {
  SKIP_WITHOUT_DEVICE();
  const models::NetSpec spec = models::LoadNetSpec("models/spec/alexnet.net");
  const models::NetParams params = TestParams(spec, 1);
  GpuNetwork gpu(spec, params, 4);
  const std::vector<float> images = Images(spec, 4);
  const models::Widths widths = models::UniformWidths(spec, 0.5);
  std::vector<float> before(40), after(40);
  gpu.Forward(images.data(), 4, widths, 0, before.data());
  const std::vector<double> samples = gpu.TimeForwards(images.data(), 4, widths, 0, 2, 7);
  ASSERT_EQ(samples.size(), 7u);
  for (double us : samples) EXPECT_GT(us, 0);
  EXPECT_GE(gpu.RunFor(images.data(), 1, widths, 0, 0.01), 1);
  gpu.Forward(images.data(), 4, widths, 0, after.data());
  EXPECT_EQ(before, after);
}

TEST(GpuNetworkTest, RefusesBadHeadsAndBatches) {
  SKIP_WITHOUT_DEVICE();
  const models::NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  GpuNetwork gpu(spec, TestParams(spec, 2), 3);
  const std::vector<float> images = Images(spec, 4);
  std::vector<float> logits(40);
  const models::Widths widths = models::FullWidths(spec);
  EXPECT_THROW(gpu.Forward(images.data(), 1, widths, 2, logits.data()), Error);
  EXPECT_THROW(gpu.Forward(images.data(), 4, widths, 0, logits.data()), Error);  // above max_batch
}

}  // namespace
}  // namespace rcdnn::gpu
