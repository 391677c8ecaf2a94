#include "analysis/paper_values.h"

#include <gtest/gtest.h>

#include <map>

#include "common/error.h"

namespace rcdnn::analysis {
namespace {

const char kValues[] = "analysis/paper/paper_values.csv";
const char kFigures[] = "analysis/paper/figures.csv";
const char kHeader[] = "table,row,column,value,unit,note\n";

std::string ErrorOf(const std::string& text) {
  try {
    PaperValues::Parse(text, "v.csv");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A typo that drops or duplicates a row changes these counts.
TEST(PaperValues, EveryTableHasAllItsCells) {
  const PaperValues values = PaperValues::Load(kValues);
  const std::map<std::string, size_t> expected = {
      {"table1", 9},   // 3 designs x area, power, delay
      {"table2", 38},  // 10 components x 4 columns, less the 2 blank cells of "Total"
      {"table3", 23},  // 7 + 8 + 8 listed layers (inputs included)
      {"table4", 24},  // 3 networks x 4 increments x T, E
      {"table5", 24},  // 3 networks x 4 increments x T, E
      {"table6", 6},   // 2 schemes x 3 networks
      {"table7", 14},  // 3 counts, 7 fractions, 4 thresholds
      {"table8", 21},  // 7 increments x Acc., Acc. golden, E
      {"table9", 8},   // 3 + 3 + 2 (the paper omits ALEXnet's GPU cell)
      {"prose", 19},
  };
  std::map<std::string, size_t> counted;
  for (const PaperValue& v : values.all()) ++counted[v.table];
  EXPECT_EQ(counted, expected);
}

TEST(PaperValues, KnownCells) {
  const PaperValues values = PaperValues::Load(kValues);
  EXPECT_DOUBLE_EQ(values.Number("table4", "LeNet incr 1", "T"), 4.61);
  EXPECT_DOUBLE_EQ(values.Number("table4", "ConvNets incr 4", "E"), 1443.90);
  EXPECT_DOUBLE_EQ(values.Number("table5", "ALEXnet incr 4", "E"), 31300);
  EXPECT_EQ(values.Find("table5", "ALEXnet incr 4", "E")->text, "3.13e04");
  EXPECT_DOUBLE_EQ(values.Number("table1", "Fixed Point <16,10>", "Power"), 574.8);
  EXPECT_DOUBLE_EQ(values.Number("table2", "Sb (Weights Buffer)", "Power"), 979.96);
  EXPECT_DOUBLE_EQ(values.Number("table6", "Big/Little", "ALEXnet"), 96.43);
  EXPECT_DOUBLE_EQ(values.Number("table7", "LeNet incr 2", "threshold"), 0.85);
  EXPECT_DOUBLE_EQ(values.Number("table7", "ALEXnet", "Num Incr."), 2);
  EXPECT_DOUBLE_EQ(values.Number("table8", "ConvNets incr 2", "Acc. golden"), 0.8691);
  EXPECT_DOUBLE_EQ(values.Number("table9", "Acc. Energy Savings", "LeNet"), 95.53);
  EXPECT_EQ(values.Find("table3", "layer 3", "ConvNets")->text, "conv 7×7×512");
  EXPECT_EQ(values.Find("table9", "GPU Energy Savings", "ALEXnet"), nullptr);  // omitted in the paper
  const PaperValue* negligible = values.Find("table2", "Buffer/Inverter", "Power");
  ASSERT_NE(negligible, nullptr);
  EXPECT_EQ(negligible->text, "Neg.");
  EXPECT_FALSE(negligible->number.has_value());
  EXPECT_THROW(values.Number("table2", "Buffer/Inverter", "Power"), Error);
  EXPECT_THROW(values.Number("table4", "LeNet incr 5", "T"), Error);
}

// The paper states the full network's energy twice (Tables 4 and 8): the two
// typed-in copies must agree.
TEST(PaperValues, FullNetworkEnergyAgreesBetweenTables4And8) {
  const PaperValues values = PaperValues::Load(kValues);
  EXPECT_EQ(values.Number("table8", "LeNet incr 3", "E"), values.Number("table4", "LeNet incr 4", "E"));
  EXPECT_EQ(values.Number("table8", "ConvNets incr 2", "E"), values.Number("table4", "ConvNets incr 4", "E"));
  EXPECT_EQ(values.Number("table8", "ALEXnet incr 2", "E"), values.Number("table4", "ALEXnet incr 4", "E"));
  for (const char* network : {"LeNet", "ConvNets", "ALEXnet"}) {
    const std::string incr1 = std::string(network) + " incr 1";
    EXPECT_EQ(values.Number("table8", incr1, "E"), values.Number("table4", incr1, "E")) << network;
  }
}

TEST(PaperValues, MalformedFilesNameTheLine) {
  EXPECT_EQ(ErrorOf("table,row,column,value,unit\n"), "v.csv:1: the header must be 'table,row,column,value,unit,note'");
  EXPECT_EQ(ErrorOf(""), "v.csv: empty file; expected the header 'table,row,column,value,unit,note'");
  // Comment lines count: the bad record is on line 4 of the file.
  EXPECT_EQ(ErrorOf(std::string("# c\n") + kHeader + "# c\ntable4,LeNet incr 1,T,4.61,us\n"),
            "v.csv:4: expected 6 fields, found 5 (quote a field that holds a comma)");
  EXPECT_EQ(ErrorOf(std::string(kHeader) + "table4,LeNet incr 1,T,4.6l,us,\n"),
            "v.csv:2: value '4.6l' of table4 / LeNet incr 1 / T is not a number (give unit 'text' for a text cell)");
  EXPECT_EQ(ErrorOf(std::string(kHeader) + "table4,LeNet incr 1,T,,us,\n"), "v.csv:2: empty value");
  EXPECT_EQ(ErrorOf(std::string(kHeader) + "table4,LeNet incr 1,T,4.61,us,\ntable4,LeNet incr 1,T,4.62,us,\n"),
            "v.csv:3: table4 / LeNet incr 1 / T is already given on line 2");
  EXPECT_EQ(ErrorOf(std::string(kHeader) + "table1,\"Fixed Point <32,16>,Area,14.13,mm2,\n"),
            "v.csv:2: unterminated quoted field");
  EXPECT_EQ(ErrorOf(std::string(kHeader) + "table4,LeNet incr 1,T,inf,us,\n").substr(0, 25), "v.csv:2: value 'inf' of t");
}

TEST(PaperValues, TextCellsNeedNoNumber) {
  const PaperValues values = PaperValues::Parse(std::string(kHeader) + "table3,input,LeNet,28×28,text,\n", "v.csv");
  ASSERT_EQ(values.all().size(), 1u);
  EXPECT_EQ(values.all()[0].text, "28×28");
  EXPECT_EQ(values.all()[0].line, 2);
}

TEST(PaperFigures, ListsResultFiguresWithoutNumbers) {
  const std::vector<PaperFigure> figures = LoadPaperFigures(kFigures);
  std::vector<std::string> ids;
  for (const PaperFigure& f : figures) {
    ids.push_back(f.id);
    EXPECT_EQ(f.note, "the paper prints only a figure (no numbers)") << f.id;
    EXPECT_FALSE(f.title.empty()) << f.id;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"fig6", "fig7", "fig8", "fig9", "fig10", "fig11"}));
  EXPECT_THROW(ParsePaperFigures("figure,title\n", "f.csv"), Error);
}

}  // namespace
}  // namespace rcdnn::analysis
