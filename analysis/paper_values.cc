#include "analysis/paper_values.h"

#include <cmath>
#include <cstdlib>

#include "analysis/csv.h"
#include "common/atomic_file.h"
#include "common/error.h"

namespace rcdnn::analysis {
namespace {

// Checks the header record and returns the records after it.
std::vector<CsvRecord> Body(const std::string& text, const std::string& source_name,
                            const std::vector<std::string>& header) {
  std::vector<CsvRecord> records = ParseCsv(text, source_name);
  std::string expected = CsvLine(header);
  expected.pop_back();  // the '\n'
  if (records.empty()) throw Error(source_name + ": empty file; expected the header '" + expected + "'");
  if (records[0].fields != header) {
    throw Error(source_name + ":" + std::to_string(records[0].line) + ": the header must be '" + expected + "'");
  }
  for (const CsvRecord& record : records) {
    if (record.fields.size() != header.size()) {
      throw Error(source_name + ":" + std::to_string(record.line) + ": expected " + std::to_string(header.size()) +
                  " fields, found " + std::to_string(record.fields.size()) +
                  " (quote a field that holds a comma)");
    }
  }
  records.erase(records.begin());
  return records;
}

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

PaperValues PaperValues::Parse(const std::string& text, const std::string& source_name) {
  PaperValues values;
  values.source_ = source_name;
  for (const CsvRecord& record :
       Body(text, source_name, {"table", "row", "column", "value", "unit", "note"})) {
    const std::string where = source_name + ":" + std::to_string(record.line) + ": ";
    PaperValue v;
    v.table = record.fields[0];
    v.row = record.fields[1];
    v.column = record.fields[2];
    v.text = record.fields[3];
    v.unit = record.fields[4];
    v.note = record.fields[5];
    v.line = record.line;
    const char* names[] = {"table", "row", "column", "value", "unit"};
    for (int i = 0; i < 5; ++i) {
      if (record.fields[i].empty()) throw Error(where + "empty " + names[i]);
    }
    if (v.unit != "text") {
      v.number = ParseNumber(v.text);
      if (!v.number) {
        throw Error(where + "value '" + v.text + "' of " + v.table + " / " + v.row + " / " + v.column +
                    " is not a number (give unit 'text' for a text cell)");
      }
    }
    const auto key = std::make_tuple(v.table, v.row, v.column);
    const auto [it, inserted] = values.index_.emplace(key, values.values_.size());
    if (!inserted) {
      throw Error(where + v.table + " / " + v.row + " / " + v.column + " is already given on line " +
                  std::to_string(values.values_[it->second].line));
    }
    values.values_.push_back(std::move(v));
  }
  return values;
}

PaperValues PaperValues::Load(const std::string& path) { return Parse(ReadFileToString(path), path); }

const PaperValue* PaperValues::Find(const std::string& table, const std::string& row,
                                    const std::string& column) const {
  const auto it = index_.find(std::make_tuple(table, row, column));
  return it == index_.end() ? nullptr : &values_[it->second];
}

double PaperValues::Number(const std::string& table, const std::string& row, const std::string& column) const {
  const PaperValue* v = Find(table, row, column);
  if (v == nullptr) throw Error(source_ + " has no value " + table + " / " + row + " / " + column);
  if (!v->number) throw Error(source_ + ":" + std::to_string(v->line) + ": " + table + " / " + row + " / " + column + " is text, not a number");
  return *v->number;
}

std::vector<const PaperValue*> PaperValues::OfTable(const std::string& table) const {
  std::vector<const PaperValue*> out;
  for (const PaperValue& v : values_) {
    if (v.table == table) out.push_back(&v);
  }
  return out;
}

std::vector<PaperFigure> ParsePaperFigures(const std::string& text, const std::string& source_name) {
  std::vector<PaperFigure> figures;
  for (const CsvRecord& record : Body(text, source_name, {"figure", "title", "x", "y", "shows", "note"})) {
    if (record.fields[0].empty() || record.fields[1].empty()) {
      throw Error(source_name + ":" + std::to_string(record.line) + ": empty figure id or title");
    }
    for (const PaperFigure& f : figures) {
      if (f.id == record.fields[0]) {
        throw Error(source_name + ":" + std::to_string(record.line) + ": figure " + f.id + " is given twice");
      }
    }
    const auto& f = record.fields;
    figures.push_back({f[0], f[1], f[2], f[3], f[4], f[5]});
  }
  return figures;
}

std::vector<PaperFigure> LoadPaperFigures(const std::string& path) {
  return ParsePaperFigures(ReadFileToString(path), path);
}

}  // namespace rcdnn::analysis
