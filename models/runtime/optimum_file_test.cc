#include "models/runtime/optimum_file.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::models::runtime {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseOptimumFile(text, "opt.txt");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(OptimumFile, RoundTripsTheSweepsFractions) {
  // A grid point as the sweep sums it (0.35000000000000003), written 0.35.
  const std::string text = FormatOptimumFile({0.25, 0.1 + 0.2 + 0.05, 1.0}, "Table 7 optimum of lenet");
  EXPECT_NE(text.find("\n0.25,0.35,1\n"), std::string::npos) << text;
  EXPECT_EQ(ParseOptimumFile(text, "opt.txt"), (std::vector<double>{0.25, 0.35, 1.0}));
}

TEST(OptimumFile, SkipsCommentsAndBlankLines) {
  EXPECT_EQ(ParseOptimumFile("# a\n\n# b\r\n0.25,1\r\n\n", "opt.txt"), (std::vector<double>{0.25, 1.0}));
  EXPECT_EQ(ParseOptimumFile("1\n", "opt.txt"), (std::vector<double>{1.0}));
}

TEST(OptimumFile, BadFilesSayWhatIsWrongAndWhere) {
  EXPECT_NE(ErrorOf("# only a comment\n").find("opt.txt holds no fractions"), std::string::npos);
  EXPECT_NE(ErrorOf("").find("is it truncated"), std::string::npos);
  EXPECT_NE(ErrorOf("# c\n0.25,x,1\n").find("opt.txt:2: --fractions: 'x' is not a fraction"), std::string::npos);
  EXPECT_NE(ErrorOf("0.5,0.25,1\n").find("opt.txt:1: fractions must increase"), std::string::npos);
  EXPECT_NE(ErrorOf("0.25,0.5\n").find("must be the full network"), std::string::npos);
  EXPECT_NE(ErrorOf("0.25,1\n0.5,1\n").find("opt.txt:2: a second line"), std::string::npos);
  EXPECT_NE(ErrorOf("0.25,1.5\n").find("'1.5' is not a fraction"), std::string::npos);
}

}  // namespace
}  // namespace rcdnn::models::runtime
