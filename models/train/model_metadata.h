// What a trained model file records beside its run's provenance (the
// context's data set, profile, seeds, code version): the method, the widths
// and how long training took. Every trainer main stamps its models here, so
// a golden model trained by train_optimum is labelled exactly as one from the
// golden trainer.
#pragma once

#include <map>
#include <string>

#include "models/train/model_file.h"
#include "models/train/trainers.h"

namespace rcdnn::models {

using Provenance = std::map<std::string, std::string>;

// method "golden" or "budget_golden"; fraction = the model's uniform width.
void StampGoldenModel(const Provenance& provenance, const std::string& method, double fraction,
                      const TrainReport& report, Model* model);

// method "incremental" or "incremental_golden_init"; fractions = "0.25,0.5,0.75,1".
void StampIncrementalModel(const Provenance& provenance, const std::string& method, const std::string& fractions,
                           const TrainReport& report, Model* model);

// The provenance keys two models must share for one to stand in for the
// other's training run: everything but the code version and thread count.
// Returns "" when they agree, else "<key>: '<a>' vs '<b>'" of the first that differs.
std::string ProvenanceMismatch(const Provenance& model_metadata, const Provenance& run);

}  // namespace rcdnn::models
