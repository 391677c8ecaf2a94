#include "models/runtime/parse_util.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "common/error.h"

namespace rcdnn::models::runtime {

double ParseDouble(std::string_view text, const std::string& where, const std::string& what,
                   bool allow_infinity) {
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const double value = copy.empty() ? 0.0 : std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || errno == ERANGE || std::isnan(value) ||
      (std::isinf(value) && !allow_infinity)) {
    throw Error(where + ": " + what + " '" + copy + "' is not a " + (allow_infinity ? "number" : "finite number"));
  }
  return value;
}

int64_t ParseInt(std::string_view text, const std::string& where, const std::string& what) {
  const std::string copy(text);
  char* end = nullptr;
  errno = 0;
  const long long value = copy.empty() ? 0 : std::strtoll(copy.c_str(), &end, 10);
  if (copy.empty() || end != copy.c_str() + copy.size() || errno == ERANGE) {
    throw Error(where + ": " + what + " '" + copy + "' is not an integer");
  }
  return value;
}

std::vector<std::string> SplitCsvLine(std::string_view line, const std::string& where) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) throw Error(where + ": unterminated double quote");
  return fields;
}

std::vector<std::string> SplitWhitespace(std::string_view line) {
  std::vector<std::string> tokens;
  std::string current;
  for (char c : line) {
    if (c == ' ' || c == '\t') {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

std::string StripLine(std::string_view line) {
  const size_t hash = line.find('#');
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  const size_t begin = line.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return "";
  const size_t end = line.find_last_not_of(" \t\r");
  return std::string(line.substr(begin, end - begin + 1));
}

}  // namespace rcdnn::models::runtime
