#include "models/dyvedeep/knobbed_network.h"

#include <cstring>

#include <gtest/gtest.h>

#include "common/error.h"
#include "models/dyvedeep/test_util.h"
#include "models/engine/network.h"
#include "models/train/test_net.h"

namespace rcdnn::models::dyvedeep {
namespace {

using testing::Random;
using testing::RandomParams;

NetSpec Spec(const std::string& name) {
  return name == "tiny" ? models::testing::TinySpec() : LoadNetSpec("models/spec/" + name + ".net");
}

std::vector<float> Images(const NetSpec& spec, int n, uint64_t seed) {
  return Random(seed).Vector(int64_t{n} * spec.input_channels * spec.input_height * spec.input_width);
}

// Bitwise equality (EXPECT_EQ on floats would also accept -0 == +0).
void ExpectSameBits(const RowMatrix& a, const RowMatrix& b) {
  ASSERT_EQ(a.rows(), b.rows());
  ASSERT_EQ(a.cols(), b.cols());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), sizeof(float) * a.size()), 0) << a << "\nvs\n" << b;
}

struct OffCase {
  std::string spec;
  double fraction;
  int n;
};

class OffIsBitIdenticalTest : public ::testing::TestWithParam<OffCase> {};

TEST_P(OffIsBitIdenticalTest, SameLogitsAsTheEngine) {
  const OffCase& c = GetParam();
  const NetSpec spec = Spec(c.spec);
  const NetParams params = RandomParams(spec, 3, 21);
  const std::vector<float> images = Images(spec, c.n, 22);
  const Widths widths = UniformWidths(spec, c.fraction);
  const KnobbedNetwork knobbed(spec, params);
  const Network engine(spec, EngineOptions{1});
  for (int head : {0, 2}) {
    RowMatrix want(c.n, spec.NumClasses()), got(c.n, spec.NumClasses());
    Workspace workspace;
    engine.Forward(params, images.data(), c.n, widths, head, &workspace, want);
    KnobWorkspace knob_workspace;
    KnobStats stats;
    knobbed.Forward(images.data(), c.n, widths, head, KnobSettings{}, &knob_workspace, &stats, got);
    ExpectSameBits(got, want);
    EXPECT_EQ(stats.images, c.n);
    EXPECT_EQ(stats.TotalMacs(), TotalMacs(InferShapes(spec, widths)) * c.n);
    EXPECT_EQ(stats.ExecutedMacs(), stats.TotalMacs());
  }
}

INSTANTIATE_TEST_SUITE_P(Specs, OffIsBitIdenticalTest,
                         ::testing::Values(OffCase{"tiny", 1.0, 5}, OffCase{"tiny", 0.4, 3}, OffCase{"lenet", 1.0, 3},
                                           OffCase{"lenet", 0.3, 2}, OffCase{"alexnet", 1.0, 2},
                                           OffCase{"alexnet", 0.55, 1}, OffCase{"convnets", 0.25, 2}),
                         [](const ::testing::TestParamInfo<OffCase>& info) {
                           return info.param.spec + "_" + std::to_string(static_cast<int>(info.param.fraction * 100)) +
                                  "_n" + std::to_string(info.param.n);
                         });

TEST(OffIsBitIdenticalTest, BatchOfOneMatchesAnEngineWithManyThreads) {
  const NetSpec spec = Spec("lenet");
  const NetParams params = RandomParams(spec, 1, 23);
  const std::vector<float> images = Images(spec, 1, 24);
  const Widths widths = UniformWidths(spec, 0.5);
  RowMatrix want(1, 10), got(1, 10);
  Workspace workspace;
  Network(spec, EngineOptions{3}).Forward(params, images.data(), 1, widths, 0, &workspace, want);
  KnobWorkspace knob_workspace;
  KnobbedNetwork(spec, params).Forward(images.data(), 1, widths, 0, KnobSettings{}, &knob_workspace, nullptr, got);
  ExpectSameBits(got, want);
}

TEST(OffIsBitIdenticalTest, SimilarityThatFindsNoConstantChannelIsBitIdentical) {
  // LeNet has no ReLU before conv2, so on random images no conv input
  // channel is constant: with threshold 0 the knob is on but never acts, and
  // every image goes through the engine's layers. (In ALEXnet a channel that
  // ReLU zeroes everywhere IS constant, and is rightly approximated.)
  // One image per call: a knobbed convolution runs image by image, while the
  // engine puts a batch's images side by side in one GEMM, whose rounding
  // depends on the column count.
  const NetSpec spec = Spec("lenet");
  const NetParams params = RandomParams(spec, 1, 25);
  const std::vector<float> images = Images(spec, 2, 26);
  const Widths widths = FullWidths(spec);
  const int64_t image_floats = int64_t{spec.input_channels} * spec.input_height * spec.input_width;
  const Network engine(spec);
  const KnobbedNetwork knobbed(spec, params);
  Workspace workspace;
  KnobWorkspace knob_workspace;
  KnobStats stats;
  for (int i = 0; i < 2; ++i) {
    RowMatrix want(1, 10), got(1, 10);
    engine.Forward(params, images.data() + i * image_floats, 1, widths, 0, &workspace, want);
    knobbed.Forward(images.data() + i * image_floats, 1, widths, 0, ParseKnobSettings("sim=0"), &knob_workspace,
                    &stats, got);
    ExpectSameBits(got, want);
  }
  EXPECT_EQ(stats.images, 2);
  EXPECT_EQ(stats.ExecutedMacs(), stats.TotalMacs());
}

TEST(KnobbedNetworkTest, ProvableSaturationKeepsLogitsAndSkipsWork) {
  // sat=1 stops only provably negative ReLU neurons: logits equal the
  // engine's up to float rounding, and ReLU layers skip work.
  const NetSpec spec = Spec("convnets");
  const NetParams params = RandomParams(spec, 1, 27);
  const std::vector<float> images = Random(28).Vector(2 * 3 * 32 * 32, 0.0f, 1.0f);
  const Widths widths = UniformWidths(spec, 0.25);
  RowMatrix want(2, 10), got(2, 10);
  Workspace workspace;
  Network(spec).Forward(params, images.data(), 2, widths, 0, &workspace, want);
  KnobWorkspace knob_workspace;
  KnobStats stats;
  const KnobbedNetwork net(spec, params);
  net.Forward(images.data(), 2, widths, 0, ParseKnobSettings("sat=1,check=0.5"), &knob_workspace, &stats, got);
  for (int i = 0; i < got.size(); ++i) EXPECT_NEAR(got.data()[i], want.data()[i], 1e-4) << i;
  EXPECT_EQ(stats.TotalMacs(), TotalMacs(InferShapes(spec, widths)) * 2);
  EXPECT_LE(stats.ExecutedMacs(), stats.TotalMacs());
  ASSERT_EQ(stats.layers.size(), 5u);
  EXPECT_EQ(stats.layers.back().layer, "ip2");
  EXPECT_EQ(stats.layers.back().executed_macs, stats.layers.back().total_macs);  // the classifier is never knobbed
}

TEST(KnobbedNetworkTest, UniformImageIsSampledAndApproximated) {
  // A constant image: conv1's one input channel is constant (similarity), so
  // conv1's maps are constant and sampled; every layer's counts add up.
  const NetSpec spec = Spec("tiny");
  const NetParams params = RandomParams(spec, 1, 29);
  const std::vector<float> image(64, 0.25f);
  KnobWorkspace workspace;
  KnobStats stats;
  RowMatrix logits(1, 3), want(1, 3);
  const KnobbedNetwork net(spec, params);
  net.Forward(image.data(), 1, FullWidths(spec), 0, ParseKnobSettings("sample=0,sim=0"), &workspace, &stats,
              logits);
  ASSERT_EQ(stats.layers.size(), 3u);
  const LayerCounts& conv1 = stats.layers[0];
  EXPECT_EQ(conv1.layer, "conv1");
  EXPECT_EQ(conv1.approximated_channels, 1);
  // 8x8 output, pad 1: the 28 border windows pay one MAC each, the 36
  // interior positions share one mean x kernel sum. Interpolated outputs
  // skip even that.
  EXPECT_EQ(conv1.total_macs, 8 * 64 * 9);
  EXPECT_GT(conv1.interpolated_outputs, 0);
  EXPECT_LT(conv1.executed_macs, conv1.total_macs / 10);
  Workspace engine_workspace;
  Network(spec).Forward(params, image.data(), 1, FullWidths(spec), 0, &engine_workspace, want);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(logits(0, i), want(0, i), 1e-4);
}

TEST(KnobbedNetworkTest, StatsAccumulateOverCalls) {
  const NetSpec spec = Spec("tiny");
  const NetParams params = RandomParams(spec, 1, 30);
  const std::vector<float> images = Images(spec, 2, 31);
  const KnobbedNetwork net(spec, params);
  KnobWorkspace workspace;
  KnobStats stats;
  RowMatrix logits(1, 3);
  const KnobSettings settings = ParseKnobSettings("sat=0,sample=0.2");
  net.Forward(images.data(), 1, FullWidths(spec), 0, settings, &workspace, &stats, logits);
  net.Forward(images.data() + 64, 1, FullWidths(spec), 0, settings, &workspace, &stats, logits);
  KnobStats both;
  RowMatrix two(2, 3);
  net.Forward(images.data(), 2, FullWidths(spec), 0, settings, &workspace, &both, two);
  EXPECT_EQ(stats.images, 2);
  EXPECT_EQ(stats.ExecutedMacs(), both.ExecutedMacs());
  EXPECT_LT(stats.ExecutedMacs(), stats.TotalMacs());
  EXPECT_EQ(logits.row(0), two.row(1));  // image by image: same bits in a batch
}

TEST(KnobbedNetworkTest, BadInputsNameWhatIsWrong) {
  const NetSpec spec = Spec("tiny");
  const NetParams params = RandomParams(spec, 2, 32);
  const KnobbedNetwork net(spec, params);
  const std::vector<float> image(64, 0.0f);
  KnobWorkspace workspace;
  RowMatrix logits(1, 3);
  auto message = [&](auto call) {
    try {
      call();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([&] { net.Forward(image.data(), 1, FullWidths(spec), 2, {}, &workspace, nullptr, logits); })
                .find("head 2"),
            std::string::npos);
  RowMatrix wrong(2, 3);
  EXPECT_NE(message([&] { net.Forward(image.data(), 1, FullWidths(spec), 0, {}, &workspace, nullptr, wrong); })
                .find("logits are 2x3"),
            std::string::npos);
  EXPECT_NE(message([&] { net.Forward(image.data(), 1, Widths{9, 12}, 0, {}, &workspace, nullptr, logits); })
                .find("conv1"),
            std::string::npos);
  KnobSettings bad;
  bad.sampling = 2.0;
  EXPECT_NE(message([&] { net.Forward(image.data(), 1, FullWidths(spec), 0, bad, &workspace, nullptr, logits); })
                .find("sample threshold"),
            std::string::npos);
  NetParams small = ZerosLike(spec, 1);
  small.sliced[0].weights.resize(2, 2);
  EXPECT_THROW(KnobbedNetwork(spec, small), Error);
}

}  // namespace
}  // namespace rcdnn::models::dyvedeep
