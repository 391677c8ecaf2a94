// The paper's headline claims, each checked against the store: our measured
// value, the data set and profile it was measured with, and a verdict that
// is "not measured yet" whenever the numbers behind it are absent — never a
// guess.
#pragma once

#include <string>
#include <vector>

#include "analysis/artifact.h"

namespace rcdnn::analysis {

enum class Verdict { kHolds, kDoesNotHold, kNotMeasured };
const char* ToString(Verdict verdict);  // "holds" | "does not hold" | "not measured yet"

struct Claim {
  std::string id;         // "energy", "incremental", "storage", "shutdown", "fixed-point"
  std::string claim;      // the paper's words
  std::string paper;      // the paper's number(s)
  std::string criterion;  // what "holds" means here
  std::string ours;       // our measured value(s); "" when not measured
  std::string datasets;   // display names of the data sets used
  std::string profiles;   // profiles of the runs used
  Verdict verdict = Verdict::kNotMeasured;
  std::string missing;    // what is missing and the command that produces it
  int networks_measured = 0;  // of the paper's three benchmarks
};

std::vector<Claim> EvaluateClaims(const ArtifactContext& context);

}  // namespace rcdnn::analysis
