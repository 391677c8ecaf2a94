// The CUDA path's plan run on the host (host_steps.h), on every machine: the
// device buffers, im2col and pooling arithmetic, and cuBLAS shapes, leading
// dimensions and strides give the CPU engine's logits for every network, and
// a plan that would overrun a device buffer or break cuBLAS's rules is caught.
#include "gpu/host_steps.h"

#include <string>

#include <gtest/gtest.h>

#include "common/error.h"
#include "gpu/gpu_network.h"
#include "gpu/test_nets.h"
#include "models/engine/network.h"

namespace rcdnn::gpu {
namespace {

using test_nets::ExpectLogitsNear;
using test_nets::TestImages;
using test_nets::TestParams;
using test_nets::WidthsToTest;

// Compares the host-run plan with the CPU engine on n of `images`.
void ExpectSameAsCpu(const models::NetSpec& spec, const models::NetParams& params, const std::vector<float>& images,
                     HostSteps* steps, const models::Widths& widths, int head, int n) {
  SCOPED_TRACE(spec.name + " " + models::WidthsToString(widths) + " head " + std::to_string(head) + " n " +
               std::to_string(n));
  const models::Network cpu(spec);
  models::Workspace workspace;
  models::RowMatrix expected(n, spec.NumClasses());
  cpu.Forward(params, images.data(), n, widths, head, &workspace, expected);
  std::vector<float> logits(n * spec.NumClasses());
  steps->Forward(PlanForward(spec, widths, head), images.data(), n, logits.data());
  ExpectLogitsNear(logits, expected);
}

class HostStepsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HostStepsTest, MatchesTheCpuEngine) {
  const models::NetSpec spec = models::LoadNetSpec("models/spec/" + GetParam() + ".net");
  const int heads = 3, max_batch = 5;
  const models::NetParams params = TestParams(spec, heads);
  const std::vector<float> images = TestImages(spec, max_batch);
  HostSteps steps(TensorsOf(params), SizesFor(spec, max_batch));
  for (const models::Widths& widths : WidthsToTest(spec)) {
    for (int n : {1, max_batch}) ExpectSameAsCpu(spec, params, images, &steps, widths, 0, n);
  }
  for (int head = 1; head < heads; ++head) {
    ExpectSameAsCpu(spec, params, images, &steps, models::FullWidths(spec), head, max_batch);
  }
}

INSTANTIATE_TEST_SUITE_P(Networks, HostStepsTest, ::testing::Values("lenet", "alexnet", "convnets"));

// The paths the three networks do not take: a strided, padded conv; average
// pooling with padding (the divisor clipped to the padded input); a ReLU
// after a pool (not fused); a 1x1 stride-1 conv (GEMM on the input, no im2col).
TEST(HostStepsTest, CoversStridesPaddingOneByOneConvAndUnfusedRelu) {
  const models::NetSpec spec = models::ParseNetSpec(
      "network probe\n"
      "input channels=3 height=11 width=9\n"
      "conv name=c1 filters=8 kernel=3 stride=2 pad=1\n"
      "pool name=p1 op=avg kernel=3 stride=2 pad=1\n"
      "relu name=r1\n"
      "conv name=c2 filters=6 kernel=1 stride=1 pad=0\n"
      "relu name=r2\n"
      "pool name=p2 op=max kernel=2 stride=1 pad=0\n"
      "fc name=out outputs=4\n",
      "probe");
  const std::vector<DeviceOp> ops = PlanForward(spec, models::FullWidths(spec), 0);
  ASSERT_EQ(ops.size(), 6u);  // c1, p1, r1, c2(+r2), p2, out
  EXPECT_EQ(ops[2].kind, OpKind::kRelu);
  EXPECT_TRUE(ops[3].fused_relu);
  const models::NetParams params = TestParams(spec, 2);
  const std::vector<float> images = TestImages(spec, 3);
  HostSteps steps(TensorsOf(params), SizesFor(spec, 3));
  for (const models::Widths& widths : WidthsToTest(spec)) {
    for (int n : {1, 3}) ExpectSameAsCpu(spec, params, images, &steps, widths, 1, n);
  }
}

// The checks are worth something only if they fire: plans that would read
// past a device buffer, or that cuBLAS would refuse, are errors that say so.
TEST(HostStepsTest, CatchesPlansThatWouldOverrunOrBreakCublasRules) {
  const models::NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  const models::NetParams params = TestParams(spec, 1);
  HostSteps steps(TensorsOf(params), SizesFor(spec, 2));
  const std::vector<float> images = TestImages(spec, 3);
  std::vector<float> logits(3 * 10);
  const std::vector<DeviceOp> plan = PlanForward(spec, models::FullWidths(spec), 0);
  auto expect_error = [&](const std::vector<DeviceOp>& ops, int n, const std::string& words) {
    try {
      steps.Forward(ops, images.data(), n, logits.data());
      ADD_FAILURE() << "no error; expected one with '" << words << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  std::vector<DeviceOp> ops = plan;
  ops[0].out_channels = 21;  // one filter more than conv1 has: reads past its weights
  expect_error(ops, 1, "overrun buffer 'weights 0'");
  ops = plan;
  ops[2].in_channels = 21;  // conv2's K = 21*25 > its 20*25 weight columns: ldb < k
  expect_error(ops, 1, "leading dimension");
  ops = plan;
  ops[0].out_height = 40;  // a bigger conv output: its im2col matrix no longer fits
  ops[0].out_width = 40;
  expect_error(ops, 2, "overrun buffer 'im2col'");
  ops = plan;
  ops[1].out_height = 40;  // a bigger pool output than the activation buffers hold
  ops[1].out_width = 40;
  expect_error(ops, 2, "overrun buffer 'pong'");
  ops = plan;
  ops.pop_back();  // ends at ip1: 500 values per image, not 10 logits
  expect_error(ops, 1, "not 10 logits");
  ops = plan;
  ops[4].tensor = 9;  // no such tensor
  expect_error(ops, 1, "tensor 9");
  expect_error(plan, 3, "batch 3 outside [1, 2]");
}

}  // namespace
}  // namespace rcdnn::gpu
