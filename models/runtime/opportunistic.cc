#include "models/runtime/opportunistic.h"

#include <cmath>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "models/runtime/parse_util.h"

namespace rcdnn::models::runtime {

const char* ReuseName(Reuse reuse) { return reuse == Reuse::kNone ? "no-reuse" : "reuse"; }

double AnsweredCost(const std::vector<double>& costs, const std::vector<double>& reuse_shares, int final_rung,
                    Reuse reuse) {
  double total = 0;
  for (int j = 0; j <= final_rung; ++j) {
    total += costs[j];
    if (reuse == Reuse::kReuse && j > 0) total -= reuse_shares[j] * costs[j - 1];
  }
  return total;
}

std::vector<double> ReuseShares(const std::vector<Rung>& rungs) {
  std::vector<double> shares;
  for (const Rung& r : rungs) shares.push_back(r.reuse_share);
  return shares;
}

int FinalRung(const std::vector<Rung>& rungs, const std::vector<double>& thresholds, int64_t k) {
  const int last = static_cast<int>(rungs.size()) - 1;
  for (int i = 0; i < last; ++i) {
    if (!(rungs[i].predictions->margin[k] < thresholds[i])) return i;
  }
  return last;
}

EscalationResult RunEscalation(const std::vector<Rung>& rungs, const std::vector<double>& thresholds, Reuse reuse) {
  if (rungs.empty()) throw Error("Algorithm 3: no networks to run");
  if (thresholds.size() + 1 != rungs.size()) {
    throw Error("Algorithm 3: " + std::to_string(thresholds.size()) + " thresholds for " +
                std::to_string(rungs.size()) + " increments (need one per increment but the last)");
  }
  for (double theta : thresholds) {
    if (!std::isfinite(theta)) throw Error("Algorithm 3: threshold is not finite");
  }
  const int64_t n = rungs[0].predictions->size();
  if (n == 0) throw Error("Algorithm 3: empty image set");
  for (size_t i = 1; i < rungs.size(); ++i) {
    CheckSameImages(*rungs[0].predictions, *rungs[i].predictions,
                    "Algorithm 3: increments 1 and " + std::to_string(i + 1));
  }
  std::vector<double> energy, time;
  bool have_time = true;
  for (const Rung& r : rungs) {
    energy.push_back(r.energy);
    time.push_back(r.time);
    have_time = have_time && r.time >= 0;
    if (!(r.reuse_share >= 0 && r.reuse_share <= 1)) throw Error("Algorithm 3: a reuse share is outside [0, 1]");
  }
  const std::vector<double> shares = ReuseShares(rungs);
  EscalationResult result;
  result.images = n;
  result.final_at.assign(rungs.size(), 0);
  double energy_sum = 0, time_sum = 0, fraction_sum = 0;
  for (int64_t k = 0; k < n; ++k) {
    const int i = FinalRung(rungs, thresholds, k);
    result.final_at[i]++;
    result.reruns += i;
    result.correct += rungs[i].predictions->Correct(k);
    energy_sum += AnsweredCost(energy, shares, i, reuse);
    if (have_time) time_sum += AnsweredCost(time, shares, i, reuse);
    fraction_sum += rungs[i].fraction;
  }
  const double count = static_cast<double>(n);
  result.accuracy = static_cast<double>(result.correct) / count;
  result.mean_energy = energy_sum / count;
  result.mean_time = have_time ? time_sum / count : -1;
  result.full_energy = rungs.back().energy;
  result.energy_savings = 1.0 - result.mean_energy / result.full_energy;
  if (have_time && rungs.back().time > 0) result.time_savings = 1.0 - result.mean_time / rungs.back().time;
  result.mean_final_fraction = fraction_sum / count;
  return result;
}

std::vector<double> ParseThresholdFile(const std::string& text, const std::string& source_name, int num_increments) {
  if (num_increments < 1) throw Error("threshold file " + source_name + ": the model has no increments");
  std::vector<double> thresholds(num_increments - 1, -1.0);
  std::istringstream in(text);
  std::string raw;
  int line_number = 0;
  bool any = false;
  while (std::getline(in, raw)) {
    ++line_number;
    const std::string line = StripLine(raw);
    if (line.empty()) continue;
    any = true;
    const std::string where = source_name + ":" + std::to_string(line_number);
    const std::vector<std::string> tokens = SplitWhitespace(line);
    if (tokens.size() != 2) throw Error(where + ": expected 'increment theta', got '" + line + "'");
    const int64_t increment = ParseInt(tokens[0], where, "increment");
    if (increment < 1 || increment >= num_increments) {
      throw Error(where + ": increment " + tokens[0] + " is outside 1.." + std::to_string(num_increments - 1) +
                  " (the last of " + std::to_string(num_increments) + " increments has no threshold)");
    }
    const double theta = ParseDouble(tokens[1], where, "theta");
    if (theta < 0.0 || theta > 1.0) throw Error(where + ": theta " + tokens[1] + " is outside [0, 1]");
    if (thresholds[increment - 1] >= 0) throw Error(where + ": increment " + tokens[0] + " is given twice");
    thresholds[increment - 1] = theta;
  }
  if (!any && num_increments > 1) throw Error("threshold file " + source_name + " is empty");
  for (int i = 0; i + 1 < num_increments; ++i) {
    if (thresholds[i] < 0) {
      throw Error("threshold file " + source_name + " has no threshold for increment " + std::to_string(i + 1));
    }
  }
  return thresholds;
}

std::vector<double> ReadThresholdFile(const std::string& path, int num_increments) {
  return ParseThresholdFile(ReadFileToString(path), path, num_increments);
}

}  // namespace rcdnn::models::runtime
