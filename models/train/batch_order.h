// The order in which training images are visited: a fresh seeded
// permutation per epoch, so the batch of iteration k is a pure function of
// (seed, k). A run resumed from a checkpoint at iteration k therefore sees
// exactly the batches an uninterrupted run would have seen.
#pragma once

#include <cstdint>
#include <vector>

namespace rcdnn::models {

class BatchOrder {
 public:
  BatchOrder(int64_t dataset_size, int batch_size, uint64_t seed);

  // Indices of the images of iteration `iter` (batch_size of them; a batch
  // that crosses an epoch boundary continues into the next permutation).
  const std::vector<int64_t>& Batch(int64_t iter);

 private:
  const std::vector<int64_t>& Permutation(int64_t epoch);

  int64_t size_;
  int batch_size_;
  uint64_t seed_;
  int64_t cached_epoch_ = -1;
  std::vector<int64_t> permutation_;
  std::vector<int64_t> batch_;
};

// Fisher-Yates with our own bounded draw (std::shuffle and the std::
// distributions are implementation-defined, so not reproducible everywhere).
std::vector<int64_t> SeededPermutation(int64_t size, uint64_t seed);

}  // namespace rcdnn::models
