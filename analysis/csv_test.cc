#include "analysis/csv.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::analysis {
namespace {

std::string ErrorOf(const std::string& text) {
  try {
    ParseCsv(text, "f.csv");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Csv, PlainQuotedAndEmptyFields) {
  const auto records = ParseCsv("a,b,c\n1,\"x, y\",\n\"say \"\"hi\"\"\",,z\n", "f.csv");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"1", "x, y", ""}));
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"say \"hi\"", "", "z"}));
  EXPECT_EQ(records[2].line, 3);
}

TEST(Csv, CommentsBlankLinesAndCrlfKeepFileLineNumbers) {
  const auto records = ParseCsv("# comment\r\n\r\nh1,h2\r\n# another\r\nv1,\"v2\"\r\n", "f.csv");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 3);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(records[1].line, 5);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"v1", "v2"}));
}

TEST(Csv, QuotedFieldSpansLines) {
  const auto records = ParseCsv("a,\"two\nlines\"\nb,c\n", "f.csv");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields[1], "two\nlines");
  EXPECT_EQ(records[1].line, 3);
}

TEST(Csv, NoTrailingNewline) {
  const auto records = ParseCsv("a,b", "f.csv");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b"}));
}

TEST(Csv, ErrorsNameFileAndLine) {
  EXPECT_EQ(ErrorOf("a,b\nc,\"open\n"), "f.csv:2: unterminated quoted field");
  EXPECT_EQ(ErrorOf("a\n\"x\"y,z\n"), "f.csv:2: unexpected text after a closing quote");
}

TEST(Csv, FieldQuotingRoundTrips) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  const std::vector<std::string> fields = {"5,13,125", "x\"y", "", "z"};
  const auto records = ParseCsv(CsvLine(fields), "f.csv");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields, fields);
}

}  // namespace
}  // namespace rcdnn::analysis
