// Slimmable joint training (Yu et al., "Slimmable Neural Networks"): every
// SGD step runs the same mini-batch through every width of a list and sums
// their losses, so the update follows the sum of the per-width gradients of
// one shared weight set.
//
// Our networks have no batch normalisation, so slimmable networks'
// switchable BN (private BN statistics per width) becomes nothing: all
// parameters are shared. The classifier is one shared head whose input
// columns are sliced with the last hidden layer, as in slimmable networks'
// final fully connected layer (its outputs are the classes at every width).
// Other choices where the paper is silent for our setting:
//  - losses are summed, not averaged (as in the paper's Algorithm 1), so the
//    learning rate is the solver's, applied to the sum; weight decay once
//    per step;
//  - a round is the solver's max_iter steps (x iterations_scale); each step
//    costs #widths forward-backward passes, both are reported;
//  - start from the spec's initialisation (InitParams(seed)).
#pragma once

#include <cstdint>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "models/subnets/subnet_util.h"
#include "models/train/model_file.h"
#include "models/train/solver_config.h"

namespace rcdnn::models::subnets {

struct SlimmableOptions {
  uint64_t seed = 1;          // weights and batch order
  int iterations_scale = 1;   // the round is config.max_iter * this steps
};

// One slimmable step's gradient: *sum = sum over `widths` of the gradient of
// that width's mean batch loss (head 0), computed through `scratch` (shaped
// like params). Entries of *sum outside every width's block are zero.
// Returns the summed loss.
double SlimmableGradients(const Network& net, const NetParams& params, const float* images, const uint8_t* labels,
                          int n, const std::vector<Widths>& widths, Workspace* workspace, NetParams* scratch,
                          NetParams* sum);

// Trains the widths jointly; returns SharedModel(spec, widths, ...).
Model TrainSlimmable(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                     const std::vector<Widths>& widths, const SlimmableOptions& options, SharedTrainReport* report);

}  // namespace rcdnn::models::subnets
