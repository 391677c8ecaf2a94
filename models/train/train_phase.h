// One training phase: `config.max_iter` SGD iterations over a trainable
// region of the parameters (a whole golden model, or one increment of
// Algorithm 1), with checkpoints so that a killed run resumes where it
// stopped and ends with the same bits as an uninterrupted one.
#pragma once

#include <cstdint>
#include <string>

#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "models/engine/params.h"
#include "models/train/sgd_solver.h"
#include "models/train/solver_config.h"

namespace rcdnn::models {

struct PhaseOptions {
  uint64_t seed = 1;           // batch order
  std::string checkpoint_dir;  // "" = no checkpoints
  int64_t checkpoint_every = 500;
  std::string name = "train";  // checkpoint file stem and progress label
  // For tests of resumption: stop (as if killed) right after iteration
  // `stop_after` (counting from 1) without finishing; -1 = never.
  int64_t stop_after = -1;
};

struct PhaseResult {
  int64_t iterations = 0;       // SGD steps this phase ran in total (resumed ones included)
  int64_t resumed_from = 0;     // iteration a checkpoint resumed from (0: fresh start)
  double final_loss = 0;        // mean loss of the last 50 iterations
  double seconds = 0;           // wall time of this process's part
  bool stopped_early = false;   // stop_after was reached
};

PhaseResult TrainPhase(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                       const TrainableRegion& region, const PhaseOptions& options, NetParams* params);

}  // namespace rcdnn::models
