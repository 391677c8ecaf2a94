#include "accel_sim/fixed_point.h"

#include <cmath>
#include <limits>

#include "common/error.h"

namespace rcdnn::accel {

const char* ArithmeticName(Arithmetic arithmetic) {
  return arithmetic == Arithmetic::kFixed ? "fixed" : "float32";
}

double FixedPointFormat::Resolution() const { return std::ldexp(1.0, -frac_bits); }
double FixedPointFormat::MaxValue() const { return MaxRaw() * Resolution(); }
double FixedPointFormat::MinValue() const { return MinRaw() * Resolution(); }

std::string FixedPointFormat::ToString() const {
  return "<" + std::to_string(total_bits) + "," + std::to_string(frac_bits) + ">";
}

void ValidateFormat(const FixedPointFormat& format, const std::string& what) {
  if (format.total_bits < 2 || format.total_bits > 32) {
    throw Error(what + ": fixed-point format " + format.ToString() + " needs 2 <= total bits <= 32");
  }
  if (format.frac_bits < 0 || format.frac_bits >= format.total_bits) {
    throw Error(what + ": fixed-point format " + format.ToString() + " needs 0 <= fraction bits < total bits");
  }
}

static void Count(SaturationCounter* saturations) {
  if (saturations != nullptr) ++saturations->count;
}

int32_t SaturateToFormat(int64_t raw, FixedPointFormat format, SaturationCounter* saturations) {
  if (raw > format.MaxRaw()) {
    Count(saturations);
    return format.MaxRaw();
  }
  if (raw < format.MinRaw()) {
    Count(saturations);
    return format.MinRaw();
  }
  return static_cast<int32_t>(raw);
}

int32_t Quantize(float x, FixedPointFormat format, SaturationCounter* saturations) {
  if (std::isnan(x)) throw Error("Quantize: NaN cannot be represented in " + format.ToString());
  // x * 2^f is exact in double (float's 24-bit mantissa, power-of-two scale);
  // std::round rounds halfway cases away from zero.
  const double scaled = std::round(static_cast<double>(x) * std::ldexp(1.0, format.frac_bits));
  if (scaled > format.MaxRaw()) {
    Count(saturations);
    return format.MaxRaw();
  }
  if (scaled < format.MinRaw()) {
    Count(saturations);
    return format.MinRaw();
  }
  return static_cast<int32_t>(scaled);
}

float Dequantize(int32_t raw, FixedPointFormat format) {
  return static_cast<float>(std::ldexp(static_cast<double>(raw), -format.frac_bits));
}

int32_t SaturatingAdd(int32_t a, int32_t b, FixedPointFormat format, SaturationCounter* saturations) {
  return SaturateToFormat(int64_t{a} + int64_t{b}, format, saturations);
}

int64_t SaturatingAdd(int64_t a, int64_t b, SaturationCounter* saturations) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    Count(saturations);
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  return sum;
}

int64_t RoundingShiftRight(int64_t x, int shift) {
  if (shift < 0 || shift > 63) throw Error("RoundingShiftRight: shift " + std::to_string(shift) + " outside [0, 63]");
  if (shift == 0) return x;
  // Work on the magnitude: |x| / 2^s rounded half up is floor(|x| / 2^s) plus
  // the bit just below the cut. Negating the rounded magnitude gives ties
  // away from zero on both sides.
  const bool negative = x < 0;
  const uint64_t magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  const uint64_t rounded = (magnitude >> shift) + ((magnitude >> (shift - 1)) & 1u);
  return negative ? -static_cast<int64_t>(rounded) : static_cast<int64_t>(rounded);
}

int64_t RoundingDivide(int64_t x, int64_t divisor) {
  if (divisor <= 0) throw Error("RoundingDivide: divisor " + std::to_string(divisor) + " must be positive");
  const bool negative = x < 0;
  const uint64_t magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  const uint64_t d = static_cast<uint64_t>(divisor);
  const uint64_t quotient = magnitude / d;
  const uint64_t remainder = magnitude % d;
  const uint64_t rounded = quotient + (remainder >= d - remainder ? 1u : 0u);  // 2r >= d, overflow-free
  return negative ? -static_cast<int64_t>(rounded) : static_cast<int64_t>(rounded);
}

int32_t RescaleAccumulator(int64_t acc, int acc_frac_bits, FixedPointFormat out, SaturationCounter* saturations) {
  const int shift = acc_frac_bits - out.frac_bits;
  if (shift >= 0) return SaturateToFormat(RoundingShiftRight(acc, shift), out, saturations);
  // More fraction bits at the output than in the accumulator: exact left
  // shift unless the value is already beyond the output's range.
  const int left = -shift;
  if (acc > (int64_t{out.MaxRaw()} >> left)) {
    Count(saturations);
    return out.MaxRaw();
  }
  if (acc < -((-int64_t{out.MinRaw()}) >> left)) {
    Count(saturations);
    return out.MinRaw();
  }
  return SaturateToFormat(acc * (int64_t{1} << left), out, saturations);
}

int32_t MultiplyRescale(int32_t weight, FixedPointFormat fmt_w, int32_t activation, FixedPointFormat fmt_a,
                        FixedPointFormat fmt_out, SaturationCounter* saturations) {
  return RescaleAccumulator(MultiplyToAccumulator(weight, activation), fmt_w.frac_bits + fmt_a.frac_bits, fmt_out,
                            saturations);
}

int64_t QuantizeToAccumulator(float x, int acc_frac_bits, SaturationCounter* saturations) {
  if (std::isnan(x)) throw Error("QuantizeToAccumulator: NaN cannot be represented");
  if (acc_frac_bits < 0 || acc_frac_bits > 62) {
    throw Error("QuantizeToAccumulator: accumulator fraction bits " + std::to_string(acc_frac_bits) +
                " outside [0, 62]");
  }
  const double scaled = std::round(static_cast<double>(x) * std::ldexp(1.0, acc_frac_bits));
  const double limit = std::ldexp(1.0, 63);  // INT64_MAX + 1, exactly representable
  if (scaled >= limit) {
    Count(saturations);
    return std::numeric_limits<int64_t>::max();
  }
  if (scaled < -limit) {
    Count(saturations);
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(scaled);
}

}  // namespace rcdnn::accel
