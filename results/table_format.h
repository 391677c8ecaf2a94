// Rows of text as an aligned table (for people) or as CSV (for programs),
// used by the inspect tool.
#pragma once

#include <string>
#include <vector>

namespace rcdnn::results {

struct TextTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as header
};

// Columns padded to their widest cell and separated by two spaces; a line of
// dashes under the header; no trailing spaces.
std::string FormatAligned(const TextTable& table);

// RFC 4180: fields holding a comma, quote or line break are quoted, quotes
// doubled; lines end in "\n".
std::string FormatCsv(const TextTable& table);

// Shortest text that reads back as the same double ("0.1", "1e-07").
std::string FormatDouble(double value);

}  // namespace rcdnn::results
