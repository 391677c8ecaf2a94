#include "models/train/model_metadata.h"

#include <gtest/gtest.h>

namespace rcdnn::models {
namespace {

TEST(ModelMetadata, StampsTheRunAndTheTraining) {
  TrainReport report;
  report.phase_iterations = {100, 50};
  report.phase_seconds = {2.0, 1.5};
  report.phase_final_loss = {0.5, 0.25};
  Model golden, incremental;
  StampGoldenModel({{"profile", "smoke"}}, "golden", 0.25, report, &golden);
  EXPECT_EQ(golden.metadata.at("profile"), "smoke");
  EXPECT_EQ(golden.metadata.at("method"), "golden");
  EXPECT_EQ(golden.metadata.at("fraction"), "0.250000");
  EXPECT_EQ(golden.metadata.at("iterations"), "150");
  EXPECT_EQ(golden.metadata.at("final_loss"), "0.500000");
  StampIncrementalModel({{"profile", "smoke"}}, "incremental_golden_init", "0.25,1", report, &incremental);
  EXPECT_EQ(incremental.metadata.at("fractions"), "0.25,1");
  EXPECT_EQ(incremental.metadata.at("train_seconds"), "3.500000");
}

TEST(ModelMetadata, NamesTheFirstProvenanceKeyThatDiffers) {
  const Provenance run = {{"network", "lenet"}, {"dataset", "mnist"}, {"profile", "quick"}, {"seed", "1"},
                          {"code_version", "a"}, {"threads", "2"}};
  Provenance model = run;
  model["code_version"] = "b";  // another build of the same trainer may stand in
  model["threads"] = "1";
  EXPECT_EQ(ProvenanceMismatch(model, run), "");
  model["profile"] = "smoke";
  EXPECT_EQ(ProvenanceMismatch(model, run), "profile: 'smoke' vs 'quick'");
  model.erase("profile");
  EXPECT_EQ(ProvenanceMismatch(model, run), "profile: '(none)' vs 'quick'");
}

}  // namespace
}  // namespace rcdnn::models
