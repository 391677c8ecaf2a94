#include "models/data/splits.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/error.h"

namespace rcdnn::data {
namespace {

constexpr int kClasses = 10;

std::vector<std::vector<int64_t>> IndicesByClass(const std::vector<uint8_t>& labels) {
  std::vector<std::vector<int64_t>> by_class(kClasses);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= kClasses) throw Error("data: label " + std::to_string(labels[i]) + " outside 0..9 in a split");
    by_class[labels[i]].push_back(static_cast<int64_t>(i));
  }
  return by_class;
}

// Shuffles each class's indices (classes in order 0..9, one generator) and
// holds out the first held_out_count(class size) of them.
template <typename CountFn>
IndexSplit HoldOut(const std::vector<uint8_t>& labels, uint64_t seed, CountFn held_out_count) {
  std::vector<std::vector<int64_t>> by_class = IndicesByClass(labels);
  std::mt19937_64 rng(seed);
  IndexSplit split;
  for (int c = 0; c < kClasses; ++c) {
    FisherYatesShuffle(by_class[c], rng);
    const auto cut = by_class[c].begin() + held_out_count(c, static_cast<int64_t>(by_class[c].size()));
    split.held_out.insert(split.held_out.end(), by_class[c].begin(), cut);
    split.kept.insert(split.kept.end(), cut, by_class[c].end());
  }
  std::sort(split.kept.begin(), split.kept.end());
  std::sort(split.held_out.begin(), split.held_out.end());
  return split;
}

}  // namespace

uint64_t BoundedDraw(std::mt19937_64& rng, uint64_t bound) {
  if (bound == 0) throw Error("data: BoundedDraw needs a bound of at least 1");
  // 2^64 mod bound, computed in 64-bit arithmetic: (2^64 - bound) mod bound.
  const uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    const uint64_t draw = rng();
    if (draw >= threshold) return draw % bound;
  }
}

void FisherYatesShuffle(std::vector<int64_t>& items, std::mt19937_64& rng) {
  for (size_t i = items.size(); i > 1; --i) {
    const uint64_t j = BoundedDraw(rng, i);
    std::swap(items[i - 1], items[j]);
  }
}

IndexSplit HoldOutFractionPerClass(const std::vector<uint8_t>& labels, double fraction, uint64_t seed) {
  if (!(fraction >= 0 && fraction <= 1)) throw Error("data: hold-out fraction must be in [0, 1]");
  return HoldOut(labels, seed, [&](int, int64_t size) {
    return static_cast<int64_t>(std::llround(fraction * static_cast<double>(size)));
  });
}

IndexSplit HoldOutCountPerClass(const std::vector<uint8_t>& labels, int64_t per_class, uint64_t seed,
                                const std::string& what) {
  return HoldOut(labels, seed, [&](int c, int64_t size) {
    if (size < per_class) {
      throw Error(what + " has only " + std::to_string(size) + " images of class " + std::to_string(c) +
                  ", fewer than the " + std::to_string(per_class) + " per class the validation split needs");
    }
    return per_class;
  });
}

std::vector<int64_t> BalancedPrefix(const std::vector<uint8_t>& labels, int64_t k) {
  const int64_t n = static_cast<int64_t>(labels.size());
  std::vector<int64_t> chosen;
  if (k < 0 || k >= n) {
    chosen.resize(n);
    for (int64_t i = 0; i < n; ++i) chosen[i] = i;
    return chosen;
  }
  const std::vector<std::vector<int64_t>> by_class = IndicesByClass(labels);
  for (size_t round = 0; static_cast<int64_t>(chosen.size()) < k; ++round) {
    for (int c = 0; c < kClasses && static_cast<int64_t>(chosen.size()) < k; ++c) {
      if (round < by_class[c].size()) chosen.push_back(by_class[c][round]);
    }
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace rcdnn::data
