// Yang & Fan's multi-path sub-net generation: every sub-net of the family is
// retrained on its own, starting from the background (full-width) model's
// weights sliced to its widths, and kept as a model of its own (storage is
// the sum of the sub-nets).
//
// Choices where the abstract is silent:
//  - start: the background's active block at the sub-net's widths, its last
//    classifier head sliced likewise (CopyActiveBlocks); nothing is frozen;
//  - length: each sub-net retrains for the solver's max_iter (the profile's),
//    its learning-rate schedule restarting at iteration 0 ("fully retrain
//    the background model for each sub-net individually");
//  - the full-width member of the family is retrained like any other, so
//    every point on the curve has had the same fine-tuning;
//  - batch order: seeded per sub-net (seed * 1000003 + 1000 + index).
#pragma once

#include <vector>

#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "models/train/model_file.h"
#include "models/train/solver_config.h"
#include "models/train/trainers.h"

namespace rcdnn::models::subnets {

// One single-head Model per member of `family`, in family order; one phase
// per sub-net in *report. Throws rcdnn::Error when the background was trained
// on another spec, or its widths do not cover a sub-net.
std::vector<Model> TrainMultipath(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                                  const Model& background, const std::vector<Widths>& family,
                                  const TrainerOptions& options, TrainReport* report);

// The background model's start for one sub-net: its weights at `widths`
// (zeros elsewhere), one head sliced from the background's last head.
NetParams BackgroundStart(const Model& background, const Widths& widths);

}  // namespace rcdnn::models::subnets
