// Fixed-point arithmetic of the accelerator's datapath, bit for bit.
//
// Format <n, f> (the paper's notation, Table 1): an n-bit two's-complement
// integer q (2 <= n <= 32) stands for the real value q * 2^-f (0 <= f < n).
// <32,16> is Q15.16 with range [-32768, 32768 - 2^-16]; <16,10> is Q5.10 with
// range [-32, 32 - 2^-10].
//
// Rounding: every narrowing step (float -> <n,f>, accumulator -> <n,f>)
// rounds to nearest, ties AWAY from zero (std::round's rule; gemmlowp's
// RoundingDivideByPOT does the same): 2.5 LSB -> 3, -2.5 LSB -> -3.
//
// Overflow: never wraps. A result outside <n,f>'s range saturates to the
// nearest end of the range, and every saturation adds one to the
// SaturationCounter passed in (never silent; pass nullptr only where a
// saturation is impossible by construction).
//
// Products: a weight in <nw,fw> times an activation in <na,fa> is exact in a
// 64-bit accumulator with fw + fa fraction bits (|product| < 2^62), as
// DianNao's NFU-2 adder tree sums full-width products. Accumulation
// saturates at the int64 range (counted). Only at the NFU output is the sum
// rounded and saturated back to the output format (RescaleAccumulator).
#pragma once

#include <cstdint>
#include <string>

namespace rcdnn::accel {

// What the datapath computes in: the paper's Table 1 rows.
enum class Arithmetic { kFixed, kFloat32 };
const char* ArithmeticName(Arithmetic arithmetic);  // "fixed" / "float32"

struct FixedPointFormat {
  int total_bits = 32;  // n
  int frac_bits = 16;   // f

  int32_t MaxRaw() const { return static_cast<int32_t>((int64_t{1} << (total_bits - 1)) - 1); }
  int32_t MinRaw() const { return static_cast<int32_t>(-(int64_t{1} << (total_bits - 1))); }
  double Resolution() const;  // 2^-f, the value of one LSB
  double MaxValue() const;    // MaxRaw() * 2^-f
  double MinValue() const;    // MinRaw() * 2^-f
  std::string ToString() const;  // "<32,16>"
  bool operator==(const FixedPointFormat& o) const {
    return total_bits == o.total_bits && frac_bits == o.frac_bits;
  }
};

// Throws rcdnn::Error naming `what` unless 2 <= n <= 32 and 0 <= f < n.
void ValidateFormat(const FixedPointFormat& format, const std::string& what);

struct SaturationCounter {
  int64_t count = 0;
};

// float -> <n,f>: round(x * 2^f) (ties away from zero), saturated to
// [MinRaw, MaxRaw]. +-inf saturate (counted); NaN throws rcdnn::Error.
int32_t Quantize(float x, FixedPointFormat format, SaturationCounter* saturations);

// <n,f> -> float: raw * 2^-f (exact for n <= 24; for wider words float's
// 24-bit mantissa rounds to nearest even).
float Dequantize(int32_t raw, FixedPointFormat format);

// Clamps a wide value to <n,f>'s raw range, counting a clamp.
int32_t SaturateToFormat(int64_t raw, FixedPointFormat format, SaturationCounter* saturations);

// a + b in <n,f>, saturated to the format's range (counted).
int32_t SaturatingAdd(int32_t a, int32_t b, FixedPointFormat format, SaturationCounter* saturations);

// a + b in the 64-bit accumulator, saturated to [INT64_MIN, INT64_MAX] (counted).
int64_t SaturatingAdd(int64_t a, int64_t b, SaturationCounter* saturations);

// x / 2^shift rounded to nearest, ties away from zero; 0 <= shift <= 63.
// Exact for every int64 x (works on the magnitude, no intermediate overflow).
int64_t RoundingShiftRight(int64_t x, int shift);

// x / divisor rounded to nearest, ties away from zero; divisor > 0.
int64_t RoundingDivide(int64_t x, int64_t divisor);

// Exact product of two raw values: the accumulator has fw + fa fraction bits.
inline int64_t MultiplyToAccumulator(int32_t weight, int32_t activation) {
  return int64_t{weight} * int64_t{activation};
}

// An accumulator with `acc_frac_bits` fraction bits -> <n,f>: rounding shift
// right by acc_frac_bits - f (ties away from zero), or a left shift when f is
// larger (saturating), then saturation to <n,f> (counted).
int32_t RescaleAccumulator(int64_t acc, int acc_frac_bits, FixedPointFormat out,
                           SaturationCounter* saturations);

// One weight (in fmt_w) times one activation (in fmt_a), through the wide
// accumulator, rounded and saturated to fmt_out: the NFU's path for a single
// product. Equal to RescaleAccumulator(MultiplyToAccumulator(w, a), fw + fa, out).
int32_t MultiplyRescale(int32_t weight, FixedPointFormat fmt_w, int32_t activation,
                        FixedPointFormat fmt_a, FixedPointFormat fmt_out,
                        SaturationCounter* saturations);

// float -> accumulator scale (acc_frac_bits fraction bits, 0..62): how a bias
// enters the adder tree. round(x * 2^acc_frac_bits), saturated to int64 (counted).
int64_t QuantizeToAccumulator(float x, int acc_frac_bits, SaturationCounter* saturations);

}  // namespace rcdnn::accel
