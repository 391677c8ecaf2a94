#include "accel_sim/fixed_point.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

const FixedPointFormat kQ32_16{32, 16};
const FixedPointFormat kQ16_10{16, 10};

// An independent reference in plain 128-bit integer arithmetic: round half
// away from zero as sign * floor((|x| + 2^(s-1)) / 2^s), then clamp.
int64_t ReferenceRoundShift(int64_t x, int s) {
  if (s == 0) return x;
  const __int128 magnitude = x < 0 ? -static_cast<__int128>(x) : static_cast<__int128>(x);
  const __int128 rounded = (magnitude + (static_cast<__int128>(1) << (s - 1))) >> s;
  return static_cast<int64_t>(x < 0 ? -rounded : rounded);
}

int64_t ReferenceRescale(int64_t acc, int acc_frac, FixedPointFormat out, bool* saturated) {
  __int128 value;
  if (acc_frac >= out.frac_bits) {
    value = ReferenceRoundShift(acc, acc_frac - out.frac_bits);
  } else {
    value = static_cast<__int128>(acc) * (static_cast<__int128>(1) << (out.frac_bits - acc_frac));
  }
  const __int128 hi = (static_cast<__int128>(1) << (out.total_bits - 1)) - 1;
  const __int128 lo = -(static_cast<__int128>(1) << (out.total_bits - 1));
  *saturated = value > hi || value < lo;
  return static_cast<int64_t>(value > hi ? hi : value < lo ? lo : value);
}

TEST(FixedPointFormat, RangesOfThePaperFormats) {
  EXPECT_EQ(kQ32_16.MaxRaw(), 2147483647);
  EXPECT_EQ(kQ32_16.MinRaw(), -2147483647 - 1);
  EXPECT_DOUBLE_EQ(kQ32_16.Resolution(), 1.0 / 65536);
  EXPECT_EQ(kQ16_10.MaxRaw(), 32767);
  EXPECT_DOUBLE_EQ(kQ16_10.MaxValue(), 32767.0 / 1024);
  EXPECT_DOUBLE_EQ(kQ16_10.MinValue(), -32.0);
  EXPECT_EQ(kQ16_10.ToString(), "<16,10>");
}

TEST(FixedPointFormat, ValidateRejectsBadFormats) {
  EXPECT_NO_THROW(ValidateFormat({32, 16}, "w"));
  EXPECT_NO_THROW(ValidateFormat({8, 0}, "w"));
  EXPECT_THROW(ValidateFormat({33, 16}, "w"), Error);
  EXPECT_THROW(ValidateFormat({16, 16}, "w"), Error);
  EXPECT_THROW(ValidateFormat({16, -1}, "w"), Error);
  try {
    ValidateFormat({16, 20}, "layer 'conv1' weight format");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("conv1"), std::string::npos);
  }
}

struct QuantizeCase {
  float x;
  FixedPointFormat format;
  int32_t expected;
  bool saturates;
  const char* why;
};

TEST(Quantize, TableOfRoundingAndOverflowCases) {
  const QuantizeCase cases[] = {
      {0.0f, kQ16_10, 0, false, "zero"},
      {1.0f, kQ16_10, 1024, false, "one is 2^f"},
      {-1.0f, kQ16_10, -1024, false, "minus one"},
      {0.5f / 1024, kQ16_10, 1, false, "tie +0.5 LSB rounds away from zero, up"},
      {-0.5f / 1024, kQ16_10, -1, false, "tie -0.5 LSB rounds away from zero, down"},
      {1.5f / 1024, kQ16_10, 2, false, "tie 1.5 LSB -> 2 (not to even: 2 either way)"},
      {2.5f / 1024, kQ16_10, 3, false, "tie 2.5 LSB -> 3 (ties to even would give 2)"},
      {-2.5f / 1024, kQ16_10, -3, false, "tie -2.5 LSB -> -3"},
      {0.49f / 1024, kQ16_10, 0, false, "below half an LSB -> 0"},
      {31.9990234375f, kQ16_10, 32767, false, "largest representable value, exact"},
      {32.0f, kQ16_10, 32767, true, "just beyond the range saturates to MaxRaw"},
      {-32.0f, kQ16_10, -32768, false, "the most negative value is exact"},
      {-32.001f, kQ16_10, -32768, true, "below the range saturates to MinRaw"},
      {1e30f, kQ16_10, 32767, true, "huge saturates"},
      {std::numeric_limits<float>::infinity(), kQ16_10, 32767, true, "+inf saturates"},
      {-std::numeric_limits<float>::infinity(), kQ16_10, -32768, true, "-inf saturates"},
      {1.0f, kQ32_16, 65536, false, "one in <32,16>"},
      {32767.0f, kQ32_16, 2147418112, false, "large but inside <32,16>"},
      {32768.0f, kQ32_16, 2147483647, true, "2^15 is beyond <32,16>"},
      {-32768.0f, kQ32_16, -2147483647 - 1, false, "-2^15 is <32,16>'s minimum, exact"},
  };
  for (const QuantizeCase& c : cases) {
    SaturationCounter saturations;
    EXPECT_EQ(Quantize(c.x, c.format, &saturations), c.expected) << c.why;
    EXPECT_EQ(saturations.count, c.saturates ? 1 : 0) << c.why;
  }
  EXPECT_THROW(Quantize(std::nanf(""), kQ16_10, nullptr), Error);
}

TEST(Quantize, DequantizeRoundTripsWithinHalfAnLsb) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-31.0f, 31.0f);
  for (int i = 0; i < 10000; ++i) {
    const float x = dist(rng);
    SaturationCounter saturations;
    const float back = Dequantize(Quantize(x, kQ16_10, &saturations), kQ16_10);
    EXPECT_LE(std::fabs(back - x), 0.5 / 1024 + 1e-7);
    EXPECT_EQ(saturations.count, 0);
  }
}

struct ShiftCase {
  int64_t x;
  int shift;
  int64_t expected;
  const char* why;
};

TEST(RoundingShiftRight, TableOfTies) {
  const ShiftCase cases[] = {
      {5, 1, 3, "2.5 -> 3, away from zero"},
      {-5, 1, -3, "-2.5 -> -3, away from zero"},
      {3, 1, 2, "1.5 -> 2"},
      {-3, 1, -2, "-1.5 -> -2"},
      {6, 2, 2, "1.5 -> 2"},
      {5, 2, 1, "1.25 -> 1"},
      {-5, 2, -1, "-1.25 -> -1"},
      {7, 2, 2, "1.75 -> 2"},
      {1, 1, 1, "0.5 -> 1"},
      {-1, 1, -1, "-0.5 -> -1"},
      {123, 0, 123, "shift 0 is the identity"},
      {std::numeric_limits<int64_t>::max(), 1, int64_t{1} << 62, "no overflow at INT64_MAX"},
      {std::numeric_limits<int64_t>::min(), 1, -(int64_t{1} << 62), "no overflow at INT64_MIN"},
      {std::numeric_limits<int64_t>::min(), 63, -1, "INT64_MIN / 2^63 = -1 exactly"},
  };
  for (const ShiftCase& c : cases) EXPECT_EQ(RoundingShiftRight(c.x, c.shift), c.expected) << c.why;
  EXPECT_THROW(RoundingShiftRight(1, 64), Error);
}

TEST(RoundingDivide, TiesAwayFromZero) {
  EXPECT_EQ(RoundingDivide(9, 2), 5);    // 4.5 -> 5
  EXPECT_EQ(RoundingDivide(-9, 2), -5);  // -4.5 -> -5
  EXPECT_EQ(RoundingDivide(10, 4), 3);   // 2.5 -> 3
  EXPECT_EQ(RoundingDivide(13, 9), 1);   // 1.44 -> 1
  EXPECT_EQ(RoundingDivide(14, 9), 2);   // 1.56 -> 2
  EXPECT_EQ(RoundingDivide(-14, 9), -2);
  EXPECT_EQ(RoundingDivide(0, 9), 0);
  EXPECT_THROW(RoundingDivide(1, 0), Error);
}

TEST(SaturatingAdd, SaturatesAndCounts) {
  SaturationCounter saturations;
  EXPECT_EQ(SaturatingAdd(int32_t{30000}, int32_t{2767}, kQ16_10, &saturations), 32767);  // exactly MaxRaw
  EXPECT_EQ(saturations.count, 0);
  EXPECT_EQ(SaturatingAdd(int32_t{30000}, int32_t{2768}, kQ16_10, &saturations), 32767);  // one past: clamps
  EXPECT_EQ(SaturatingAdd(int32_t{-30000}, int32_t{-2769}, kQ16_10, &saturations), -32768);
  EXPECT_EQ(saturations.count, 2);
  const int64_t big = std::numeric_limits<int64_t>::max() - 5;
  EXPECT_EQ(SaturatingAdd(big, int64_t{5}, &saturations), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(saturations.count, 2);
  EXPECT_EQ(SaturatingAdd(big, int64_t{6}, &saturations), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(SaturatingAdd(std::numeric_limits<int64_t>::min(), int64_t{-1}, &saturations),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(saturations.count, 4);
}

struct RescaleCase {
  int32_t weight;
  FixedPointFormat fmt_w;
  int32_t activation;
  FixedPointFormat fmt_a;
  FixedPointFormat fmt_out;
  int32_t expected;
  bool saturates;
  const char* why;
};

TEST(MultiplyRescale, TableAgainstHandComputedValues) {
  const RescaleCase cases[] = {
      {1024, kQ16_10, 1024, kQ16_10, kQ16_10, 1024, false, "1.0 x 1.0 = 1.0"},
      {512, kQ16_10, 3, kQ16_10, kQ16_10, 2, false, "0.5 x 3 LSB = 1.5 LSB, tie -> 2"},
      {512, kQ16_10, 5, kQ16_10, kQ16_10, 3, false, "0.5 x 5 LSB = 2.5 LSB, tie -> 3 (away from zero)"},
      {-512, kQ16_10, 5, kQ16_10, kQ16_10, -3, false, "-2.5 LSB, tie -> -3"},
      {512, kQ16_10, 1, kQ16_10, kQ16_10, 1, false, "0.5 LSB, tie -> 1"},
      {256, kQ16_10, 1, kQ16_10, kQ16_10, 0, false, "0.25 LSB -> 0"},
      {32767, kQ16_10, 2048, kQ16_10, kQ16_10, 32767, true, "~32 x 2 = 64 saturates <16,10>"},
      {-32768, kQ16_10, 2048, kQ16_10, kQ16_10, -32768, true, "-32 x 2 = -64 saturates"},
      {-32768, kQ16_10, -1024, kQ16_10, kQ16_10, 32767, true, "-32 x -1 = +32: one LSB beyond the range"},
      {65536, kQ32_16, 1024, kQ16_10, kQ32_16, 65536, false, "mixed formats: 1.0 <32,16> x 1.0 <16,10> -> <32,16>"},
      {3, kQ32_16, 1, kQ16_10, kQ16_10, 0, false, "3 x 2^-26 is far below <16,10>'s LSB"},
      {1, {16, 2}, 1, {16, 2}, {16, 6}, 4, false, "output has more fraction bits: exact left shift (2^-4 = 4 x 2^-6)"},
      {8191, {16, 0}, 8191, {16, 0}, {16, 2}, 32767, true, "left shift beyond the range saturates"},
  };
  for (const RescaleCase& c : cases) {
    SaturationCounter saturations;
    EXPECT_EQ(MultiplyRescale(c.weight, c.fmt_w, c.activation, c.fmt_a, c.fmt_out, &saturations), c.expected)
        << c.why;
    EXPECT_EQ(saturations.count, c.saturates ? 1 : 0) << c.why;
  }
}

// Bit for bit against the 128-bit reference over random sums, including
// ones far outside the output range.
TEST(RescaleAccumulator, MatchesPlainIntegerReference) {
  std::mt19937_64 rng(11);
  const FixedPointFormat outs[] = {kQ16_10, kQ32_16, {8, 3}, {24, 20}, {12, 11}};
  int64_t saturated_cases = 0;
  for (const FixedPointFormat& out : outs) {
    for (int acc_frac : {0, 6, 20, 26, 32, 40}) {
      for (int i = 0; i < 2000; ++i) {
        const int bits = static_cast<int>(rng() % 62);
        const int64_t acc = static_cast<int64_t>(rng() >> (63 - bits)) * ((rng() & 1) ? 1 : -1);
        bool ref_saturated = false;
        const int64_t expected = ReferenceRescale(acc, acc_frac, out, &ref_saturated);
        SaturationCounter saturations;
        ASSERT_EQ(RescaleAccumulator(acc, acc_frac, out, &saturations), expected)
            << "acc " << acc << " frac " << acc_frac << " out " << out.ToString();
        ASSERT_EQ(saturations.count, ref_saturated ? 1 : 0);
        saturated_cases += ref_saturated;
      }
    }
  }
  EXPECT_GT(saturated_cases, 1000);  // the overflow path was exercised
}

TEST(QuantizeToAccumulator, ScalesRoundsAndSaturates) {
  SaturationCounter saturations;
  EXPECT_EQ(QuantizeToAccumulator(1.0f, 26, &saturations), int64_t{1} << 26);
  EXPECT_EQ(QuantizeToAccumulator(-0.75f, 2, &saturations), -3);
  EXPECT_EQ(QuantizeToAccumulator(0.625f, 2, &saturations), 3);  // 2.5 -> 3
  EXPECT_EQ(saturations.count, 0);
  EXPECT_EQ(QuantizeToAccumulator(4.0f, 62, &saturations), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(saturations.count, 1);
  EXPECT_THROW(QuantizeToAccumulator(1.0f, 63, &saturations), Error);
}

}  // namespace
}  // namespace rcdnn::accel
