// The models of the Table 7 optimum. Section 4.2: "Based on the results in
// Table 7, we proceed to incrementally train the network" -- the paper's
// Tables 8 and 9 come from models trained with the increments the Eq. 1
// sweep chose (e.g. LeNet 0.25, 0.30, 1), not from a fixed 4-increment
// schedule. Those are:
//  - the golden model of each increment's width (Table 8's parenthesised
//    accuracy, and the source of golden initialisation): taken from a pool of
//    golden models already trained when one has that width, else trained
//    here exactly as //models/train:golden would (same seed, same solver);
//  - the incremental model with golden initialisation from them.
#pragma once

#include <functional>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "models/train/model_file.h"
#include "models/train/solver_config.h"
#include "models/train/trainers.h"

namespace rcdnn::models {

// The pool model that is a golden model (method "golden", one increment) of
// exactly `widths`, or nullptr.
const Model* FindGoldenModel(const std::vector<Model>& pool, const Widths& widths);

struct OptimumModels {
  std::vector<Model> goldens;           // one per increment, at its widths
  std::vector<bool> golden_from_pool;   // false: trained here (report in golden_reports)
  std::vector<TrainReport> golden_reports;  // one per increment (no phases for a pool model)
  Model incremental;                    // golden-initialised, over the schedule
  TrainReport incremental_report;
};

// `on_golden_trained(i, model, report)` lets the caller stamp each golden
// model trained here before it initialises the incremental model (the
// metadata a golden model file carries).
using GoldenStamp = std::function<void(int increment, Model* model, const TrainReport& report)>;

OptimumModels TrainOptimumModels(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                                 const std::vector<Widths>& schedule, const std::vector<Model>& pool,
                                 const TrainerOptions& options, const GoldenStamp& on_golden_trained = nullptr);

}  // namespace rcdnn::models
