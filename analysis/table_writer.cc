#include "analysis/table_writer.h"

#include <cmath>
#include <cstdio>

#include "analysis/csv.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace rcdnn::analysis {
namespace {

std::string MarkdownCell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += "<br>";
    } else {
      out += c;
    }
  }
  return out;
}

std::string MarkdownRow(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const std::string& cell : cells) line += " " + MarkdownCell(cell) + " |";
  return line + "\n";
}

}  // namespace

void ValidateTable(const Table& table) {
  if (table.id.empty()) throw Error("table '" + table.title + "' has no id");
  for (size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r].size() != table.header.size()) {
      throw Error("table " + table.id + ": row " + std::to_string(r + 1) + " has " +
                  std::to_string(table.rows[r].size()) + " cells, the header " +
                  std::to_string(table.header.size()));
    }
  }
}

std::string ToCsv(const Table& table) {
  ValidateTable(table);
  std::string csv = CsvLine(table.header);
  for (const auto& row : table.rows) csv += CsvLine(row);
  return csv;
}

std::string ToMarkdown(const Table& table) {
  ValidateTable(table);
  std::string md = "# " + table.title + "\n\n" + MarkdownRow(table.header) + "|";
  for (size_t c = 0; c < table.header.size(); ++c) md += "---|";
  md += "\n";
  for (const auto& row : table.rows) md += MarkdownRow(row);
  if (!table.notes.empty()) {
    md += "\n";
    for (const std::string& note : table.notes) md += "- " + note + "\n";
  }
  return md;
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ToHtml(const Table& table) {
  ValidateTable(table);
  std::string html = "<table id=\"" + HtmlEscape(table.id) + "\">\n<thead><tr>";
  for (const std::string& h : table.header) html += "<th>" + HtmlEscape(h) + "</th>";
  html += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (const std::string& cell : row) html += "<td>" + HtmlEscape(cell) + "</td>";
    html += "</tr>\n";
  }
  html += "</tbody>\n</table>\n";
  for (const std::string& note : table.notes) html += "<p class=\"note\">" + HtmlEscape(note) + "</p>\n";
  return html;
}

std::vector<std::string> WriteTable(const Table& table, const std::string& dir) {
  const std::string csv_path = dir + "/" + table.id + ".csv";
  const std::string md_path = dir + "/" + table.id + ".md";
  WriteFileAtomically(csv_path, ToCsv(table));
  WriteFileAtomically(md_path, ToMarkdown(table));
  return {csv_path, md_path};
}

std::string FormatNumber(double value, NumberFormat format) {
  char text[64];
  if (format.kind == NumberFormat::Kind::kFixed) {
    std::snprintf(text, sizeof(text), "%.*f", format.digits, value);
  } else {
    std::snprintf(text, sizeof(text), "%.*g", format.digits, value);
  }
  return text;
}

std::string FormatNumber(std::optional<double> value, NumberFormat format) {
  return value ? FormatNumber(*value, format) : "";
}

std::vector<std::string> Comparison::Header() const {
  std::vector<std::string> header = {quantity + " paper", quantity + " ours", quantity + " diff"};
  if (ratio) header.push_back(quantity + " ratio");
  return header;
}

std::vector<std::string> Comparison::Cells(std::optional<double> paper, std::optional<double> ours) const {
  std::vector<std::string> cells = {FormatNumber(paper, format), FormatNumber(ours, format), ""};
  if (paper && ours) {
    const std::string diff = FormatNumber(*ours - *paper, format);
    cells[2] = (*ours - *paper >= 0 && diff[0] != '-' ? "+" : "") + diff;
  }
  if (ratio) {
    cells.push_back(paper && ours && *paper != 0 ? FormatNumber(*ours / *paper, Fixed(3)) : "");
  }
  return cells;
}

void Append(std::vector<std::string>* row, const std::vector<std::string>& more) {
  row->insert(row->end(), more.begin(), more.end());
}

}  // namespace rcdnn::analysis
