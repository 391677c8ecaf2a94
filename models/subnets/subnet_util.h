// What the three sub-net trainers share: summing the active blocks of a
// sub-network (copying them is models/engine/params.h's CopyActiveBlocks), the union of a list of widths, batches in
// BatchOrder's order, the report of a shared-weight training round, and how a
// shared-weight model file names its sub-nets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/params.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"
#include "models/train/batch_order.h"
#include "models/train/model_file.h"

namespace rcdnn::models::subnets {

// to += from over the active block of `widths` (sliced layers and head `head`).
// Network::ForwardBackward ASSIGNS the active blocks of its grads, so summing
// the gradients of several widths needs a scratch buffer and this add.
void AddActiveBlocks(const NetSpec& spec, const Widths& widths, int head, const NetParams& from, NetParams* to);

// Per layer, the largest width of the list (the block any of them uses).
Widths UnionWidths(const NetSpec& spec, const std::vector<Widths>& list);

// The images and labels of iteration `iter` of a BatchOrder over `train`.
class BatchLoader {
 public:
  BatchLoader(const data::ImageSet& train, int batch_size, uint64_t seed);
  void Load(int64_t iter);
  const float* images() const { return images_.data(); }
  const uint8_t* labels() const { return labels_.data(); }
  int size() const { return batch_size_; }

 private:
  const data::ImageSet& train_;
  int batch_size_;
  int64_t image_floats_;
  BatchOrder order_;
  std::vector<float> images_;
  std::vector<uint8_t> labels_;
};

// What one round of shared-weight training (single-path, slimmable) cost.
struct SharedTrainReport {
  int64_t sgd_steps = 0;                // solver updates
  int64_t forward_backward_passes = 0;  // Network::ForwardBackward calls
  std::vector<int64_t> steps_per_subnet;  // passes each sub-net received, family order
  double seconds = 0;
  double final_loss = 0;  // mean summed loss of the last 50 steps
};

// A shared-weight model: one weight set, one classifier (head 0, whose input
// columns are sliced with the last hidden layer), schedule = the union of the
// family, and the family in metadata key "subnet_widths" ("a,b,c;d,e,f").
Model SharedModel(const NetSpec& spec, const std::vector<Widths>& family, NetParams params);

// The sub-nets of a model file with their heads: the "subnet_widths" list
// (all on head 0) when present, else one per increment (head = increment).
struct SubnetEntry {
  Widths widths;
  int head = 0;
};
std::vector<SubnetEntry> SubnetsOf(const Model& model);

// Throws rcdnn::Error unless the training images match the network's input.
void CheckTrainingSet(const NetSpec& spec, const data::ImageSet& train);

}  // namespace rcdnn::models::subnets
