// The paper's printed numbers as data: analysis/paper/paper_values.csv holds
// every cell of Tables 1-9 (and the prose numbers the claims quote), typed in
// once; analysis/paper/figures.csv describes the result figures, for which the
// paper prints no numbers.
//
// paper_values.csv has the header `table,row,column,value,unit,note`; each
// (table, row, column) appears once. `value` is a number exactly as printed
// ("1.64e03" stays "1.64e03" in `text`) unless `unit` is "text".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace rcdnn::analysis {

struct PaperValue {
  std::string table, row, column;
  std::string text;               // the value as printed
  std::optional<double> number;   // parsed from text; empty when unit == "text"
  std::string unit, note;
  int line = 0;                   // line in the CSV file
};

class PaperValues {
 public:
  // Throws rcdnn::Error "<source_name>:<line>: ..." for a wrong header, a
  // record without exactly six fields, an empty table/row/column/value/unit,
  // a value that is not a finite number (unless unit is "text"), or a
  // (table, row, column) given twice.
  static PaperValues Parse(const std::string& text, const std::string& source_name);
  static PaperValues Load(const std::string& path);  // throws naming the file

  // nullptr when the paper prints no such cell.
  const PaperValue* Find(const std::string& table, const std::string& row, const std::string& column) const;
  // The number of a numeric cell; throws rcdnn::Error naming the key and the
  // file when it is absent or text.
  double Number(const std::string& table, const std::string& row, const std::string& column) const;
  // The cells of one table, in file order.
  std::vector<const PaperValue*> OfTable(const std::string& table) const;

  const std::vector<PaperValue>& all() const { return values_; }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::vector<PaperValue> values_;
  std::map<std::tuple<std::string, std::string, std::string>, size_t> index_;
};

// One row of figures.csv.
struct PaperFigure {
  std::string id;  // "fig9"
  std::string title, x, y, shows, note;
};

// Header `figure,title,x,y,shows,note`. Throws like PaperValues::Parse.
std::vector<PaperFigure> ParsePaperFigures(const std::string& text, const std::string& source_name);
std::vector<PaperFigure> LoadPaperFigures(const std::string& path);

}  // namespace rcdnn::analysis
