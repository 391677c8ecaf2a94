#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "models/train/solver_config.h"

namespace rcdnn::models {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseSolverConfig(text, "t.solver");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(SolverConfig, LeNetIsCaffesInvPolicy) {
  const SolverConfig config = LoadSolverConfig("models/train/solvers/lenet.solver");
  EXPECT_EQ(config.batch_size, 64);
  EXPECT_EQ(config.max_iter, 10000);
  EXPECT_DOUBLE_EQ(config.LearningRate(0), 0.01);
  EXPECT_DOUBLE_EQ(config.LearningRate(1000), 0.01 * std::pow(1.0 + 0.0001 * 1000, -0.75));
  EXPECT_FLOAT_EQ(config.MultipliersFor("ip1").bias_lr_mult, 2.0f);
  EXPECT_FLOAT_EQ(config.MultipliersFor("nonexistent").weight_lr_mult, 1.0f);
}

TEST(SolverConfig, AlexNetMultistepAndProfiles) {
  const SolverConfig config = LoadSolverConfig("models/train/solvers/alexnet.solver");
  EXPECT_DOUBLE_EQ(config.LearningRate(59999), 0.001);
  EXPECT_NEAR(config.LearningRate(60000), 0.0001, 1e-12);
  EXPECT_NEAR(config.LearningRate(69999), 0.00001, 1e-12);
  EXPECT_FLOAT_EQ(config.MultipliersFor("ip1").weight_decay_mult, 250.0f);
  const SolverConfig quick = config.ForProfile("quick");
  EXPECT_EQ(quick.max_iter, 1400);
  EXPECT_EQ(quick.stepvalues, (std::vector<int64_t>{1200, 1300}));
  EXPECT_EQ(config.ForProfile("paper").max_iter, 70000);
  EXPECT_GT(config.Profile("smoke").train_subset, 0);
  EXPECT_THROW(config.ForProfile("turbo"), Error);
}

TEST(SolverConfig, AStretchedScheduleDropsItsRateAtTheSameFractionsOfTheRun) {
  // The budget-matched control: four increments' worth of iterations.
  const SolverConfig alexnet = LoadSolverConfig("models/train/solvers/alexnet.solver").Stretched(4);
  EXPECT_EQ(alexnet.max_iter, 280000);
  EXPECT_EQ(alexnet.stepvalues, (std::vector<int64_t>{240000, 260000}));
  EXPECT_DOUBLE_EQ(alexnet.LearningRate(239999), 0.001);
  EXPECT_NEAR(alexnet.LearningRate(260000), 0.00001, 1e-12);
  SolverConfig step;
  step.lr_policy = "step";
  step.stepsize = 100;
  step.max_iter = 1000;
  EXPECT_EQ(step.Stretched(3).stepsize, 300);
  // inv is a function of the iteration alone: only the run's length changes.
  const SolverConfig lenet = LoadSolverConfig("models/train/solvers/lenet.solver");
  const SolverConfig longer = lenet.Stretched(4);
  EXPECT_EQ(longer.max_iter, 4 * lenet.max_iter);
  EXPECT_EQ(longer.LearningRate(5000), lenet.LearningRate(5000));
}

TEST(SolverConfig, EveryShippedSolverParses) {
  for (const char* name : {"lenet", "alexnet", "convnets"}) {
    const SolverConfig config = LoadSolverConfig(std::string("models/train/solvers/") + name + ".solver");
    EXPECT_GE(config.ForProfile("smoke").max_iter, 1) << name;
  }
}

TEST(SolverConfig, MalformedFilesNameTheLine) {
  EXPECT_NE(ErrorOf("base_lr = 0.1\nmomentum = fast\n").find("t.solver:2: 'momentum' must be a number"),
            std::string::npos);
  EXPECT_NE(ErrorOf("learning_rate = 0.1\n").find("t.solver:1: unknown solver key"), std::string::npos);
  EXPECT_NE(ErrorOf("base_lr = 0.1\nbase_lr = 0.2\n").find("given twice"), std::string::npos);
  EXPECT_NE(ErrorOf("lr_policy = cosine\n").find("lr_policy must be"), std::string::npos);
  EXPECT_NE(ErrorOf("lr_policy = multistep\n").find("needs stepvalues"), std::string::npos);
  EXPECT_NE(ErrorOf("base_lr = -1\n").find("must not be negative"), std::string::npos);
  EXPECT_NE(ErrorOf("layer ip1 lr=2\n").find("unknown layer multiplier"), std::string::npos);
  EXPECT_NE(ErrorOf("profile smoke iter_scale=2\n").find("iter_scale must be in (0, 1]"), std::string::npos);
  EXPECT_NE(ErrorOf("profile paper iter_scale=0.5\n").find("cannot be redefined"), std::string::npos);
  EXPECT_NE(ErrorOf("max_iter = 10.5\n").find("must be an integer"), std::string::npos);
  EXPECT_NE(ErrorOf("momentum = 1.5\n").find("momentum must be below 1"), std::string::npos);
}

}  // namespace
}  // namespace rcdnn::models
