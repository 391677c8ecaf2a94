#include "models/subnets/slimmable.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "models/train/evaluate.h"
#include "models/train/test_net.h"
#include "models/train/trainers.h"

namespace rcdnn::models::subnets {
namespace {

SolverConfig TinySolver(int64_t iterations) {
  SolverConfig config;
  config.base_lr = 0.02;
  config.lr_policy = "fixed";
  config.batch_size = 16;
  config.max_iter = iterations;
  return config;
}

TEST(Slimmable, StepGradientIsTheSumOfPerWidthGradients) {
  const NetSpec spec = testing::TinySpec();
  for (int threads : {1, 2}) {
    const Network net(spec, EngineOptions{threads});
    NetParams params = ZerosLike(spec, 1);
    InitParams(spec, 5, &params);
    const auto batch = testing::SyntheticImages(12, 9);
    const std::vector<Widths> widths{{2, 3}, {5, 7}, {8, 12}, {8, 4}};
    // Reference: each width's gradient on its own zeroed buffer, summed over whole arrays.
    NetParams expected = ZerosLike(spec, 1);
    double expected_loss = 0;
    Workspace ws;
    for (const Widths& w : widths) {
      NetParams g = ZerosLike(spec, 1);
      expected_loss += net.ForwardBackward(params, batch.images.data(), batch.labels.data(), 12, w, 0, &ws, &g);
      for (size_t j = 0; j < g.sliced.size(); ++j) {
        expected.sliced[j].weights += g.sliced[j].weights;
        expected.sliced[j].bias += g.sliced[j].bias;
      }
      expected.heads[0].weights += g.heads[0].weights;
      expected.heads[0].bias += g.heads[0].bias;
    }
    NetParams scratch = ZerosLike(spec, 1), sum = ZerosLike(spec, 1);
    InitParams(spec, 99, &sum);  // garbage that must be cleared
    Workspace ws2;
    const double loss = SlimmableGradients(net, params, batch.images.data(), batch.labels.data(), 12, widths, &ws2,
                                           &scratch, &sum);
    EXPECT_EQ(loss, expected_loss);
    for (size_t j = 0; j < sum.sliced.size(); ++j) {
      EXPECT_EQ(sum.sliced[j].weights, expected.sliced[j].weights) << "layer " << j << " threads " << threads;
      EXPECT_EQ(sum.sliced[j].bias, expected.sliced[j].bias);
    }
    EXPECT_EQ(sum.heads[0].weights, expected.heads[0].weights);
    EXPECT_EQ(sum.heads[0].bias, expected.heads[0].bias);
    EXPECT_GT(sum.sliced[0].weights.norm(), 0.0f);
  }
}

TEST(Slimmable, TrainsEveryWidthOfOneWeightSet) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const std::vector<Widths> widths = UniformSchedule(spec, {0.25, 0.5, 0.75, 1.0});
  SharedTrainReport report;
  const Model model = TrainSlimmable(net, TinySolver(150), testing::SyntheticImages(600, 1), widths, {}, &report);
  EXPECT_EQ(report.sgd_steps, 150);
  EXPECT_EQ(report.forward_backward_passes, 600);
  EXPECT_EQ(report.steps_per_subnet, (std::vector<int64_t>{150, 150, 150, 150}));
  EXPECT_EQ(model.schedule, std::vector<Widths>{FullWidths(spec)});
  const auto test = testing::SyntheticImages(300, 2);
  for (const Widths& w : widths) {
    EXPECT_GT(Evaluate(net, model.params, test, w, 0).Accuracy(), 0.85) << WidthsToString(w);
  }
}

TEST(Slimmable, LeavesWeightsOutsideTheUnionAtTheirInitialValues) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  SlimmableOptions options;
  options.seed = 4;
  const Model model =
      TrainSlimmable(net, TinySolver(20), testing::SyntheticImages(64, 1), {{2, 3}, {4, 6}}, options, nullptr);
  NetParams init = ZerosLike(spec, 1);
  InitParams(spec, options.seed, &init);
  EXPECT_EQ(model.params.sliced[0].weights.bottomRows(4), init.sliced[0].weights.bottomRows(4));
  EXPECT_NE(model.params.sliced[0].weights.topRows(4), init.sliced[0].weights.topRows(4));
  EXPECT_EQ(model.params.heads[0].weights.rightCols(6), init.heads[0].weights.rightCols(6));
  EXPECT_THROW(TrainSlimmable(net, TinySolver(1), testing::SyntheticImages(8, 1), {}, options, nullptr), Error);
}

}  // namespace
}  // namespace rcdnn::models::subnets
