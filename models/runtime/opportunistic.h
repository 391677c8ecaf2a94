// Algorithm 3 (the opportunistic energy-saving scheme) over recorded
// predictions: start at the first rung, escalate while the score margin is
// below that rung's threshold, the last rung's answer is final.
//
// A "rung" is one network that can be run on an image: increment i of an
// incrementally trained model, or the little and big golden models of
// Big/Little (big_little.h). What escalating costs:
//   Reuse::kNone  - each rung is a fresh forward pass (Algorithm 3 as
//                   written, and Eq. 1's cumulative sums): an image final at
//                   rung i costs e_1 + ... + e_i;
//   Reuse::kReuse - hardware keeps the smaller increment's intermediate
//                   results that stay valid: escalating from rung i-1 to
//                   rung i costs e_i - s_i e_{i-1}, where s_i is the share of
//                   rung i-1's work that rung i reuses (Rung::reuse_share,
//                   cost_model.h ReusableShare). s_i = 1 (all of it) is the
//                   ideal, where an image final at rung i costs e_i in total.
// Ties: escalate iff margin < theta (an image with margin == theta is final).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/runtime/predictions.h"

namespace rcdnn::models::runtime {

enum class Reuse { kNone, kReuse };
const char* ReuseName(Reuse reuse);  // "no-reuse" | "reuse"

struct Rung {
  const PredictionSet* predictions = nullptr;  // must outlive the call
  double fraction = 1;  // fraction of the full network's channels (reporting only)
  double energy = 0;    // one forward pass, in the cost model's unit
  double time = -1;     // one forward pass; < 0: unknown
  // Reuse::kReuse: the share of the rung below's energy and time whose
  // results this rung reuses (ignored for the first rung); 1 = all of them.
  double reuse_share = 1;
};

struct EscalationResult {
  int64_t images = 0;
  int64_t correct = 0;
  double accuracy = 0;
  double mean_energy = 0;
  double mean_time = -1;  // < 0 when a rung's time is unknown
  double full_energy = 0;  // running only the last rung on every image
  double energy_savings = 0;  // 1 - mean_energy / full_energy (negative if worse)
  // 1 - mean_time / the last rung's time; unset when a rung's time is
  // unknown. On the accelerator this is also the saving of energy counted as
  // the design's power x time, the paper's convention (its Table 4).
  std::optional<double> time_savings;
  double mean_final_fraction = 0;  // mean fraction of the rung whose answer is used
  int64_t reruns = 0;  // forward passes beyond the first, over all images
  std::vector<int64_t> final_at;  // images answered by each rung
};

// Cost of an image answered by rung `final_rung` (0-based), each rung
// costing costs[j] and reusing reuse_shares[j] of the rung below's cost.
double AnsweredCost(const std::vector<double>& costs, const std::vector<double>& reuse_shares, int final_rung,
                    Reuse reuse);
// The rungs' reuse_share, in order.
std::vector<double> ReuseShares(const std::vector<Rung>& rungs);

// 0-based rung that answers image k under `thresholds` (one per rung but the
// last).
int FinalRung(const std::vector<Rung>& rungs, const std::vector<double>& thresholds, int64_t k);

// Runs Algorithm 3 on every image. Throws rcdnn::Error when there are no
// rungs or no images, when the rungs disagree on the images, when the number
// of thresholds is not rungs - 1, or a threshold is not finite.
EscalationResult RunEscalation(const std::vector<Rung>& rungs, const std::vector<double>& thresholds, Reuse reuse);

// Thresholds given by hand (e.g. the paper's Table 7): lines "increment theta"
// for increments 1..num_increments-1, '#' comments and blank lines allowed,
// theta in [0, 1]. Throws rcdnn::Error "<source>:<line>: ..." for a
// malformed line, an increment out of range or given twice, theta out of
// range; "<source> ..." when empty or an increment is missing.
std::vector<double> ParseThresholdFile(const std::string& text, const std::string& source_name, int num_increments);
std::vector<double> ReadThresholdFile(const std::string& path, int num_increments);

}  // namespace rcdnn::models::runtime
