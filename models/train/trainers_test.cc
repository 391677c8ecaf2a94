#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <stdexcept>

#include "common/error.h"
#include "models/train/batch_order.h"
#include "models/train/evaluate.h"
#include "models/train/test_net.h"
#include "models/train/trainers.h"

namespace rcdnn::models {
namespace {

using testing::TinySolver;

std::string FreshDir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  const std::string command = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot create " + dir);
  return dir;
}

TEST(BatchOrder, EveryEpochVisitsEveryImageOnce) {
  BatchOrder order(10, 5, 42);
  std::multiset<int64_t> seen;
  for (int iter = 0; iter < 2; ++iter) {
    for (int64_t index : order.Batch(iter)) seen.insert(index);
  }
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(seen.count(i), 1u);
  BatchOrder again(10, 5, 42);
  EXPECT_EQ(again.Batch(3), order.Batch(3));  // pure function of (seed, iter)
  EXPECT_NE(SeededPermutation(100, 1), SeededPermutation(100, 2));
}

TEST(Trainers, GoldenLearnsTheSyntheticTask) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(600, 1);
  const auto test = testing::SyntheticImages(300, 2);
  TrainReport report;
  const Model model = TrainGolden(net, TinySolver(150), train, FullWidths(spec), {}, 1, &report);
  EXPECT_EQ(report.TotalIterations(), 150);
  EXPECT_GT(Evaluate(net, model.params, test, FullWidths(spec), 0).Accuracy(), 0.9);
}

TEST(Trainers, BudgetMatchedGoldenRunsScaledSteps) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  TrainReport report;
  TrainGolden(net, TinySolver(10), testing::SyntheticImages(64, 1), FullWidths(spec), {}, 3, &report);
  EXPECT_EQ(report.TotalIterations(), 30);
}

TEST(Trainers, IncrementalKeepsEarlierIncrementsBitIdentical) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(600, 1);
  const auto test = testing::SyntheticImages(300, 2);
  const std::vector<Widths> one = UniformSchedule(spec, {0.25});
  const std::vector<Widths> two = UniformSchedule(spec, {0.25, 1.0});
  TrainerOptions options;
  options.seed = 5;
  const Model first = TrainIncremental(net, TinySolver(100), train, one, {}, options, nullptr);
  TrainReport report;
  const Model both = TrainIncremental(net, TinySolver(100), train, two, {}, options, &report);
  EXPECT_EQ(report.phase_iterations, (std::vector<int64_t>{100, 100}));
  // Increment 1 of the two-increment model was trained exactly like `first`,
  // and increment 2 must not have touched its block.
  const auto shapes = InferShapes(spec, one[0]);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  for (size_t j = 0; j < sliced.size(); ++j) {
    const LayerShape& s = shapes[sliced[j]];
    const int rows = s.out_channels, cols = static_cast<int>(s.weight_count / s.out_channels);
    EXPECT_EQ(both.params.sliced[j].weights.topLeftCorner(rows, cols),
              first.params.sliced[j].weights.topLeftCorner(rows, cols))
        << "layer " << j;
    EXPECT_EQ(both.params.sliced[j].bias.head(rows), first.params.sliced[j].bias.head(rows));
  }
  EXPECT_EQ(both.params.heads[0].weights, first.params.heads[0].weights);
  const Predictions before = Evaluate(net, first.params, test, one[0], 0);
  const Predictions after = Evaluate(net, both.params, test, one[0], 0);
  EXPECT_EQ(before.predicted, after.predicted);
  EXPECT_EQ(before.margin, after.margin);
  // The full increment learned something on top.
  EXPECT_GT(Evaluate(net, both.params, test, two[1], 1).Accuracy(), 0.85);
}

TEST(Trainers, GoldenInitialisedIncrementOneIsGoldenModelOneItself) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(300, 1);
  const std::vector<Widths> schedule = UniformSchedule(spec, {0.5, 1.0});
  std::vector<Model> goldens;
  for (const Widths& w : schedule) goldens.push_back(TrainGolden(net, TinySolver(30), train, w, {}, 1, nullptr));
  TrainReport report;
  const Model model = TrainIncremental(net, TinySolver(20), train, schedule, goldens, {}, &report);
  EXPECT_EQ(report.phase_iterations, (std::vector<int64_t>{20}));  // increment 2 only
  const auto shapes = InferShapes(spec, schedule[0]);
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  for (size_t j = 0; j < sliced.size(); ++j) {
    const auto [rows, cols] = ActiveWeightBlock(shapes, sliced[j]);
    EXPECT_EQ(model.params.sliced[j].weights.topLeftCorner(rows, cols),
              goldens[0].params.sliced[j].weights.topLeftCorner(rows, cols))
        << "layer " << j;
    EXPECT_EQ(model.params.sliced[j].bias.head(rows), goldens[0].params.sliced[j].bias.head(rows));
  }
  const auto [head_rows, head_cols] = ActiveWeightBlock(shapes, spec.ClassifierIndex());
  EXPECT_EQ(model.params.heads[0].weights.topLeftCorner(head_rows, head_cols),
            goldens[0].params.heads[0].weights.topLeftCorner(head_rows, head_cols));
  EXPECT_EQ(model.params.heads[0].bias, goldens[0].params.heads[0].bias);
  const auto test = testing::SyntheticImages(200, 2);
  EXPECT_EQ(Evaluate(net, model.params, test, schedule[0], 0).predicted,
            Evaluate(net, goldens[0].params, test, schedule[0], 0).predicted);
}

TEST(Trainers, AGrownClassifierStartsFromThePreviousOneOnTheOldChannels) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(300, 1);
  const std::vector<Widths> schedule = UniformSchedule(spec, {0.5, 1.0});
  SolverConfig still = TinySolver(2);
  still.base_lr = 0;  // nothing moves: the start point is observable
  const Model model = TrainIncremental(net, still, train, schedule, {}, {}, nullptr);
  const auto [rows, old_cols] = ActiveWeightBlock(InferShapes(spec, schedule[0]), spec.ClassifierIndex());
  const LayerParams& first = model.params.heads[0];
  const LayerParams& grown = model.params.heads[1];
  EXPECT_EQ(grown.weights.leftCols(old_cols), first.weights.leftCols(old_cols));
  EXPECT_EQ(grown.bias, first.bias);
  // The new channels' columns come from the filler, not from head 1.
  EXPECT_NE(grown.weights.rightCols(grown.weights.cols() - old_cols),
            first.weights.rightCols(first.weights.cols() - old_cols));
}

TEST(Trainers, GoldenInitialisationFullRunKeepsFixedBlock) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(300, 1);
  const std::vector<Widths> schedule = UniformSchedule(spec, {0.5, 1.0});
  std::vector<Model> goldens;
  for (const Widths& w : schedule) goldens.push_back(TrainGolden(net, TinySolver(30), train, w, {}, 1, nullptr));
  const Model model = TrainIncremental(net, TinySolver(30), train, schedule, goldens, {}, nullptr);
  const Model first = TrainIncremental(net, TinySolver(30), train, {schedule[0]}, {goldens[0]}, {}, nullptr);
  // New rows of increment 2 started from golden model 2 and then trained, so
  // they differ from it; the fixed block equals the one-increment model.
  const auto shapes = InferShapes(spec, schedule[0]);
  const int rows = shapes[0].out_channels, cols = static_cast<int>(shapes[0].weight_count / rows);
  EXPECT_EQ(model.params.sliced[0].weights.topLeftCorner(rows, cols),
            first.params.sliced[0].weights.topLeftCorner(rows, cols));
}

TEST(Trainers, KilledRunResumesToTheSameBits) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(200, 1);
  const std::vector<Widths> schedule = UniformSchedule(spec, {0.5, 1.0});
  const Model uninterrupted = TrainIncremental(net, TinySolver(40), train, schedule, {}, {}, nullptr);

  TrainerOptions options;
  options.checkpoint_dir = FreshDir("ckpt");
  options.checkpoint_every = 10;
  options.stop_after = 25;  // "killed" in increment 1, after the checkpoint at 20
  TrainReport killed;
  TrainIncremental(net, TinySolver(40), train, schedule, {}, options, &killed);
  EXPECT_TRUE(killed.stopped_early);
  options.stop_after = -1;
  const Model resumed = TrainIncremental(net, TinySolver(40), train, schedule, {}, options, nullptr);
  for (size_t j = 0; j < uninterrupted.params.sliced.size(); ++j) {
    EXPECT_EQ(resumed.params.sliced[j].weights, uninterrupted.params.sliced[j].weights) << "layer " << j;
  }
  for (size_t i = 0; i < uninterrupted.params.heads.size(); ++i) {
    EXPECT_EQ(resumed.params.heads[i].weights, uninterrupted.params.heads[i].weights) << "head " << i;
  }
}

TEST(Trainers, BadSchedulesAreRefused) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  const auto train = testing::SyntheticImages(32, 1);
  EXPECT_THROW(TrainIncremental(net, TinySolver(1), train, UniformSchedule(spec, {1.0, 0.5}), {}, {}, nullptr), Error);
  EXPECT_THROW(TrainIncremental(net, TinySolver(1), train, {}, {}, {}, nullptr), Error);
  EXPECT_THROW(TrainGolden(net, TinySolver(1), data::ImageSet{}, FullWidths(spec), {}, 1, nullptr), Error);
  std::vector<Model> one_golden(1);
  EXPECT_THROW(TrainIncremental(net, TinySolver(1), train, UniformSchedule(spec, {0.5, 1.0}), one_golden, {}, nullptr),
               Error);
}

}  // namespace
}  // namespace rcdnn::models
