// Tables of the reproduction: a header and rows of text cells, written as
// CSV (for scripts and CI) and Markdown (for people), and rendered as HTML
// for the report. Comparison builds the "paper / ours / diff / ratio" cells
// that put a reproduced number beside the paper's.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rcdnn::analysis {

struct Table {
  std::string id;     // file stem: "table8" -> table8.csv, table8.md
  std::string title;  // one line, shown above the Markdown and HTML table
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as header
  std::vector<std::string> notes;              // shown under the table (not in the CSV)
};

// Throws rcdnn::Error naming the table when a row's length differs from the
// header's or the id is empty.
void ValidateTable(const Table& table);

std::string ToCsv(const Table& table);       // header line, then rows
std::string ToMarkdown(const Table& table);  // "# title", a pipe table, notes as a list
std::string ToHtml(const Table& table);      // a <table> with escaped cells, notes as <p class="note">

// Writes <dir>/<id>.csv and <dir>/<id>.md atomically; returns both paths.
std::vector<std::string> WriteTable(const Table& table, const std::string& dir);

// "&", "<", ">", '"' and "'" as HTML entities.
std::string HtmlEscape(const std::string& text);

struct NumberFormat {
  enum class Kind { kSignificant, kFixed };
  Kind kind = Kind::kSignificant;
  int digits = 4;  // significant digits, or digits after the point
};
inline NumberFormat Significant(int digits) { return {NumberFormat::Kind::kSignificant, digits}; }
inline NumberFormat Fixed(int digits) { return {NumberFormat::Kind::kFixed, digits}; }

std::string FormatNumber(double value, NumberFormat format);
// "" when absent.
std::string FormatNumber(std::optional<double> value, NumberFormat format);

// One reproduced quantity beside the paper's: the cells "<quantity> paper",
// "<quantity> ours", "<quantity> diff" (ours - paper, signed) and, when
// `ratio` is set, "<quantity> ratio" (ours / paper, where the paper's value
// is not zero). A cell is "" where either side is missing.
struct Comparison {
  std::string quantity;
  NumberFormat format;
  bool ratio = true;

  std::vector<std::string> Header() const;
  std::vector<std::string> Cells(std::optional<double> paper, std::optional<double> ours) const;
};

// Appends `more` to `row`.
void Append(std::vector<std::string>* row, const std::vector<std::string>& more);

}  // namespace rcdnn::analysis
