// Yang & Fan's single-path sub-net generation: one training round of one
// shared weight set in which consecutive blocks of SGD steps each train a
// different sub-net of the family; afterwards every sub-net reads its block
// of the same weights.
//
// Choices where the abstract is silent (it says "sample multiple sub-nets in
// different epochs within one training round"):
//  - a block is `block_iters` SGD steps; the default is one epoch of the
//    training set (ceil(train / batch) steps), shortened where needed so that
//    the round has at least 2 blocks per sub-net (the smoke profile's round
//    is shorter than #sub-nets epochs);
//  - sampling: blocks come in cycles of #family blocks, each cycle a seeded
//    permutation of the family (sampling without replacement), so every
//    sub-net, the full net included, trains equally often;
//  - the round is the solver's max_iter steps (x iterations_scale): the same
//    budget as one golden model; the learning rate follows the global step
//    and the momentum buffers are shared across blocks (outside a sub-net's
//    block they are neither used nor decayed, as in the incremental trainer's
//    mask);
//  - one classifier head shared by all sub-nets, its input columns sliced
//    with the last hidden layer (a head per sub-net would not be "one set of
//    weights"); start from the spec's initialisation (InitParams(seed)).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "models/subnets/subnet_util.h"
#include "models/train/model_file.h"
#include "models/train/solver_config.h"

namespace rcdnn::models::subnets {

struct SinglePathBlock {
  int64_t begin = 0, end = 0;  // SGD steps [begin, end)
  int subnet = 0;              // index into the family
};

struct SinglePathOptions {
  uint64_t seed = 1;            // weights, batch order and the block plan
  int iterations_scale = 1;     // the round is config.max_iter * this steps
  int64_t block_iters = 0;      // 0: one epoch, see above
  // Called after each block with the parameters at its end (tests, logging).
  std::function<void(const SinglePathBlock&, const NetParams&)> after_block;
};

// Default block length: one epoch, at most iterations / (2 * family_size), at least 1.
int64_t AutoBlockIters(int64_t iterations, int family_size, int64_t train_size, int batch_size);

// The blocks of a round of `iterations` steps, in order (the last one may be short).
std::vector<SinglePathBlock> SinglePathPlan(int family_size, int64_t iterations, int64_t block_iters, uint64_t seed);

// Trains the family's shared weights; returns SharedModel(spec, family, ...).
Model TrainSinglePath(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                      const std::vector<Widths>& family, const SinglePathOptions& options, SharedTrainReport* report);

}  // namespace rcdnn::models::subnets
