// Per-layer precision as a search sees it: a genome of bit widths, one per
// conv/fc layer's weights and one per activation (the network's input and
// every conv/fc layer's output), turned into accel::Precision with each
// format's fraction bits chosen from that tensor's value range.
//
// Genome layout for a network of L conv/fc layers (spec order):
//   genes [0, L)      weight bits of layer l
//   genes [L, 2L + 1) activation bits: gene L = the input image, gene L+1+l =
//                     layer l's output (after its fused ReLU), which is the
//                     next layer's input (pooling keeps it, simulator.h)
// Each gene is an index into the candidate bit list (ascending).
//
// Fraction bits: with n total bits and a range max|x| = R measured on
// calibration data, the integer part needs I = floor(log2 R) + 1 bits for
// R >= 1 (so that 2^I > R) and I = 0 for R < 1; then f = n - 1 - I, clamped
// to [0, min(n - 1, 16)]. No value of the calibration data saturates unless
// I > n - 1 (then f = 0 and the large values saturate, counted by the
// simulator).
//
// Why at most 16 fraction bits: a product carries fw + fa fraction bits into
// the 64-bit accumulator (accel_sim/fixed_point.h). Words above 16 bits with
// small ranges would take up to 31 each, leaving the accumulator +-2 to +-4,
// and every larger sum saturates (a <32,range> LeNet lost 0.2 points to it).
// 16 keeps at least 31 integer bits for the sums, as the paper's <32,16>
// does; words of 16 bits or fewer are unaffected.
#pragma once

#include <string>
#include <vector>

#include "accel_sim/fixed_point.h"
#include "accel_sim/simulator.h"

namespace rcdnn::precision {

using Genome = std::vector<int>;

// Largest |value| of each tensor: weights of each conv/fc layer (active
// block; biases excluded: they enter the accumulator at its own scale) and
// activations (input, then each conv/fc layer's output).
struct ValueRanges {
  std::vector<double> weights;      // L
  std::vector<double> activations;  // L + 1
};

// Integer bits for a range (see above).
int IntegerBits(double max_abs);
// The most fraction bits a format chosen from a range gets (see above).
inline constexpr int kMaxRangeFractionBits = 16;
// <bits, f> with f from the range. bits in [2, 32].
accel::FixedPointFormat FormatForRange(int bits, double max_abs);

// Parses "4,6,8,10,12,16": integers in [2, 32], no duplicates; returned
// ascending. Throws rcdnn::Error naming `flag` and the bad item.
std::vector<int> ParseBitList(const std::string& text, const std::string& flag);

// Parses "<16,10>" or "16,10" into a format (validated). Throws rcdnn::Error.
accel::FixedPointFormat ParseFormat(const std::string& text, const std::string& flag);

class PrecisionSpace {
 public:
  // Throws rcdnn::Error when the ranges do not have L and L + 1 entries, a
  // range is negative or not finite, or the candidate list is empty.
  PrecisionSpace(int num_layers, std::vector<int> candidate_bits, ValueRanges ranges);

  int num_layers() const { return num_layers_; }
  int NumGenes() const { return 2 * num_layers_ + 1; }
  const std::vector<int>& candidate_bits() const { return bits_; }
  const ValueRanges& ranges() const { return ranges_; }

  // Throws rcdnn::Error for a wrong length or an index out of range.
  void Check(const Genome& genome) const;
  accel::Precision ToPrecision(const Genome& genome) const;
  // The genome with every gene at `bits` (must be a candidate).
  Genome Uniform(int bits) const;
  // "w8.6.6.8-a8.8.6.6.10": weight bits, then activation bits (input first).
  std::string Label(const Genome& genome) const;

 private:
  int num_layers_;
  std::vector<int> bits_;
  ValueRanges ranges_;
};

// Uniform precision with every tensor's fraction bits from its range
// ("uniform <n, f>" where f is chosen as the search chooses it).
accel::Precision UniformRangePrecision(int bits, const ValueRanges& ranges);

}  // namespace rcdnn::precision
