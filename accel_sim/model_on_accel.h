// A trained model on the accelerator's arithmetic: every increment's
// sub-network run on the same images through the float CPU engine
// (models/engine) and through the bit-accurate simulator with the model's
// own weights, compared class by class. This checks the paper's claim
// (Section 5.1) that <32,16> fixed point loses no accuracy against float,
// and shows what <16,10> does.
//
// Precision: uniform, the tech file's <n,f> for the input, every layer's
// weights and every layer's outputs (UniformPrecision). Inputs are fed as the
// data set's preprocessing leaves them: LeNet's in [0, 1), CIFAR-10's and
// SVHN's mean-subtracted 0..255 values (|x| up to 255), which <16,10>
// (range [-32, 32)) cannot hold — those saturations are counted and
// reported, never hidden.
#pragma once

#include <cstdint>
#include <vector>

#include "accel_sim/sim_result.h"
#include "accel_sim/simulator.h"
#include "accel_sim/tech_config.h"
#include "models/data/dataset.h"
#include "models/spec/shapes.h"
#include "models/train/model_file.h"

namespace rcdnn::accel {

// The model's weights as the simulator takes them for increment `head`
// (0-based): every sliced layer's full-width matrix and head `head` as the
// classifier, in the engine's layout (row = output channel, columns
// (c, ky, kx) or the flattened (c, y, x) input). Throws rcdnn::Error when the
// head does not exist or the parameters do not fit the spec.
NetWeights WeightsOfIncrement(const models::Model& model, int head);

struct CompareOptions {
  int64_t images = 500;  // the first `images` of the set (all when it holds fewer)
  int threads = 1;       // images are split across threads (float engine and simulator)
};

struct IncrementComparison {
  int increment = 0;  // 1-based
  models::Widths widths;
  int64_t images = 0;
  double accuracy_float = 0;  // the float engine (models/train/evaluate.h)
  double accuracy_accel = 0;  // the simulated tile (fixed <n,f>, or float32 tech)
  double agreement = 0;       // fraction of images whose two predicted classes are equal
  // Weights and biases: counted once (they are quantized once); input,
  // accumulator and outputs: over all images.
  SaturationStats saturations;
  double max_abs_score_error = 0;   // |float logit - simulated score|, over images and classes
  double mean_abs_score_error = 0;
};

// One entry per increment of the model. The images must have the spec's
// input shape. A predicted class is the first of the largest scores (fixed:
// compared on the raw <n,f> words).
std::vector<IncrementComparison> CompareOnAccelerator(const models::Model& model, const data::ImageSet& images,
                                                      const TechConfig& tech, const CompareOptions& options);

}  // namespace rcdnn::accel
