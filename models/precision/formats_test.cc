#include "models/precision/formats.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/error.h"

namespace rcdnn::precision {
namespace {

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// I = floor(log2 R) + 1 for R >= 1, else 0; f = n - 1 - I clamped.
TEST(FormatForRange, TableOfRanges) {
  EXPECT_EQ(IntegerBits(0.0), 0);
  EXPECT_EQ(IntegerBits(0.99), 0);
  EXPECT_EQ(IntegerBits(1.0), 1);   // 1.0 needs 2^1 > 1
  EXPECT_EQ(IntegerBits(1.5), 1);
  EXPECT_EQ(IntegerBits(2.0), 2);
  EXPECT_EQ(IntegerBits(31.9), 5);
  EXPECT_EQ(FormatForRange(8, 0.5), (accel::FixedPointFormat{8, 7}));   // [-1, 1)
  EXPECT_EQ(FormatForRange(8, 3.0), (accel::FixedPointFormat{8, 5}));   // [-4, 4)
  EXPECT_EQ(FormatForRange(16, 20.0), (accel::FixedPointFormat{16, 10}));  // <16,10>: [-32, 32)
  EXPECT_EQ(FormatForRange(4, 1000.0), (accel::FixedPointFormat{4, 0}));   // too big: f = 0, saturates
  // Wide words keep the accumulator's integer bits: at most 16 fraction bits.
  EXPECT_EQ(FormatForRange(16, 0.5), (accel::FixedPointFormat{16, 15}));
  EXPECT_EQ(FormatForRange(17, 0.5), (accel::FixedPointFormat{17, 16}));
  EXPECT_EQ(FormatForRange(32, 0.5), (accel::FixedPointFormat{32, 16}));
  EXPECT_EQ(FormatForRange(32, 3.0), (accel::FixedPointFormat{32, 16}));
  EXPECT_EQ(FormatForRange(32, 1e6), (accel::FixedPointFormat{32, 11}));  // 2^20 > 1e6: 31 - 20
  EXPECT_GE(FormatForRange(8, 3.0).MaxValue(), 3.0);
  EXPECT_THROW(FormatForRange(1, 0.5), Error);
  EXPECT_THROW(FormatForRange(33, 0.5), Error);
}

TEST(ParseBitList, SortsAndRejectsBadItems) {
  EXPECT_EQ(ParseBitList("16,4,8", "candidate-bits"), (std::vector<int>{4, 8, 16}));
  EXPECT_EQ(ParseBitList(" 6 , 10", "candidate-bits"), (std::vector<int>{6, 10}));
  EXPECT_NE(ErrorOf([] { ParseBitList("4,x", "candidate-bits"); }).find("'x' in '4,x' is not an integer"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseBitList("4,40", "candidate-bits"); }).find("40 bits is outside [2, 32]"),
            std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseBitList("4,4", "candidate-bits"); }).find("listed twice"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseBitList("", "candidate-bits"); }).find("--candidate-bits is empty"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseBitList("4,", "candidate-bits"); }).find("not an integer"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseBitList("8.5", "candidate-bits"); }).find("not an integer"), std::string::npos);
}

TEST(ParseFormat, AcceptsBracketsAndRejectsMalformed) {
  EXPECT_EQ(ParseFormat("<16,10>", "uniform-formats"), (accel::FixedPointFormat{16, 10}));
  EXPECT_EQ(ParseFormat("32,16", "uniform-formats"), (accel::FixedPointFormat{32, 16}));
  EXPECT_NE(ErrorOf([] { ParseFormat("<16,10", "uniform-formats"); }).find("not a format"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormat("<16>", "uniform-formats"); }).find("not a format"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormat("<16,16>", "uniform-formats"); }), "");  // f must be < n
  EXPECT_NE(ErrorOf([] { ParseFormat("<a,1>", "uniform-formats"); }).find("not an integer"), std::string::npos);
}

TEST(PrecisionSpace, GenomeToPrecisionAndLabel) {
  // Two layers: weights ranges 0.3, 5; activations: input 1.0, outputs 40, 3.
  const PrecisionSpace space(2, {4, 8, 16}, ValueRanges{{0.3, 5.0}, {1.0, 40.0, 3.0}});
  EXPECT_EQ(space.NumGenes(), 5);
  const Genome g = {1, 2, 0, 1, 2};  // w: 8, 16; a: 4 (input), 8, 16
  const accel::Precision p = space.ToPrecision(g);
  EXPECT_EQ(p.input, (accel::FixedPointFormat{4, 2}));            // range 1.0: I = 1
  EXPECT_EQ(p.layers[0].weights, (accel::FixedPointFormat{8, 7}));  // 0.3: I = 0
  EXPECT_EQ(p.layers[0].outputs, (accel::FixedPointFormat{8, 1}));  // 40: I = 6
  EXPECT_EQ(p.layers[1].weights, (accel::FixedPointFormat{16, 12}));  // 5: I = 3
  EXPECT_EQ(p.layers[1].outputs, (accel::FixedPointFormat{16, 13}));  // 3: I = 2
  EXPECT_EQ(space.Label(g), "w8.16-a4.8.16");
  EXPECT_EQ(space.Uniform(8), (Genome{1, 1, 1, 1, 1}));
  EXPECT_THROW(space.Uniform(10), Error);
  EXPECT_THROW(space.ToPrecision({1, 2, 0, 1}), Error);     // too short
  EXPECT_THROW(space.ToPrecision({1, 2, 0, 1, 3}), Error);  // index out of range
  EXPECT_THROW(PrecisionSpace(2, {4, 8}, ValueRanges{{0.3}, {1.0, 2.0, 3.0}}), Error);
  EXPECT_THROW(PrecisionSpace(2, {8, 4}, ValueRanges{{0.3, 1}, {1.0, 2.0, 3.0}}), Error);
  EXPECT_THROW(PrecisionSpace(2, {}, ValueRanges{{0.3, 1}, {1.0, 2.0, 3.0}}), Error);
}

TEST(UniformRangePrecision, SameBitsRangeChosenFractions) {
  const accel::Precision p = UniformRangePrecision(12, ValueRanges{{0.3, 5.0}, {1.0, 40.0, 3.0}});
  EXPECT_EQ(p.input, (accel::FixedPointFormat{12, 10}));
  EXPECT_EQ(p.layers[0].outputs, (accel::FixedPointFormat{12, 5}));
  EXPECT_EQ(p.layers[1].weights, (accel::FixedPointFormat{12, 8}));
}

}  // namespace
}  // namespace rcdnn::precision
