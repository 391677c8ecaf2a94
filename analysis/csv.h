// Reading and writing CSV (RFC 4180): fields separated by ',', a field that
// holds ',', '"' or a line break is quoted, and '"' inside quotes is doubled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rcdnn::analysis {

struct CsvRecord {
  int line = 0;  // 1-based line of the file where the record starts
  std::vector<std::string> fields;
};

// Parses `text`. Blank lines and lines starting with '#' (at the start of a
// record) are skipped. Throws rcdnn::Error "<source_name>:<line>: ..." for an
// unterminated quote or text after a closing quote.
std::vector<CsvRecord> ParseCsv(std::string_view text, const std::string& source_name);

// `value` as one CSV field: quoted (with '"' doubled) only where needed.
std::string CsvField(std::string_view value);

// The fields joined by ',' with a trailing '\n'.
std::string CsvLine(const std::vector<std::string>& fields);

}  // namespace rcdnn::analysis
