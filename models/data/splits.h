// Deterministic train / validation / test splits. Everything random here is
// drawn from std::mt19937_64 (whose output the C++ standard fixes bit for bit)
// through our own bounded draw and Fisher-Yates shuffle, because
// std::shuffle and std::uniform_int_distribution give different results on
// different standard libraries. Same seed, same split, on every machine.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rcdnn::data {

// Uniform in [0, bound) without modulo bias: rejects draws below
// 2^64 mod bound, then reduces (the OpenBSD arc4random_uniform method).
// bound must be >= 1.
uint64_t BoundedDraw(std::mt19937_64& rng, uint64_t bound);

// In-place Fisher-Yates: for i from n-1 down to 1, swap item i with item
// BoundedDraw(rng, i + 1).
void FisherYatesShuffle(std::vector<int64_t>& items, std::mt19937_64& rng);

// Indices 0..N-1 of a labelled set, split in two; both parts ascending.
struct IndexSplit {
  std::vector<int64_t> kept;
  std::vector<int64_t> held_out;
};

// Holds out round(fraction * n_c) items of each class c (rounding half away
// from zero), chosen by shuffling each class's indices with a generator
// seeded by `seed`; classes are processed in order 0..9 with one generator.
IndexSplit HoldOutFractionPerClass(const std::vector<uint8_t>& labels, double fraction, uint64_t seed);

// Holds out exactly `per_class` items of each class 0..9, chosen the same way.
// Throws rcdnn::Error naming `what` when a class has fewer than per_class items.
IndexSplit HoldOutCountPerClass(const std::vector<uint8_t>& labels, int64_t per_class, uint64_t seed,
                                const std::string& what);

// The first `k` items in a class-balanced order: round-robin over classes
// 0..9, taking each class's items in file order, skipping exhausted classes.
// Returned ascending. k < 0 or k >= N returns all indices.
std::vector<int64_t> BalancedPrefix(const std::vector<uint8_t>& labels, int64_t k);

}  // namespace rcdnn::data
