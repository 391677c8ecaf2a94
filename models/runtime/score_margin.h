// Score margins (the top-2 softmax probability difference) against
// correctness: Figure 7's histograms, and the conditional probabilities of
// Eq. 2 measured on a prediction set.
//
// Ties at a threshold: an image is final at an increment iff margin >= theta
// (Algorithm 3 escalates while margin < theta), so theta = 0 makes every
// image final and theta slightly above the largest margin makes none final.
#pragma once

#include <cstdint>
#include <vector>

#include "models/runtime/predictions.h"

namespace rcdnn::models::runtime {

// Counts per bin of width 1/bins over [0, 1]; bin b holds margins in
// [b/bins, (b+1)/bins), the last bin also margin 1 exactly.
struct MarginHistogram {
  int bins = 0;
  std::vector<int64_t> correct;  // Figure 7, top
  std::vector<int64_t> wrong;    // Figure 7, bottom
  double BinLow(int b) const { return static_cast<double>(b) / bins; }
};

// Throws rcdnn::Error when bins < 1.
MarginHistogram ComputeMarginHistogram(const PredictionSet& set, int bins);

// Measured on one set for one threshold (Eq. 2's terms). A conditional
// probability whose condition never occurs (no wrong image, say) is 0; it is
// weighted by 0 in Eq. 2 anyway.
struct MarginProbabilities {
  double p_correct = 0;              // P(f_i correct), the accuracy
  double p_final_given_correct = 0;  // P(SM_i >= theta | correct)
  double p_final_given_wrong = 0;    // P(SM_i >= theta | wrong)
};
MarginProbabilities MeasureMarginProbabilities(const PredictionSet& set, double theta);

}  // namespace rcdnn::models::runtime
