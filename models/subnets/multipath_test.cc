#include "models/subnets/multipath.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "models/train/evaluate.h"
#include "models/train/test_net.h"

namespace rcdnn::models::subnets {
namespace {

SolverConfig TinySolver(int64_t iterations) {
  SolverConfig config;
  config.base_lr = 0.05;
  config.lr_policy = "fixed";
  config.batch_size = 16;
  config.max_iter = iterations;
  return config;
}

Model Background(const Network& net, int64_t iterations) {
  TrainReport report;
  return TrainGolden(net, TinySolver(iterations), testing::SyntheticImages(600, 1), FullWidths(net.spec()), {}, 1,
                     &report);
}

TEST(Multipath, StartsFromTheBackgroundWeightsSlicedToEachSubnet) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const Model background = Background(net, 20);
  const std::vector<Widths> family{{2, 3}, {6, 12}};
  // Zero fine-tuning steps: each sub-net is exactly the background's block.
  const std::vector<Model> subnets =
      TrainMultipath(net, TinySolver(0), testing::SyntheticImages(64, 3), background, family, {}, nullptr);
  ASSERT_EQ(subnets.size(), 2u);
  for (size_t i = 0; i < family.size(); ++i) {
    const auto shapes = InferShapes(spec, family[i]);
    const Model& m = subnets[i];
    EXPECT_EQ(m.schedule, std::vector<Widths>{family[i]});
    ASSERT_EQ(m.params.heads.size(), 1u);
    const int conv_rows = family[i][0], ip_rows = family[i][1];
    EXPECT_EQ(m.params.sliced[0].weights.topRows(conv_rows), background.params.sliced[0].weights.topRows(conv_rows));
    EXPECT_EQ(m.params.sliced[0].weights.bottomRows(8 - conv_rows).norm(), 0.0f);
    EXPECT_EQ(m.params.sliced[1].weights.topLeftCorner(ip_rows, conv_rows * 16),
              background.params.sliced[1].weights.topLeftCorner(ip_rows, conv_rows * 16));
    EXPECT_EQ(m.params.heads[0].weights.leftCols(ip_rows), background.params.heads[0].weights.leftCols(ip_rows));
    EXPECT_EQ(m.params.heads[0].weights.rightCols(12 - ip_rows).norm(), 0.0f);
    // The sub-net's predictions are the background's at those widths.
    const auto test = testing::SyntheticImages(100, 2);
    EXPECT_EQ(Evaluate(net, m.params, test, family[i], 0).predicted,
              Evaluate(net, background.params, test, family[i], 0).predicted);
  }
}

TEST(Multipath, RetrainsEachSubnetOnItsOwnBlock) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const Model background = Background(net, 100);
  const std::vector<Widths> family{{2, 3}, {4, 6}, {8, 12}};
  TrainReport report;
  const std::vector<Model> subnets =
      TrainMultipath(net, TinySolver(40), testing::SyntheticImages(600, 4), background, family, {}, &report);
  EXPECT_EQ(report.phase_iterations, (std::vector<int64_t>{40, 40, 40}));
  const auto test = testing::SyntheticImages(300, 2);
  for (size_t i = 0; i < family.size(); ++i) {
    const Model& m = subnets[i];
    EXPECT_NE(m.params.sliced[0].weights.topRows(family[i][0]),
              background.params.sliced[0].weights.topRows(family[i][0]));
    EXPECT_EQ(m.params.sliced[0].weights.bottomRows(8 - family[i][0]).norm(), 0.0f);  // outside: untouched
    EXPECT_GT(Evaluate(net, m.params, test, family[i], 0).Accuracy(), 0.85) << WidthsToString(family[i]);
  }
}

TEST(Multipath, RefusesABackgroundThatDoesNotFit) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  Model narrow = Background(net, 1);
  narrow.schedule = {{4, 6}};
  EXPECT_THROW(BackgroundStart(narrow, {8, 6}), Error);
  Model other = narrow;
  other.spec = ParseNetSpec(spec.source_text + "# another\n", "other.net");
  EXPECT_THROW(TrainMultipath(net, TinySolver(1), testing::SyntheticImages(16, 1), other, {{2, 3}}, {}, nullptr),
               Error);
}

}  // namespace
}  // namespace rcdnn::models::subnets
