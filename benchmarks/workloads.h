// The networks a platform measurement times: the paper's three specs with
// random weights (timing does not depend on the values), or trained model
// files (their own specs, schedules and heads).
#pragma once

#include <string>
#include <vector>

#include "benchmarks/timing.h"
#include "models/engine/params.h"
#include "models/spec/net_spec.h"

namespace rcdnn::benchmarks {

struct Workload {
  models::NetSpec spec;
  models::NetParams params;
  std::vector<Increment> increments;  // ascending; the last is the reference width
  std::string weights;                // "random (InitParams seed 1)" or "model <path> sha256 <hex>"
};

// Specs with InitParams(seed) weights, one head per fraction, increments at
// the uniform `fractions` (ascending, in (0, 1]). Throws rcdnn::Error naming
// a bad file or fraction.
std::vector<Workload> RandomWeightWorkloads(const std::vector<std::string>& spec_paths,
                                            const std::vector<double>& fractions, uint64_t seed);

// Trained models (models/train/model_file.h): increment i runs schedule[i-1]
// with head i-1.
std::vector<Workload> ModelWorkloads(const std::vector<std::string>& model_paths);

// "0.25,0.5,0.75,1" -> fractions in (0, 1] (rcdnn::ParseFractions) that
// also ascend, one per increment; throws rcdnn::Error naming `flag`.
std::vector<double> ParseAscendingFractions(const std::string& text, const std::string& flag);

// "a,b,c" -> {"a", "b", "c"} (empty items dropped).
std::vector<std::string> SplitList(const std::string& text);

}  // namespace rcdnn::benchmarks
