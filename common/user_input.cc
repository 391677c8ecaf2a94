#include "common/user_input.h"

#include <cstdlib>
#include <sstream>

#include "common/error.h"
#include "common/parse_number.h"

namespace rcdnn {

std::string ResolveUserPath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || cwd == nullptr || *cwd == '\0') return path;
  return std::string(cwd) + "/" + path;
}

std::vector<std::string> ResolveUserPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> resolved;
  for (const std::string& path : paths) resolved.push_back(ResolveUserPath(path));
  return resolved;
}

std::vector<double> ParseFractions(const std::string& text, const std::string& flag) {
  std::vector<double> fractions;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const std::optional<double> value = ParseWholeDouble(item);
    if (!value || !(*value > 0 && *value <= 1)) {
      throw Error("--" + flag + ": '" + item + "' is not a fraction in (0, 1] (expected e.g. 0.25,0.5,0.75,1)");
    }
    fractions.push_back(*value);
  }
  if (fractions.empty()) throw Error("--" + flag + " is empty (expected e.g. 0.25,0.5,0.75,1)");
  return fractions;
}

}  // namespace rcdnn
