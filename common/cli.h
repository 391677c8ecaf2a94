// What every tool's main does alike: flags into bound variables, --help, and
// errors as one line on stderr with a meaningful exit status. Only mains
// include this header (it brings in Boost.Program_options).
//
//   po::options_description flags;
//   flags.add_options()("db", po::value(&db)->required(), "results store");
//   const int parsed = rcdnn::cli::ParseFlags(argc, argv, "tool", "What the tool does.", flags);
//   if (parsed >= 0) return parsed;
//   return rcdnn::cli::RunMain("tool", [&] { ... });
#pragma once

#include <boost/program_options.hpp>
#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <string>

#include "common/cli_args.h"
#include "common/error.h"
#include "common/user_input.h"

namespace rcdnn::cli {

namespace po = boost::program_options;

// Parses argv into the bound variables (and *vm, when given, for tools that
// ask whether a flag was defaulted) and prints --help. A misspelt or
// abbreviated flag and a stray word are errors, never guesses. Returns -1 to
// go on, else the exit code: 0 after --help, 2 for a bad command line (one
// line on stderr).
inline int ParseFlags(int argc, char** argv, const char* tool, const std::string& summary,
                      const po::options_description& flags, po::variables_map* vm = nullptr) {
  po::options_description all(summary + "\n\nOptions");
  all.add_options()("help", "show this help");
  all.add(flags);
  po::variables_map local;
  po::variables_map& values = vm != nullptr ? *vm : local;
  try {
    const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(argc, argv).options(all).style(style).positional(kNoPositionalArguments).run(),
              values);
    if (values.count("help")) {
      std::cout << "Usage: " << tool << " [options]\n" << all << "\n";
      return 0;
    }
    po::notify(values);
  } catch (const po::error& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", tool, e.what());
    return 2;
  }
  return -1;
}

// Runs a main's body: rcdnn::Error (or any other exception) becomes one line
// on stderr and exit status 1.
inline int RunMain(const char* tool, const std::function<void()>& body) {
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

}  // namespace rcdnn::cli
