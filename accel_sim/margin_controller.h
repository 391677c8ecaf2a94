// The paper's margin controller (§5.1, Fig. 8): after a forward pass it
// takes the top-2 margin of the final scores, |s1 - s2|, which Algorithm 3
// compares with a threshold to accept the class or rerun the image on a
// bigger sub-network. The paper gives its cost: "delay overhead of 12ns each
// time it is activated" and about 0.15% of area and power.
//
// Contract: Act() is one activation: it counts, and the caller adds
// LatencyNs() to the image's time. It reads scores only; the decision to
// rerun belongs to the runtime scheme (models/runtime), not to this block.
#pragma once

#include <cstdint>
#include <vector>

#include "accel_sim/fixed_point.h"

namespace rcdnn::accel {

struct MarginControllerConfig {
  double latency_ns = 12.0;        // per activation (paper §5.1)
  double power_fraction = 0.0015;  // of the tile's total power (paper §5.1)
};

struct MarginControllerStats {
  int64_t activations = 0;
  double busy_ns = 0;
  void Add(const MarginControllerStats& other, int64_t times = 1);
};

struct MarginDecision {
  int top_class = -1;   // index of the largest score (lowest index on ties)
  double margin = 0.0;  // largest minus second largest (0 for one class)
};

class MarginController {
 public:
  explicit MarginController(const MarginControllerConfig& config);

  double LatencyNs() const { return config_.latency_ns; }
  MarginDecision Act(const std::vector<float>& scores);
  // Fixed-point scores compare on the raw integers; the margin is dequantized.
  MarginDecision Act(const std::vector<int32_t>& scores, FixedPointFormat format);
  // Analytical: `activations` activations without scores.
  void Count(int64_t activations);

  const MarginControllerStats& stats() const { return stats_; }
  void ResetStats() { stats_ = MarginControllerStats(); }

 private:
  MarginControllerConfig config_;
  MarginControllerStats stats_;
};

// Top-2 margin of `scores` (no counting): the reference for Act().
MarginDecision TopTwoMargin(const std::vector<double>& scores);

}  // namespace rcdnn::accel
