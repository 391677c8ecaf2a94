// Inference over a whole image set at one sub-network: predicted class,
// correctness and top-2 score margin (difference of the two largest softmax
// probabilities, the paper's "score margin") of every image.
#pragma once

#include <cstdint>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "models/engine/params.h"

namespace rcdnn::models {

struct Predictions {
  std::vector<uint8_t> predicted;
  std::vector<uint8_t> label;
  std::vector<float> margin;
  int64_t correct = 0;
  int64_t size() const { return static_cast<int64_t>(label.size()); }
  double Accuracy() const { return label.empty() ? 0.0 : static_cast<double>(correct) / label.size(); }
};

// Evaluates the first `limit` images (-1: all). Throws rcdnn::Error for an
// empty set or images of the wrong shape.
Predictions Evaluate(const Network& net, const NetParams& params, const data::ImageSet& images, const Widths& widths,
                     int head, int64_t limit = -1);

}  // namespace rcdnn::models
