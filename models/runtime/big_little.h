// Big/Little (Park et al. 2015) over recorded predictions: two independently
// trained networks, the little one first, the big one when the little one's
// score margin is below a threshold. Here little = a golden model of small
// width (by default the width of the incremental model's first increment),
// big = the full golden model. The big network shares nothing with the
// little one, so an escalated image costs little + big (no reuse is
// possible); the threshold is chosen on the validation set with the same
// criteria as the incremental scheme (increment_optimizer.h).
#pragma once

#include "models/runtime/increment_optimizer.h"

namespace rcdnn::models::runtime {

struct BigLittleNetwork {
  const PredictionSet* validation = nullptr;
  const PredictionSet* test = nullptr;
  double fraction = 1;  // of the full network's channels
  double energy = 0;    // one forward pass
  double time = -1;     // one forward pass; < 0 unknown
};

// Throws rcdnn::Error when a prediction set is missing or the two networks
// disagree on the images.
TunedScheme RunBigLittle(const BigLittleNetwork& little, const BigLittleNetwork& big, ThresholdCriterion criterion,
                         const ThresholdSearchOptions& options);

// With a given threshold (no tuning), on the test set.
EscalationResult RunBigLittleAt(const BigLittleNetwork& little, const BigLittleNetwork& big, double threshold);

}  // namespace rcdnn::models::runtime
