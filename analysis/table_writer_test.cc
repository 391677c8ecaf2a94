#include "analysis/table_writer.h"

#include <gtest/gtest.h>

#include "analysis/csv.h"
#include "analysis/test_store.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace rcdnn::analysis {
namespace {

Table Sample() {
  return Table{"table9", "Table 9: a | title",
               {"network", "widths", "note"},
               {{"LeNet", "5,13,125", "say \"hi\""}, {"a|b", "x<y & z", "two\nlines"}},
               {"a note"}};
}

TEST(TableWriter, CsvQuotesWhatNeedsQuoting) {
  EXPECT_EQ(ToCsv(Sample()),
            "network,widths,note\n"
            "LeNet,\"5,13,125\",\"say \"\"hi\"\"\"\n"
            "a|b,x<y & z,\"two\nlines\"\n");
  // And it parses back to the same cells.
  const auto records = ParseCsv(ToCsv(Sample()), "t.csv");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].fields, Sample().rows[1]);
}

TEST(TableWriter, MarkdownEscapesPipesAndLineBreaks) {
  EXPECT_EQ(ToMarkdown(Sample()),
            "# Table 9: a | title\n\n"
            "| network | widths | note |\n"
            "|---|---|---|\n"
            "| LeNet | 5,13,125 | say \"hi\" |\n"
            "| a\\|b | x<y & z | two<br>lines |\n"
            "\n- a note\n");
}

TEST(TableWriter, HtmlEscapesCells) {
  const std::string html = ToHtml(Sample());
  EXPECT_NE(html.find("<td>x&lt;y &amp; z</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>say &quot;hi&quot;</td>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"note\">a note</p>"), std::string::npos);
  EXPECT_EQ(HtmlEscape("<a href='x'>"), "&lt;a href=&#39;x&#39;&gt;");
}

TEST(TableWriter, RowOfWrongLengthIsAnError) {
  Table t = Sample();
  t.rows.push_back({"only one"});
  try {
    ToCsv(t);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "table table9: row 3 has 1 cells, the header 3");
  }
}

TEST(TableWriter, WritesCsvAndMarkdown) {
  const std::string dir = testing::TempDir("tables");
  const std::vector<std::string> files = WriteTable(Sample(), dir);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0], dir + "/table9.csv");
  EXPECT_EQ(ReadFileToString(files[0]), ToCsv(Sample()));
  EXPECT_EQ(ReadFileToString(files[1]), ToMarkdown(Sample()));
}

TEST(Comparison, PaperOursDiffRatio) {
  const Comparison c{"E (uJ)", Significant(4), true};
  EXPECT_EQ(c.Header(), (std::vector<std::string>{"E (uJ) paper", "E (uJ) ours", "E (uJ) diff", "E (uJ) ratio"}));
  EXPECT_EQ(c.Cells(5.59, 6.0), (std::vector<std::string>{"5.59", "6", "+0.41", "1.073"}));
  EXPECT_EQ(c.Cells(5.59, 5.0), (std::vector<std::string>{"5.59", "5", "-0.59", "0.894"}));
  // A side missing: no diff, no ratio.
  EXPECT_EQ(c.Cells(5.59, std::nullopt), (std::vector<std::string>{"5.59", "", "", ""}));
  EXPECT_EQ(c.Cells(std::nullopt, 5.0), (std::vector<std::string>{"", "5", "", ""}));
  // A paper value of zero has no ratio.
  EXPECT_EQ(c.Cells(0.0, 1.0)[3], "");
  const Comparison accuracy{"Acc.", Fixed(4), false};
  EXPECT_EQ(accuracy.Header().size(), 3u);
  EXPECT_EQ(accuracy.Cells(0.9760, 0.79), (std::vector<std::string>{"0.9760", "0.7900", "-0.1860"}));
  EXPECT_EQ(accuracy.Cells(0.5, 0.5)[2], "+0.0000");
}

TEST(Comparison, FormatNumber) {
  EXPECT_EQ(FormatNumber(1203.34, Significant(4)), "1203");
  EXPECT_EQ(FormatNumber(0.000123456, Significant(3)), "0.000123");
  EXPECT_EQ(FormatNumber(2.5, Fixed(2)), "2.50");
  EXPECT_EQ(FormatNumber(std::optional<double>(), Fixed(2)), "");
}

}  // namespace
}  // namespace rcdnn::analysis
