// The host side of the GPU path, which needs no device: how a spec and widths
// become device ops, buffer sizes and tensor views.
#include "gpu/gpu_network.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::gpu {
namespace {

using models::LoadNetSpec;
using models::UniformWidths;

TEST(PlanForwardTest, LeNetAtHalfWidthFusesTheReluAfterIp1) {
  const models::NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  const std::vector<DeviceOp> ops = PlanForward(spec, UniformWidths(spec, 0.5), /*head=*/2);
  // conv1, pool1, conv2, pool2, ip1(+relu1), ip2
  ASSERT_EQ(ops.size(), 6u);
  EXPECT_EQ(ops[0].kind, OpKind::kConv);
  EXPECT_EQ(ops[0].tensor, 0);
  EXPECT_EQ(ops[0].in_channels, 1);
  EXPECT_EQ(ops[0].out_channels, 10);
  EXPECT_EQ(ops[0].out_height, 24);
  EXPECT_EQ(ops[0].kernel, 5);
  EXPECT_FALSE(ops[0].fused_relu);
  EXPECT_EQ(ops[1].kind, OpKind::kMaxPool);
  EXPECT_EQ(ops[1].out_height, 12);
  EXPECT_EQ(ops[2].tensor, 1);
  EXPECT_EQ(ops[2].in_channels, 10);
  EXPECT_EQ(ops[2].out_channels, 25);
  EXPECT_EQ(ops[4].kind, OpKind::kFc);
  EXPECT_EQ(ops[4].tensor, 2);
  EXPECT_EQ(ops[4].in_channels, 25);
  EXPECT_EQ(ops[4].in_height, 4);
  EXPECT_EQ(ops[4].out_channels, 250);
  EXPECT_TRUE(ops[4].fused_relu);
  EXPECT_EQ(ops[5].kind, OpKind::kFc);
  EXPECT_EQ(ops[5].tensor, 3 + 2);  // three sliced layers, then head 2
  EXPECT_EQ(ops[5].in_channels, 250);
  EXPECT_EQ(ops[5].out_channels, 10);
  EXPECT_FALSE(ops[5].fused_relu);
}

TEST(PlanForwardTest, AlexNetKeepsTheReluAfterPool1AsAnOp) {
  const models::NetSpec spec = LoadNetSpec("models/spec/alexnet.net");
  const std::vector<DeviceOp> ops = PlanForward(spec, UniformWidths(spec, 0.25), 0);
  // conv1, pool1, relu1, conv2(+relu2), pool2, conv3(+relu3), pool3, ip1
  ASSERT_EQ(ops.size(), 8u);
  EXPECT_EQ(ops[1].kind, OpKind::kMaxPool);
  EXPECT_EQ(ops[1].out_height, 16);
  EXPECT_EQ(ops[2].kind, OpKind::kRelu);
  EXPECT_EQ(ops[2].out_channels, 8);
  EXPECT_TRUE(ops[3].fused_relu);
  EXPECT_EQ(ops[3].pad, 2);
  EXPECT_EQ(ops[4].kind, OpKind::kAvgPool);
  EXPECT_EQ(ops[4].kernel, 3);
  EXPECT_EQ(ops[4].stride, 2);
  EXPECT_EQ(ops[7].tensor, 3);
  EXPECT_EQ(ops[7].in_channels * ops[7].in_height * ops[7].in_width, 16 * 4 * 4);
}

TEST(PlanForwardTest, RefusesBadWidthsAndHeads) {
  const models::NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  EXPECT_THROW(PlanForward(spec, {20, 50}, 0), Error);         // one width short
  EXPECT_THROW(PlanForward(spec, {21, 50, 500}, 0), Error);    // above full width
  EXPECT_THROW(PlanForward(spec, UniformWidths(spec, 1), -1), Error);
}

TEST(SizesForTest, LargestFullWidthBuffers) {
  const models::NetSpec spec = LoadNetSpec("models/spec/convnets.net");
  const DeviceNetSizes sizes = SizesFor(spec, 64);
  EXPECT_EQ(sizes.max_batch, 64);
  EXPECT_EQ(sizes.input_floats, 3 * 32 * 32);
  EXPECT_EQ(sizes.classes, 10);
  EXPECT_EQ(sizes.max_activation_floats, 512 * 8 * 8);    // conv2's output (conv1's: 16 x 28 x 28)
  EXPECT_EQ(sizes.max_col_floats, 512 * 5 * 5 * 4 * 4);   // conv3's im2col: 512 channels x 5x5 x 4x4 pixels
}

TEST(TensorsOfTest, SlicedLayersThenHeadsAsViews) {
  const models::NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  models::NetParams params = models::ZerosLike(spec, 4);
  const std::vector<TensorView> tensors = TensorsOf(params);
  ASSERT_EQ(tensors.size(), 3u + 4u);
  EXPECT_EQ(tensors[0].weights, params.sliced[0].weights.data());
  EXPECT_EQ(tensors[0].rows, 20);
  EXPECT_EQ(tensors[0].cols, 25);
  EXPECT_EQ(tensors[2].rows, 500);
  EXPECT_EQ(tensors[2].cols, 50 * 4 * 4);
  EXPECT_EQ(tensors[6].weights, params.heads[3].weights.data());
  EXPECT_EQ(tensors[6].bias, params.heads[3].bias.data());
  EXPECT_EQ(tensors[6].rows, 10);
  EXPECT_EQ(tensors[6].cols, 500);
}

TEST(QueryDeviceTest, AnUnusableDeviceComesWithAReason) {
  const DeviceInfo device = QueryDevice();
  std::printf("built with CUDA: %s; device usable: %s%s%s\n", BuiltWithCuda() ? "yes" : "no",
              device.usable ? "yes" : "no", device.usable ? "" : " - ", device.reason.c_str());
  if (!device.usable) {
    EXPECT_FALSE(device.reason.empty());
    EXPECT_THROW(GpuNetwork(LoadNetSpec("models/spec/lenet.net"),
                            models::ZerosLike(LoadNetSpec("models/spec/lenet.net"), 1), 1),
                 Error);
  }
  if (!BuiltWithCuda()) {
    EXPECT_NE(device.reason.find("no CUDA"), std::string::npos);
  }
}

}  // namespace
}  // namespace rcdnn::gpu
