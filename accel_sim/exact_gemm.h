// A fixed-point conv or fc layer of the bit-accurate tile computed as one
// matrix product in double, with the same bits as pass after pass on the NFU.
//
// Why this is exact: the NFU adds each pass's products in a saturating adder
// tree and the passes into a saturating 64-bit accumulator (nfu.h). When
// reduction x max|weight| x max|input| < 2^53, every partial sum of the
// products, in any order, is an integer below 2^53: double holds it exactly,
// no adder saturates, and the tree's result is the plain sum. With |bias| <
// 2^62 the accumulator (bias + partial sums) stays inside int64 as well. A
// BLAS-style product (any blocking, any FMA contraction) then gives exactly
// bias + sum of products, which the tile would also have computed.
//
// The bound is checked per input with the input's own largest value, so the
// precision search's narrow formats and the paper's <32,16> with real
// activations both take this path; an input that could reach 2^53 does not
// (RunBitAccurate then walks the passes).
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "accel_sim/mapper.h"

namespace rcdnn::accel {

// True when `reduction` products of |weight| <= max_abs_weight and |input|
// <= max_abs_input sum below 2^53 in magnitude and |bias| < 2^62. Any
// argument that is negative, or a weight or input above 2^31 (no int32 word
// is), gives false.
bool SumsAreExactInDouble(int64_t reduction, int64_t max_abs_weight, int64_t max_abs_input, int64_t max_abs_bias);

class ExactGemmLayer {
 public:
  // `weights`: g.M x g.R() raw words, row-major (the tile's active block);
  // `biases`: g.M values at the accumulator's scale. g.op must be kMac.
  ExactGemmLayer(const Geometry& g, const std::vector<int32_t>& weights, const std::vector<int64_t>& biases);

  // Whether this input (g.C x Hin x Win raw words) keeps every sum exact.
  bool Applies(const std::vector<int32_t>& input) const;

  // The accumulator of every output (g.M x Ho x Wo, channel-major): bias plus
  // the sum of its products, at the accumulator's scale. Throws rcdnn::Error
  // unless Applies(input). Not const: it reuses its scratch matrices.
  void Accumulate(const std::vector<int32_t>& input, std::vector<int64_t>* sums);

 private:
  using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  Geometry g_;
  RowMajorMatrix weights_;  // M x R
  std::vector<int64_t> biases_;
  int64_t max_abs_weight_ = 0;
  int64_t max_abs_bias_ = 0;
  RowMajorMatrix columns_;   // R x positions: the input unrolled (im2col)
  RowMajorMatrix products_;  // M x positions
};

}  // namespace rcdnn::accel
