// What every trainer and evaluator main sets up the same way: the spec, the
// solver at a profile, the data set (with the profile's subsets), the
// provenance that goes into model files and the results store.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "models/data/dataset.h"
#include "models/spec/net_spec.h"
#include "models/train/solver_config.h"

namespace rcdnn::models {

struct ContextOptions {
  std::string spec_path;
  std::string solver_path;
  std::string dataset = "fashion_mnist";
  std::string data_root;  // "" = $RCDNN_DATA_ROOT or the default root
  std::string profile = "smoke";
  uint64_t seed = 1;
  uint64_t split_seed = 20160101;
  int threads = 2;
};

struct RunContext {
  ContextOptions options;
  NetSpec spec;
  SolverConfig solver;              // already scaled to the profile
  ProfileSettings profile;          // subsets of the profile
  data::Dataset dataset;
  std::map<std::string, std::string> provenance;  // goes into model metadata
};

// Loads everything; throws rcdnn::Error naming what is wrong (a missing data
// set names where it looked and how to fetch it).
RunContext LoadRunContext(const ContextOptions& options);

}  // namespace rcdnn::models
