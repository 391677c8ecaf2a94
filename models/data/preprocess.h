// The paper's preprocessing: "no pre-processing other than normalization or
// mean subtraction". We follow the Caffe examples the paper's networks come
// from, so that the reproduced accuracies are comparable:
//   MNIST, Fashion-MNIST: x / 256 (Caffe's lenet data layer, scale 0.00390625);
//   CIFAR-10, SVHN: x - mean, the per-pixel (per channel, row, column) mean
//     image over the training split, values left in the 0..255 range
//     (Caffe's cifar10 examples subtract mean.binaryproto and do not scale).
#pragma once

#include <vector>

#include "models/data/dataset.h"
#include "models/data/raw_images.h"

namespace rcdnn::data {

constexpr float kPixelScale = 1.0f / 256.0f;  // 0.00390625, exact in binary.

ImageSet ScaleToUnit(const RawImages& images);

// Mean over all images of each of the C*H*W pixel positions, summed in double
// in image order (deterministic), stored as float. Throws on an empty set.
std::vector<float> MeanImage(const RawImages& images);

// pixel - mean[position]; `mean` must hold C*H*W values.
ImageSet SubtractMean(const RawImages& images, const std::vector<float>& mean);

}  // namespace rcdnn::data
