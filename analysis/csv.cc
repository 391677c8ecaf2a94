#include "analysis/csv.h"

#include "common/error.h"

namespace rcdnn::analysis {

std::vector<CsvRecord> ParseCsv(std::string_view text, const std::string& source_name) {
  std::vector<CsvRecord> records;
  size_t pos = 0;
  int line = 1;
  while (pos < text.size()) {
    // Skip blank and comment lines at a record start.
    const size_t eol = text.find('\n', pos);
    const std::string_view first =
        text.substr(pos, (eol == std::string_view::npos ? text.size() : eol) - pos);
    const bool blank = first.find_first_not_of(" \t\r") == std::string_view::npos;
    if (blank || first[0] == '#') {
      if (eol == std::string_view::npos) break;
      pos = eol + 1;
      ++line;
      continue;
    }
    CsvRecord record;
    record.line = line;
    std::string field;
    bool done = false;
    while (!done) {
      if (pos < text.size() && text[pos] == '"') {
        const int quote_line = line;
        ++pos;
        for (;;) {
          if (pos >= text.size()) {
            throw Error(source_name + ":" + std::to_string(quote_line) + ": unterminated quoted field");
          }
          const char c = text[pos++];
          if (c == '"') {
            if (pos < text.size() && text[pos] == '"') {
              field += '"';
              ++pos;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (pos < text.size() && text[pos] == '\r') ++pos;
        if (pos < text.size() && text[pos] != ',' && text[pos] != '\n') {
          throw Error(source_name + ":" + std::to_string(line) + ": unexpected text after a closing quote");
        }
      } else {
        while (pos < text.size() && text[pos] != ',' && text[pos] != '\n') field += text[pos++];
        if (!field.empty() && field.back() == '\r') field.pop_back();
      }
      record.fields.push_back(std::move(field));
      field.clear();
      if (pos >= text.size()) {
        done = true;
      } else if (text[pos] == ',') {
        ++pos;
      } else {  // '\n'
        ++pos;
        ++line;
        done = true;
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string CsvLine(const std::vector<std::string>& fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) line += (i ? "," : "") + CsvField(fields[i]);
  return line + "\n";
}

}  // namespace rcdnn::analysis
