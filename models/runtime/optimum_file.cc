#include "models/runtime/optimum_file.h"

#include <cstdio>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/user_input.h"

namespace rcdnn::models::runtime {

std::string FormatFractions(const std::vector<double>& fractions) {
  std::string line;
  for (double f : fractions) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.6g", f);
    line += (line.empty() ? "" : ",") + std::string(text);
  }
  return line;
}

std::string FormatOptimumFile(const std::vector<double>& fractions, const std::string& comment) {
  return "# " + comment + "\n# fractions of increments 1..N (uniform widths, the paper's x/y)\n" +
         FormatFractions(fractions) + "\n";
}

std::vector<double> ParseOptimumFile(const std::string& text, const std::string& source_name) {
  std::vector<double> fractions;
  int data_line = 0, line_number = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string where = source_name + ":" + std::to_string(line_number);
    if (data_line != 0) {
      throw Error(where + ": a second line of fractions (line " + std::to_string(data_line) +
                  " already gave them); an optimum file holds one");
    }
    data_line = line_number;
    try {
      fractions = ParseFractions(line, "fractions");
    } catch (const Error& e) {
      throw Error(where + ": " + e.what());
    }
    for (size_t i = 1; i < fractions.size(); ++i) {
      if (!(fractions[i] > fractions[i - 1])) throw Error(where + ": fractions must increase, got '" + line + "'");
    }
    if (fractions.back() != 1.0) {
      throw Error(where + ": the last increment must be the full network (1), got '" + line + "'");
    }
  }
  if (data_line == 0) {
    throw Error(source_name + " holds no fractions (expected a line such as 0.25,1; is it truncated? "
                              "the runtime tool writes it with --optimum-out)");
  }
  return fractions;
}

std::vector<double> ReadOptimumFile(const std::string& path) { return ParseOptimumFile(ReadFileToString(path), path); }

}  // namespace rcdnn::models::runtime
