#include "models/train/batch_order.h"

#include <numeric>
#include <random>

#include "common/error.h"

namespace rcdnn::models {

std::vector<int64_t> SeededPermutation(int64_t size, uint64_t seed) {
  std::vector<int64_t> order(size);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  for (int64_t i = size - 1; i > 0; --i) {
    // Unbiased draw in [0, i] by rejection.
    const uint64_t bound = static_cast<uint64_t>(i) + 1;
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t draw;
    do {
      draw = rng();
    } while (draw >= limit);
    std::swap(order[i], order[draw % bound]);
  }
  return order;
}

BatchOrder::BatchOrder(int64_t dataset_size, int batch_size, uint64_t seed)
    : size_(dataset_size), batch_size_(batch_size), seed_(seed), batch_(batch_size) {
  if (dataset_size <= 0) throw Error("cannot train on an empty training set");
  if (batch_size <= 0) throw Error("batch size must be positive");
}

const std::vector<int64_t>& BatchOrder::Permutation(int64_t epoch) {
  if (epoch != cached_epoch_) {
    // SplitMix-style mixing keeps per-epoch seeds far apart.
    uint64_t mixed = seed_ + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(epoch + 1);
    mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9ull;
    mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBull;
    permutation_ = SeededPermutation(size_, mixed ^ (mixed >> 31));
    cached_epoch_ = epoch;
  }
  return permutation_;
}

const std::vector<int64_t>& BatchOrder::Batch(int64_t iter) {
  for (int b = 0; b < batch_size_; ++b) {
    const int64_t position = iter * batch_size_ + b;
    batch_[b] = Permutation(position / size_)[position % size_];
  }
  return batch_;
}

}  // namespace rcdnn::models
