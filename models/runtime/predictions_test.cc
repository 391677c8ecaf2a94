#include "models/runtime/predictions.h"

#include <gtest/gtest.h>

#include "common/atomic_file.h"
#include "models/runtime/test_util.h"

namespace rcdnn::models::runtime {
namespace {

using testing::ErrorOf;

const std::string kHeader = "network,method,increment,width,split,index,label,predicted,margin\n";

// Two increments and two golden widths of "tiny" on 2 val and 2 test images.
std::string SampleCsv() {
  std::string csv = kHeader;
  for (const char* split : {"val", "test"}) {
    const std::string s = split;
    csv += "tiny,incremental,1,\"2,3\"," + s + ",0,1,1,0.9\n";
    csv += "tiny,incremental,1,\"2,3\"," + s + ",1,2,0,0.1\n";
    csv += "tiny,incremental,2,\"4,6\"," + s + ",0,1,1,0.95\n";
    csv += "tiny,incremental,2,\"4,6\"," + s + ",1,2,2,0.5\n";
    csv += "tiny,golden,1,\"4,6\"," + s + ",0,1,1,1\n";
    csv += "tiny,golden,1,\"4,6\"," + s + ",1,2,2,0.7\n";
    csv += "tiny,golden,1,\"2,3\"," + s + ",0,1,0,0.2\n";
    csv += "tiny,golden,1,\"2,3\"," + s + ",1,2,2,0.3\n";
  }
  return csv;
}

TEST(PredictionsTest, ReadsIncrementsAndGoldenWidths) {
  const PredictionsFile file = ParsePredictionsCsv(SampleCsv(), "p.csv");
  EXPECT_EQ(file.sets.size(), 8u);
  EXPECT_EQ(MethodsOf(file, "tiny"), (std::vector<std::string>{"golden", "incremental"}));
  const IncrementSeries val = SelectIncrements(file, "tiny", "incremental", "val", 0);
  ASSERT_EQ(val.NumIncrements(), 2);
  EXPECT_EQ(val.NumImages(), 2);
  EXPECT_EQ(val.widths[0], (Widths{2, 3}));
  EXPECT_EQ(val.widths[1], (Widths{4, 6}));
  EXPECT_EQ(val.increments[0].predicted, (std::vector<int>{1, 0}));
  EXPECT_DOUBLE_EQ(val.increments[0].margin[1], 0.1);
  EXPECT_DOUBLE_EQ(val.increments[0].Accuracy(), 0.5);
  EXPECT_DOUBLE_EQ(val.increments[1].Accuracy(), 1.0);
  EXPECT_EQ(SelectIncrements(file, "tiny", "incremental", "test", 1).NumIncrements(), 1);
  const std::vector<WidthPredictions> golden = SelectByWidth(file, "tiny", "golden", "test");
  ASSERT_EQ(golden.size(), 2u);
  EXPECT_EQ(golden[0].widths, (Widths{2, 3}));  // ascending width
  EXPECT_DOUBLE_EQ(golden[1].predictions.margin[0], 1.0);
  EXPECT_TRUE(SelectByWidth(file, "tiny", "shutdown", "test").empty());
}

TEST(PredictionsTest, AcceptsCrlfAndBlankLines) {
  std::string csv = SampleCsv();
  std::string crlf;
  for (char c : csv) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(ParsePredictionsCsv(crlf + "\r\n", "p.csv").sets.size(), 8u);
}

TEST(PredictionsTest, RejectsBadHeader) {
  EXPECT_NE(ErrorOf([] { ParsePredictionsCsv("network,method\n", "p.csv"); }).find("p.csv:1: bad header"),
            std::string::npos);
}

TEST(PredictionsTest, RejectsEmptyAndHeaderOnly) {
  EXPECT_NE(ErrorOf([] { ParsePredictionsCsv("", "p.csv"); }).find("p.csv is empty"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParsePredictionsCsv(kHeader, "p.csv"); }).find("no prediction rows"), std::string::npos);
}

TEST(PredictionsTest, MissingFileNamesThePath) {
  EXPECT_NE(ErrorOf([] { ReadPredictionsCsv(testing::TempPath("absent.csv")); }).find("absent.csv"),
            std::string::npos);
}

TEST(PredictionsTest, MalformedLinesGiveTheirLineNumber) {
  const std::string first = "tiny,incremental,1,\"2,3\",val,0,1,1,0.9\n";
  struct Case {
    std::string line;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"tiny,incremental,1,\"2,3\",val,1,1,1\n", "p.csv:3: expected 9 fields"},
           {"tiny,incremental,1,\"2,3\",val,1,1,1,abc\n", "p.csv:3: margin 'abc'"},
           {"tiny,incremental,1,\"2,3\",val,1,1,1,1.5\n", "p.csv:3: margin 1.5 is outside [0, 1]"},
           {"tiny,incremental,1,\"2,3\",val,1,1,1,nan\n", "p.csv:3: margin 'nan'"},
           {"tiny,incremental,1,\"2,3\",train,1,1,1,0.5\n", "p.csv:3: split 'train'"},
           {"tiny,incremental,1,\"2,3\",val,5,1,1,0.5\n", "p.csv:3: index 5"},
           {"tiny,incremental,1,\"2,3\",val,0,1,1,0.5\n", "p.csv:3: index 0"},  // duplicate row
           {"tiny,incremental,-1,\"2,3\",val,1,1,1,0.5\n", "p.csv:3: increment -1"},
           {"tiny,incremental,1,\"2,x\",val,1,1,1,0.5\n", "p.csv:3: width entry 'x'"},
           {"tiny,incremental,1,\"2,3,val,1,1,1,0.5\n", "p.csv:3: unterminated"},
           {"tiny,incremental,1,\"2,3\",val,1,-2,1,0.5\n", "p.csv:3: label -2"},
       }) {
    const std::string message = ErrorOf([&] { ParsePredictionsCsv(kHeader + first + c.line, "p.csv"); });
    EXPECT_NE(message.find(c.message), std::string::npos) << c.line << " -> " << message;
  }
}

TEST(PredictionsTest, FewerIncrementsThanAskedIsAnError) {
  const PredictionsFile file = ParsePredictionsCsv(SampleCsv(), "p.csv");
  const std::string message = ErrorOf([&] { SelectIncrements(file, "tiny", "incremental", "val", 3); });
  EXPECT_NE(message.find("3 increments asked, the file has 2"), std::string::npos) << message;
}

TEST(PredictionsTest, EmptyTestSetIsAnError) {
  std::string csv = kHeader + "tiny,incremental,1,\"2,3\",val,0,1,1,0.9\n";
  const PredictionsFile file = ParsePredictionsCsv(csv, "p.csv");
  const std::string message = ErrorOf([&] { SelectIncrements(file, "tiny", "incremental", "test", 0); });
  EXPECT_NE(message.find("empty test set"), std::string::npos) << message;
}

TEST(PredictionsTest, MissingMiddleIncrementIsAnError) {
  std::string csv = kHeader + "tiny,incremental,1,\"2,3\",val,0,1,1,0.9\n" +
                    "tiny,incremental,3,\"4,6\",val,0,1,1,0.9\n";
  const PredictionsFile file = ParsePredictionsCsv(csv, "p.csv");
  EXPECT_NE(ErrorOf([&] { SelectIncrements(file, "tiny", "incremental", "val", 0); }).find("not 1..2"),
            std::string::npos);
}

TEST(PredictionsTest, IncrementsOnOtherImagesAreAnError) {
  std::string csv = kHeader + "tiny,incremental,1,\"2,3\",val,0,1,1,0.9\n" +
                    "tiny,incremental,2,\"4,6\",val,0,7,1,0.9\n";
  const PredictionsFile file = ParsePredictionsCsv(csv, "p.csv");
  const std::string message = ErrorOf([&] { SelectIncrements(file, "tiny", "incremental", "val", 0); });
  EXPECT_NE(message.find("image 0 has label 1 vs 7"), std::string::npos) << message;
}

}  // namespace
}  // namespace rcdnn::models::runtime
