#include "results/table_format.h"

#include <gtest/gtest.h>

namespace rcdnn::results {
namespace {

TEST(TableFormat, AlignsColumnsWithoutTrailingSpaces) {
  const TextTable table{{"id", "name", "v"}, {{"1", "accuracy", "9"}, {"12", "x", ""}}};
  EXPECT_EQ(FormatAligned(table),
            "id  name      v\n"
            "--  --------  -\n"
            "1   accuracy  9\n"
            "12  x\n");
}

TEST(TableFormat, CsvQuotesOnlyWhatNeedsIt) {
  const TextTable table{{"width", "note"}, {{"8,16", "say \"hi\""}, {"0.25", "plain"}}};
  EXPECT_EQ(FormatCsv(table),
            "width,note\n"
            "\"8,16\",\"say \"\"hi\"\"\"\n"
            "0.25,plain\n");
}

TEST(TableFormat, DoublesReadBackExactly) {
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(90.0), "90");
  EXPECT_EQ(FormatDouble(1e-7), "1e-07");
  const double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(FormatDouble(third)), third);
}

}  // namespace
}  // namespace rcdnn::results
