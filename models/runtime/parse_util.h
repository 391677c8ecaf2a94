// Strict number parsing for the runtime's text inputs (predictions CSV, cost
// and budget files). Every failure is an rcdnn::Error whose message starts
// with `where` (e.g. "budget.txt:7"), so the user sees the file and line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rcdnn::models::runtime {

// The whole of `text` must be a finite decimal number ("inf" only when
// allow_infinity). "12abc", "", "nan" are errors naming `what`.
double ParseDouble(std::string_view text, const std::string& where, const std::string& what,
                   bool allow_infinity = false);

// The whole of `text` must be a base-10 integer.
int64_t ParseInt(std::string_view text, const std::string& where, const std::string& what);

// Splits one CSV line on commas, honouring double quotes ("5,13,125" is one
// field; quotes are removed). An unterminated quote is an error.
std::vector<std::string> SplitCsvLine(std::string_view line, const std::string& where);

// Splits on runs of spaces and tabs.
std::vector<std::string> SplitWhitespace(std::string_view line);

// The line without a trailing '\r' and without a '#' comment, trimmed.
std::string StripLine(std::string_view line);

}  // namespace rcdnn::models::runtime
