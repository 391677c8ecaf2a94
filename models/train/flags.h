// Command-line flags shared by the trainer and evaluator mains (only mains
// include this header: it brings in Boost.Program_options).
#pragma once

#include <boost/program_options.hpp>
#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <string>

#include "common/cli_args.h"
#include "common/error.h"
#include "models/train/context.h"

namespace rcdnn::models {

namespace po = boost::program_options;

inline void AddContextFlags(po::options_description* flags, ContextOptions* o) {
  flags->add_options()
      ("spec", po::value(&o->spec_path)->required(), "network spec file (models/spec/*.net)")
      ("solver", po::value(&o->solver_path)->required(), "solver file (models/train/solvers/*.solver)")
      ("dataset", po::value(&o->dataset)->default_value(o->dataset),
       "data set name: mnist, fashion_mnist, cifar10 or svhn")
      ("data-root", po::value(&o->data_root)->default_value(o->data_root),
       "folder holding <name>/ data set folders (default: $RCDNN_DATA_ROOT, else ~/.cache/rcdnn/data)")
      ("profile", po::value(&o->profile)->default_value(o->profile),
       "fidelity: smoke (minutes), quick (shortened schedules) or paper (Caffe's solver settings)")
      ("seed", po::value(&o->seed)->default_value(o->seed), "seed of weight initialisation and batch order")
      ("split-seed", po::value(&o->split_seed)->default_value(o->split_seed), "seed of the validation split")
      ("threads", po::value(&o->threads)->default_value(o->threads), "threads (a batch's images are split across them)");
}

// Parses argv into the bound variables; prints --help; turns every error into
// one line on stderr. Returns -1 to go on, else the exit code.
inline int ParseFlags(int argc, char** argv, const char* tool, const char* summary,
                      const po::options_description& flags) {
  po::options_description all(std::string(summary) + "\n\nOptions");
  all.add_options()("help", "show this help");
  all.add(flags);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(rcdnn::kNoPositionalArguments).run(), vm);
    if (vm.count("help")) {
      std::cout << "Usage: " << tool << " [options]\n" << all << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", tool, e.what());
    return 2;
  }
  return -1;
}

// Runs the body of a main, turning rcdnn::Error into one line and exit 1.
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

}  // namespace rcdnn::models
