// Command-line flags shared by the trainer and evaluator mains (only mains
// include this header: it brings in Boost.Program_options).
#pragma once

#include <boost/program_options.hpp>
#include <string>

#include "common/cli.h"
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

// The mains' parser and error handling are every tool's (common/cli.h).
using cli::ParseFlags;
using cli::RunMain;

}  // namespace rcdnn::models
