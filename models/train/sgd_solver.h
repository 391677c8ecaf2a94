// Caffe's SGD with momentum and weight decay, restricted to a trainable
// region, which is how incremental training (Algorithm 1) keeps the earlier
// increments fixed: a gradient mask over weight blocks, not a second network.
//
// For each trainable weight w with gradient g (of the mean batch loss):
//   v <- momentum * v + lr(iter) * lr_mult * (g + weight_decay * decay_mult * w)
//   w <- w - v
// exactly Caffe's SGDSolver::ComputeUpdateValue with L2 regularisation.
#pragma once

#include <cstdint>

#include "models/engine/params.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"
#include "models/train/solver_config.h"

namespace rcdnn::models {

// The parameters one training phase may change: the active block of every
// sliced layer (sub-network `active`) minus the block of the sub-network
// `frozen` (empty = nothing frozen), plus the whole active block of
// classifier `head`. Weights from new input channels into old output channels
// are trainable: new channels connect to every channel ahead and behind.
struct TrainableRegion {
  Widths active;
  Widths frozen;
  int head = 0;
};

class SgdSolver {
 public:
  SgdSolver(const NetSpec& spec, const SolverConfig& config, int num_heads);

  // Applies one update at iteration `iter` (0-based; sets the learning rate).
  void Update(int64_t iter, const NetParams& grads, const TrainableRegion& region, NetParams* params);

  // Momentum buffers (saved in checkpoints so a resumed run is bit-identical).
  NetParams& history() { return history_; }
  const NetParams& history() const { return history_; }

 private:
  const NetSpec& spec_;
  SolverConfig config_;
  NetParams history_;
};

}  // namespace rcdnn::models
