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
