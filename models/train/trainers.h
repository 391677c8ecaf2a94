// The paper's trainers (Section 3), on top of TrainPhase:
//
//  golden       one separately trained model per width (Section 3.1): all of
//               its weights train, from the spec's initialisation at that
//               width (xavier at the width's own fan-in, as Caffe would
//               define the narrower network: InitParams with a schedule).
//  incremental  Algorithm 1: increment 1 trains alone; increment i adds
//               channels, keeps every weight of increments < i fixed (the
//               gradient mask of TrainableRegion) and trains a classifier of
//               its own (one head per increment), which starts from head
//               i-1's weights on the old channels (line 4: net ∪ initialize).
//  incremental with golden initialisation (Section 3.2): increment 1 is
//               golden model 1 itself; before increment i > 1 trains, its
//               active block and head are copied from the golden model of
//               its width, then the fixed weights of increment i-1 are put
//               back ("substitute in the fixed weights").
//  budget-matched golden: a golden model trained for as many SGD steps as
//               the incremental model received over all increments, on the
//               solver's schedule stretched to that length (a control for
//               Figure 9: extra training vs. the method).
// Channel shutdown needs no trainer: it evaluates a full golden model at
// narrower widths with its one head (see evaluate.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "models/train/model_file.h"
#include "models/train/solver_config.h"

namespace rcdnn::models {

struct TrainerOptions {
  uint64_t seed = 1;           // weight initialisation and batch order
  std::string checkpoint_dir;  // "" = no checkpoints
  int64_t checkpoint_every = 500;
  int64_t stop_after = -1;     // tests of resumption only (PhaseOptions::stop_after)
};

struct TrainReport {
  // One entry per trained phase; golden-initialised increment 1 is golden
  // model 1 itself and trains none.
  std::vector<int64_t> phase_iterations;  // SGD steps per phase
  std::vector<double> phase_seconds;
  std::vector<double> phase_final_loss;
  bool stopped_early = false;
  int64_t TotalIterations() const;
};

// A golden model of one sub-network; `iterations_scale` stretches the
// solver's schedule (SolverConfig::Stretched; the budget-matched control
// passes the number of increments).
Model TrainGolden(const Network& net, const SolverConfig& config, const data::ImageSet& train, const Widths& widths,
                  const TrainerOptions& options, int iterations_scale, TrainReport* report);

// Algorithm 1 over `schedule` (increasing widths, one per increment).
// `golden_init` is empty (plain incremental) or holds one golden model per
// increment, each trained at that increment's widths.
Model TrainIncremental(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                       const std::vector<Widths>& schedule, const std::vector<Model>& golden_init,
                       const TrainerOptions& options, TrainReport* report);

// Throws rcdnn::Error unless every width of each increment is >= the one
// before, and the last increment is not narrower than the first.
void ValidateSchedule(const NetSpec& spec, const std::vector<Widths>& schedule);

// Width schedule from uniform fractions, e.g. {0.25, 0.5, 0.75, 1.0}.
std::vector<Widths> UniformSchedule(const NetSpec& spec, const std::vector<double>& fractions);

}  // namespace rcdnn::models
