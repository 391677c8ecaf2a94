#include "accel_sim/margin_controller.h"

#include "common/error.h"

namespace rcdnn::accel {

void MarginControllerStats::Add(const MarginControllerStats& other, int64_t times) {
  activations += other.activations * times;
  busy_ns += other.busy_ns * static_cast<double>(times);
}

MarginController::MarginController(const MarginControllerConfig& config) : config_(config) {
  if (!(config_.latency_ns >= 0) || !(config_.power_fraction >= 0)) {
    throw Error("margin controller: latency and power fraction must not be negative");
  }
}

MarginDecision TopTwoMargin(const std::vector<double>& scores) {
  if (scores.empty()) throw Error("margin controller: no scores");
  int best = 0;
  for (int i = 1; i < static_cast<int>(scores.size()); ++i) {
    if (scores[i] > scores[best]) best = i;
  }
  MarginDecision decision;
  decision.top_class = best;
  bool have_second = false;
  double second = 0.0;
  for (int i = 0; i < static_cast<int>(scores.size()); ++i) {
    if (i == best) continue;
    if (!have_second || scores[i] > second) second = scores[i];
    have_second = true;
  }
  decision.margin = have_second ? scores[best] - second : 0.0;
  return decision;
}

void MarginController::Count(int64_t activations) {
  stats_.activations += activations;
  stats_.busy_ns += activations * config_.latency_ns;
}

MarginDecision MarginController::Act(const std::vector<float>& scores) {
  Count(1);
  return TopTwoMargin(std::vector<double>(scores.begin(), scores.end()));
}

MarginDecision MarginController::Act(const std::vector<int32_t>& scores, FixedPointFormat format) {
  Count(1);
  std::vector<double> values;
  values.reserve(scores.size());
  for (int32_t raw : scores) values.push_back(raw);  // exact: compare raw integers
  MarginDecision decision = TopTwoMargin(values);
  decision.margin *= format.Resolution();
  return decision;
}

}  // namespace rcdnn::accel
