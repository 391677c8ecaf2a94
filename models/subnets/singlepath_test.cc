#include "models/subnets/singlepath.h"

#include <gtest/gtest.h>

#include <set>

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

// Entries of `after` that differ from `before`, as a mask per layer, must lie
// inside the block of `widths`; returns how many entries changed inside.
int64_t ChangedInsideOnly(const NetSpec& spec, const Widths& widths, const NetParams& before, const NetParams& after) {
  const auto shapes = InferShapes(spec, widths);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  int64_t inside = 0;
  auto check = [&](const RowMatrix& b, const RowMatrix& a, int rows, int cols, const char* what) {
    for (int r = 0; r < b.rows(); ++r) {
      for (int c = 0; c < b.cols(); ++c) {
        if (a(r, c) == b(r, c)) continue;
        if (r < rows && c < cols) {
          ++inside;
        } else {
          ADD_FAILURE() << what << " (" << r << "," << c << ") changed outside " << WidthsToString(widths);
          return;
        }
      }
    }
  };
  for (size_t j = 0; j < sliced.size(); ++j) {
    const LayerShape& s = shapes[sliced[j]];
    check(before.sliced[j].weights, after.sliced[j].weights, s.out_channels,
          static_cast<int>(s.weight_count / s.out_channels), "sliced");
  }
  const LayerShape& h = shapes[spec.ClassifierIndex()];
  check(before.heads[0].weights, after.heads[0].weights, h.out_channels, static_cast<int>(h.weight_count / h.out_channels),
        "head");
  return inside;
}

TEST(SinglePath, PlanCyclesThroughTheFamilyReproducibly) {
  const std::vector<SinglePathBlock> plan = SinglePathPlan(4, 50, 3, 7);
  ASSERT_EQ(plan.size(), 17u);  // 16 blocks of 3 and one of 2
  EXPECT_EQ(plan.back().begin, 48);
  EXPECT_EQ(plan.back().end, 50);
  for (size_t b = 0; b < plan.size(); ++b) {
    EXPECT_EQ(plan[b].begin, static_cast<int64_t>(3 * b));
    if (b % 4 == 3) {  // every cycle of 4 blocks is a permutation of the family
      std::set<int> cycle;
      for (size_t k = b - 3; k <= b; ++k) cycle.insert(plan[k].subnet);
      EXPECT_EQ(cycle.size(), 4u);
    }
  }
  const auto again = SinglePathPlan(4, 50, 3, 7);
  for (size_t b = 0; b < plan.size(); ++b) EXPECT_EQ(plan[b].subnet, again[b].subnet);
  bool differs = false;
  const auto other = SinglePathPlan(4, 50, 3, 8);
  for (size_t b = 0; b < plan.size(); ++b) differs = differs || plan[b].subnet != other[b].subnet;
  EXPECT_TRUE(differs);
  EXPECT_THROW(SinglePathPlan(4, 50, 0, 7), Error);
  EXPECT_THROW(SinglePathPlan(0, 50, 3, 7), Error);
  // One epoch of 600 / 16 = 38 steps, unless the round would then have < 2 blocks per sub-net.
  EXPECT_EQ(AutoBlockIters(10000, 4, 600, 16), 38);
  EXPECT_EQ(AutoBlockIters(150, 8, 5000, 64), 9);
  EXPECT_EQ(AutoBlockIters(3, 8, 5000, 64), 1);
}

TEST(SinglePath, EachBlockTrainsOnlyItsSampledSubnet) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const std::vector<Widths> family{{2, 3}, {4, 12}, {8, 6}, {8, 12}};
  SinglePathOptions options;
  options.seed = 3;
  options.block_iters = 5;
  NetParams previous = ZerosLike(spec, 1);
  InitParams(spec, options.seed, &previous);  // the trainer's start
  std::vector<int> trained;
  options.after_block = [&](const SinglePathBlock& block, const NetParams& params) {
    EXPECT_GT(ChangedInsideOnly(spec, family[block.subnet], previous, params), 0);
    previous = params;
    trained.push_back(block.subnet);
  };
  SharedTrainReport report;
  const Model model = TrainSinglePath(net, TinySolver(40), testing::SyntheticImages(200, 1), family, options, &report);
  EXPECT_EQ(trained.size(), 8u);
  EXPECT_EQ(std::set<int>(trained.begin(), trained.end()).size(), 4u);
  EXPECT_EQ(report.sgd_steps, 40);
  EXPECT_EQ(report.forward_backward_passes, 40);
  EXPECT_EQ(report.steps_per_subnet, (std::vector<int64_t>{10, 10, 10, 10}));
  EXPECT_EQ(model.params.sliced[0].weights, previous.sliced[0].weights);
  EXPECT_EQ(model.metadata.at("subnet_widths"), "2,3;4,12;8,6;8,12");
}

TEST(SinglePath, SharedWeightsServeEverySubnet) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const std::vector<Widths> family{{2, 3}, {4, 6}, {8, 12}};
  SinglePathOptions options;
  options.block_iters = 10;
  SharedTrainReport report;
  const Model model = TrainSinglePath(net, TinySolver(300), testing::SyntheticImages(600, 1), family, options, &report);
  const auto test = testing::SyntheticImages(300, 2);
  for (const Widths& w : family) {
    EXPECT_GT(Evaluate(net, model.params, test, w, 0).Accuracy(), 0.85) << WidthsToString(w);
  }
  // Bit-identical when run again with the same seed.
  const Model again = TrainSinglePath(net, TinySolver(300), testing::SyntheticImages(600, 1), family, options, nullptr);
  EXPECT_EQ(again.params.sliced[1].weights, model.params.sliced[1].weights);
}

}  // namespace
}  // namespace rcdnn::models::subnets
