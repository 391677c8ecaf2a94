// The CUDA forward path against the CPU engine, on the device when there is
// one: logits within float tolerance for every network at several widths
// (tail widths included), heads and batch sizes; the weights uploaded once.
// Without a usable device every test is skipped with the reason.
#include <gtest/gtest.h>

#include "common/error.h"
#include "gpu/device_net.h"
#include "gpu/gpu_network.h"
#include "gpu/test_nets.h"
#include "models/engine/network.h"

namespace rcdnn::gpu {
namespace {

#define SKIP_WITHOUT_DEVICE()                                                  \
  do {                                                                         \
    const DeviceInfo device = QueryDevice();                                   \
    if (!device.usable) GTEST_SKIP() << "no usable CUDA device: " << device.reason; \
  } while (0)

using test_nets::ExpectLogitsNear;
using test_nets::TestImages;
using test_nets::TestParams;
using test_nets::WidthsToTest;

class GpuForwardTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GpuForwardTest, MatchesTheCpuEngine) {
  SKIP_WITHOUT_DEVICE();
  const models::NetSpec spec = models::LoadNetSpec("models/spec/" + GetParam() + ".net");
  const int heads = 3, max_batch = 5;
  const models::NetParams params = TestParams(spec, heads);
  const std::vector<float> images = TestImages(spec, max_batch);
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
        ExpectLogitsNear(logits, expected);
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
  for (const TensorView& t : TensorsOf(params)) bytes += int64_t{4} * t.rows * (t.cols + 1);
  GpuNetwork gpu(spec, params, 2);
  EXPECT_EQ(gpu.uploaded_bytes(), bytes);
  const std::vector<float> images = TestImages(spec, 2);
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
  const std::vector<float> images = TestImages(spec, 4);
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
  const std::vector<float> images = TestImages(spec, 4);
  std::vector<float> logits(40);
  const models::Widths widths = models::FullWidths(spec);
  EXPECT_THROW(gpu.Forward(images.data(), 1, widths, 2, logits.data()), Error);
  EXPECT_THROW(gpu.Forward(images.data(), 4, widths, 0, logits.data()), Error);  // above max_batch
}

}  // namespace
}  // namespace rcdnn::gpu
