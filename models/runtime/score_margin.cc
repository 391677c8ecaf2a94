#include "models/runtime/score_margin.h"

#include <algorithm>
#include <string>

#include "common/error.h"

namespace rcdnn::models::runtime {

MarginHistogram ComputeMarginHistogram(const PredictionSet& set, int bins) {
  if (bins < 1) throw Error("margin histogram: bins must be >= 1, got " + std::to_string(bins));
  MarginHistogram h;
  h.bins = bins;
  h.correct.assign(bins, 0);
  h.wrong.assign(bins, 0);
  for (int64_t k = 0; k < set.size(); ++k) {
    const int bin = std::clamp(static_cast<int>(set.margin[k] * bins), 0, bins - 1);
    (set.Correct(k) ? h.correct : h.wrong)[bin]++;
  }
  return h;
}

MarginProbabilities MeasureMarginProbabilities(const PredictionSet& set, double theta) {
  int64_t correct = 0, wrong = 0, final_correct = 0, final_wrong = 0;
  for (int64_t k = 0; k < set.size(); ++k) {
    const bool final = set.margin[k] >= theta;
    if (set.Correct(k)) {
      ++correct;
      final_correct += final;
    } else {
      ++wrong;
      final_wrong += final;
    }
  }
  MarginProbabilities p;
  if (set.size() > 0) p.p_correct = static_cast<double>(correct) / static_cast<double>(set.size());
  if (correct > 0) p.p_final_given_correct = static_cast<double>(final_correct) / static_cast<double>(correct);
  if (wrong > 0) p.p_final_given_wrong = static_cast<double>(final_wrong) / static_cast<double>(wrong);
  return p;
}

}  // namespace rcdnn::models::runtime
