#include "models/train/optimum.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "models/train/evaluate.h"
#include "models/train/test_net.h"

namespace rcdnn::models {
namespace {

using testing::TinySolver;

Model Labelled(Model model, const std::string& method) {
  model.metadata["method"] = method;
  return model;
}

TEST(Optimum, FindsOnlyAGoldenModelOfExactlyTheWidths) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(64, 1);
  const std::vector<Widths> schedule = UniformSchedule(spec, {0.5, 1.0});
  const std::vector<Model> pool = {
      Labelled(TrainGolden(net, TinySolver(2), train, schedule[1], {}, 1, nullptr), "budget_golden"),
      Labelled(TrainGolden(net, TinySolver(2), train, schedule[1], {}, 1, nullptr), "golden"),
  };
  EXPECT_EQ(FindGoldenModel(pool, schedule[1]), &pool[1]);  // not the budget-matched control
  EXPECT_EQ(FindGoldenModel(pool, schedule[0]), nullptr);
}

TEST(Optimum, TrainsTheMissingGoldensAsTheGoldenTrainerWouldAndInitialisesFromThem) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(300, 1);
  const auto test = testing::SyntheticImages(200, 2);
  const std::vector<Widths> schedule = UniformSchedule(spec, {0.5, 1.0});
  TrainerOptions options;
  options.seed = 3;
  const Model pool_full = Labelled(TrainGolden(net, TinySolver(30), train, schedule[1], options, 1, nullptr), "golden");
  std::vector<int> stamped;
  const OptimumModels models = TrainOptimumModels(
      net, TinySolver(30), train, schedule, {pool_full}, options,
      [&](int increment, Model* model, const TrainReport& report) {
        stamped.push_back(increment);
        EXPECT_EQ(report.TotalIterations(), 30);
        model->metadata["method"] = "golden";
      });
  ASSERT_EQ(models.goldens.size(), 2u);
  EXPECT_EQ(models.golden_from_pool, (std::vector<bool>{false, true}));
  EXPECT_EQ(stamped, (std::vector<int>{0}));
  EXPECT_EQ(models.goldens[0].metadata.at("method"), "golden");
  // Trained here = what //models/train:golden computes (same seed and solver): the same bits.
  const Model direct = TrainGolden(net, TinySolver(30), train, schedule[0], options, 1, nullptr);
  EXPECT_EQ(models.goldens[0].params.heads[0].weights, direct.params.heads[0].weights);
  EXPECT_EQ(models.goldens[1].params.heads[0].weights, pool_full.params.heads[0].weights);
  // Golden initialisation: increment 1 is golden model 1; only increment 2 trained.
  EXPECT_EQ(models.incremental_report.phase_iterations, (std::vector<int64_t>{30}));
  EXPECT_EQ(models.incremental.schedule, schedule);
  const Predictions golden_1 = Evaluate(net, models.goldens[0].params, test, schedule[0], 0);
  const Predictions increment_1 = Evaluate(net, models.incremental.params, test, schedule[0], 0);
  EXPECT_EQ(golden_1.margin, increment_1.margin);
}

TEST(Optimum, RefusesAScheduleThatShrinks) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const std::vector<Widths> shrinking = UniformSchedule(spec, {1.0, 0.5});
  EXPECT_THROW(TrainOptimumModels(net, TinySolver(1), testing::SyntheticImages(16, 1), shrinking, {}, {}), Error);
}

}  // namespace
}  // namespace rcdnn::models
