// A whole string as a number, strictly: std::stod / std::stoll accept a
// prefix ("3x" -> 3) and throw on junk; every reader of user-typed or stored
// numbers wants "all of it, or nothing" instead.
#pragma once

#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>

namespace rcdnn {

// The value of all of `text`; nothing when it is empty, has characters left
// over, or is out of range. Leading whitespace is skipped, as by std::stod;
// inf and nan parse (callers that need a finite value check).
inline std::optional<double> ParseWholeDouble(const std::string& text) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size()) return std::nullopt;
  return value;
}

inline std::optional<int64_t> ParseWholeInt64(const std::string& text) {
  size_t used = 0;
  long long value = 0;  // NOLINT(runtime/int): std::stoll's type
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != text.size()) return std::nullopt;
  return static_cast<int64_t>(value);
}

// As ParseWholeInt64, and nothing outside int's range.
inline std::optional<int> ParseWholeInt(const std::string& text) {
  const std::optional<int64_t> value = ParseWholeInt64(text);
  if (!value || *value < std::numeric_limits<int>::min() || *value > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(*value);
}

}  // namespace rcdnn
