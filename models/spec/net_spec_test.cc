#include <gtest/gtest.h>

#include <string>

#include "common/error.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseNetSpec(text, "test.net");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(NetSpec, LeNetShapesAndMacs) {
  const NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  EXPECT_EQ(spec.name, "lenet");
  EXPECT_EQ(spec.layers.size(), 7u);
  EXPECT_EQ(FullWidths(spec), (Widths{20, 50, 500}));
  const auto shapes = InferShapes(spec, FullWidths(spec));
  EXPECT_EQ(shapes[0].out_height, 24);
  EXPECT_EQ(shapes[1].out_height, 12);
  EXPECT_EQ(shapes[2].out_height, 8);
  EXPECT_EQ(shapes[3].out_height, 4);
  EXPECT_EQ(shapes[4].in_channels * shapes[4].in_height * shapes[4].in_width, 800);
  // Caffe's LeNet: 20*25*576 + 50*20*25*64 + 800*500 + 500*10 MACs.
  EXPECT_EQ(TotalMacs(shapes), 288000 + 1600000 + 400000 + 5000);
}

TEST(NetSpec, AlexNetUsesCaffeCeilPooling) {
  const NetSpec spec = LoadNetSpec("models/spec/alexnet.net");
  const auto shapes = InferShapes(spec, FullWidths(spec));
  EXPECT_EQ(shapes[1].out_height, 16);  // ceil((32-3)/2)+1
  EXPECT_EQ(shapes.back().in_channels * shapes.back().in_height * shapes.back().in_width, 64 * 4 * 4);
  EXPECT_EQ(UniformWidths(spec, 0.25), (Widths{8, 8, 16}));
}

TEST(NetSpec, ConvNetsFitsA32x32Input) {
  const NetSpec spec = LoadNetSpec("models/spec/convnets.net");
  const auto shapes = InferShapes(spec, FullWidths(spec));
  EXPECT_EQ(shapes.back().OutputSize(), 10);
  EXPECT_EQ(FullWidths(spec), (Widths{16, 512, 20, 20}));
}

TEST(Shapes, WidthCutsOnlyOutputsAndFollowingInputs) {
  const NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  const auto shapes = InferShapes(spec, {5, 13, 125});
  EXPECT_EQ(shapes[0].out_channels, 5);
  EXPECT_EQ(shapes[2].in_channels, 5);
  EXPECT_EQ(shapes[2].macs, int64_t{13} * 5 * 25 * 64);
  EXPECT_EQ(shapes.back().out_channels, 10);  // classifier keeps its outputs
  EXPECT_EQ(shapes.back().in_channels, 125);
}

TEST(Shapes, PoolRoundingMatchesCaffe) {
  EXPECT_EQ(PoolOutputSize(32, 3, 2, 0), 16);
  EXPECT_EQ(PoolOutputSize(24, 2, 2, 0), 12);
  EXPECT_EQ(PoolOutputSize(7, 2, 2, 0), 4);   // ceil keeps the partial window
  EXPECT_EQ(PoolOutputSize(4, 2, 2, 1), 3);   // window starting in padding dropped
  EXPECT_EQ(ConvOutputSize(32, 5, 1, 2), 32);
}

TEST(Shapes, BadWidthsNameTheLayer) {
  const NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  EXPECT_THROW(InferShapes(spec, {21, 50, 500}), Error);
  EXPECT_THROW(InferShapes(spec, {20, 50}), Error);
  EXPECT_THROW(UniformWidths(spec, 0.0), Error);
  try {
    ValidateWidths(spec, {0, 50, 500});
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("conv1"), std::string::npos);
  }
}

TEST(NetSpec, UnmappableLayerIsAnError) {
  const NetSpec spec = ParseNetSpec(
      "network tiny\ninput channels=1 height=4 width=4\nconv name=c filters=2 kernel=7 stride=1 pad=0\n"
      "fc name=out outputs=2\n",
      "tiny.net");
  EXPECT_THROW(InferShapes(spec, FullWidths(spec)), Error);
}

TEST(NetSpec, MalformedSpecsGiveLineNumbers) {
  const std::string header = "network t\ninput channels=1 height=8 width=8\n";
  EXPECT_NE(ErrorOf(header + "conv name=c filters=2 kernel=3 pad=0\nfc name=o outputs=2\n")
                .find("test.net:3: conv layer 'c' is missing key 'stride'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(header + "fc name=o outputs=2\nbogus name=x\n").find("test.net:4: unknown layer type 'bogus'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(header + "fc name=o outputs=two\n").find("test.net:3:"), std::string::npos);
  EXPECT_NE(ErrorOf(header + "fc name=o outputs=2 colour=red\n").find("unknown key 'colour'"), std::string::npos);
  EXPECT_NE(ErrorOf(header + "fc name=o outputs=2\nfc name=o outputs=2\n").find("used twice"), std::string::npos);
  EXPECT_NE(ErrorOf(header + "relu name=r\n").find("last layer must be the fc classifier"), std::string::npos);
  EXPECT_NE(ErrorOf("input channels=1 height=8 width=8\n").find("test.net:1:"), std::string::npos);
  EXPECT_NE(ErrorOf("").find("empty spec"), std::string::npos);
  EXPECT_NE(ErrorOf(header + "pool name=p op=median kernel=2 stride=2 pad=0\nfc name=o outputs=2\n")
                .find("op must be 'max' or 'avg'"),
            std::string::npos);
  EXPECT_THROW(LoadNetSpec("models/spec/no_such.net"), Error);
  EXPECT_NE(ErrorOf(header + "fc name=o outputs=2 init=uniform\n").find("init must be"), std::string::npos);
  EXPECT_EQ(ParseNetSpec(header + "fc name=o outputs=2 init=gaussian:0.01\n", "t").layers[0].init, "gaussian:0.01");
}

}  // namespace
}  // namespace rcdnn::models
