#include "accel_sim/exact_gemm.h"

#include <algorithm>
#include <string>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

constexpr int64_t kExactInDouble = int64_t{1} << 53;
constexpr int64_t kBiasLimit = int64_t{1} << 62;
constexpr int64_t kLargestWordMagnitude = int64_t{1} << 31;  // |INT32_MIN|

int64_t MaxAbs(const int32_t* values, int64_t n) {
  int64_t largest = 0;
  for (int64_t i = 0; i < n; ++i) largest = std::max(largest, values[i] < 0 ? -int64_t{values[i]} : int64_t{values[i]});
  return largest;
}

}  // namespace

bool SumsAreExactInDouble(int64_t reduction, int64_t max_abs_weight, int64_t max_abs_input, int64_t max_abs_bias) {
  if (reduction < 0 || max_abs_weight < 0 || max_abs_input < 0 || max_abs_bias < 0) return false;
  if (max_abs_bias >= kBiasLimit) return false;
  if (max_abs_weight > kLargestWordMagnitude || max_abs_input > kLargestWordMagnitude) return false;
  // 128-bit: factors of at most 2^63, 2^31 and 2^31 cannot overflow it.
  const unsigned __int128 bound = static_cast<unsigned __int128>(reduction) * static_cast<uint64_t>(max_abs_weight) *
                                  static_cast<uint64_t>(max_abs_input);
  return bound < static_cast<unsigned __int128>(kExactInDouble);
}

ExactGemmLayer::ExactGemmLayer(const Geometry& g, const std::vector<int32_t>& weights,
                               const std::vector<int64_t>& biases)
    : g_(g), biases_(biases) {
  if (g.op != Op::kMac) throw Error("exact gemm: " + g.name + " is not a conv or fc layer");
  const int64_t rows = g.M, cols = g.R();
  if (static_cast<int64_t>(weights.size()) != rows * cols || static_cast<int64_t>(biases.size()) != rows) {
    throw Error("exact gemm: " + g.name + " needs " + std::to_string(rows) + " x " + std::to_string(cols) +
                " weights and " + std::to_string(rows) + " biases");
  }
  weights_.resize(rows, cols);
  for (int64_t m = 0; m < rows; ++m) {
    for (int64_t r = 0; r < cols; ++r) weights_(m, r) = weights[m * cols + r];
  }
  max_abs_weight_ = MaxAbs(weights.data(), rows * cols);
  for (int64_t b : biases) {
    // -INT64_MIN overflows; such a bias fails the bound anyway.
    max_abs_bias_ = std::max(max_abs_bias_, b == INT64_MIN ? INT64_MAX : (b < 0 ? -b : b));
  }
  columns_.resize(cols, g.Positions());
  products_.resize(rows, g.Positions());
}

bool ExactGemmLayer::Applies(const std::vector<int32_t>& input) const {
  if (static_cast<int64_t>(input.size()) != g_.InputWords()) return false;
  return SumsAreExactInDouble(g_.R(), max_abs_weight_, MaxAbs(input.data(), g_.InputWords()), max_abs_bias_);
}

void ExactGemmLayer::Accumulate(const std::vector<int32_t>& input, std::vector<int64_t>* sums) {
  if (!Applies(input)) {
    throw Error("exact gemm: " + g_.name + ": this input's sums could reach 2^53; compute it pass by pass");
  }
  // Unroll the input: row r = (channel, ky, kx) of the reduction, column =
  // output position; taps outside the input (padding) are zero, as the tile's.
  for (int64_t r = 0; r < g_.R(); ++r) {
    const int64_t channel = r / g_.KK(), ky = (r % g_.KK()) / g_.k, kx = r % g_.k;
    double* row = columns_.row(r).data();
    const int32_t* plane = input.data() + channel * g_.Hin * g_.Win;
    for (int oy = 0; oy < g_.Ho; ++oy) {
      const int64_t iy = int64_t{oy} * g_.s - g_.pad + ky;
      for (int ox = 0; ox < g_.Wo; ++ox) {
        const int64_t ix = int64_t{ox} * g_.s - g_.pad + kx;
        const bool inside = iy >= 0 && iy < g_.Hin && ix >= 0 && ix < g_.Win;
        row[int64_t{oy} * g_.Wo + ox] = inside ? plane[iy * g_.Win + ix] : 0.0;
      }
    }
  }
  products_.noalias() = weights_ * columns_;
  const int64_t positions = g_.Positions();
  sums->resize(int64_t{g_.M} * positions);
  for (int64_t m = 0; m < g_.M; ++m) {
    const double* row = products_.row(m).data();
    for (int64_t p = 0; p < positions; ++p) (*sums)[m * positions + p] = biases_[m] + static_cast<int64_t>(row[p]);
  }
}

}  // namespace rcdnn::accel
