// What the accel_sim mains do alike: flags into an options struct, paths the
// user typed resolved where they typed them, errors as one line. Only mains
// include this header (it brings in Boost.Program_options).
#pragma once

#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "common/cli_args.h"
#include "common/error.h"

namespace rcdnn::accel::tools {

namespace po = boost::program_options;

// `bazel run` starts in the runfiles tree: defaults resolve there, paths the
// user typed resolve against the directory they typed them in
// (BUILD_WORKING_DIRECTORY).
inline std::string ResolveUserPath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || cwd == nullptr || *cwd == '\0') return path;
  return std::string(cwd) + "/" + path;
}

// "0.25,0.5,0.75,1" -> fractions in (0, 1]; throws rcdnn::Error naming the flag.
inline std::vector<double> ParseFractions(const std::string& text, const std::string& flag) {
  std::vector<double> fractions;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    size_t used = 0;
    double value = 0;
    try {
      value = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || !(value > 0 && value <= 1)) {
      throw Error("--" + flag + ": '" + item + "' is not a fraction in (0, 1] (expected e.g. 0.25,0.5,0.75,1)");
    }
    fractions.push_back(value);
  }
  if (fractions.empty()) throw Error("--" + flag + " is empty (expected e.g. 0.25,0.5,0.75,1)");
  return fractions;
}

// Parses argv into the bound variables (unknown or abbreviated options are
// errors), prints
// --help. Returns -1 to go on, else the exit code (0 after --help, 2 for a
// bad command line, with one line on stderr).
inline int ParseFlags(int argc, char** argv, const char* tool, const std::string& summary,
                      const po::options_description& flags, po::variables_map* vm) {
  po::options_description all(summary + "\n\nOptions");
  all.add_options()("help", "show this help");
  all.add(flags);
  try {
    // No abbreviations: a misspelt or shortened flag is an error, not a guess.
    const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(argc, argv).options(all).style(style).positional(rcdnn::kNoPositionalArguments).run(), *vm);
    if (vm->count("help")) {
      std::cout << "Usage: " << tool << " [options]\n" << all << "\n";
      return 0;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", tool, e.what());
    return 2;
  }
  return -1;
}

// Runs a main's body: rcdnn::Error (or any other exception) becomes one line
// on stderr and exit status 1.
inline int RunTool(const char* tool, const std::function<void()>& body) {
  try {
    body();
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", tool, e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: unexpected error: %s\n", tool, e.what());
  }
  return 1;
}

}  // namespace rcdnn::accel::tools
