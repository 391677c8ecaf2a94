// The in-memory data set every trainer and runtime scheme consumes: three
// image sets (train / validation / test) already preprocessed into floats,
// plus what is needed to record provenance (name, content checksum, notes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rcdnn::data {

struct ImageSet {
  int channels = 0, height = 0, width = 0;
  std::vector<float> images;    // N*C*H*W, NCHW row-major.
  std::vector<uint8_t> labels;  // N class indices, 0..9.
  int size() const { return static_cast<int>(labels.size()); }
};

struct Dataset {
  std::string name;            // "mnist", "fashion_mnist", "cifar10", "svhn".
  std::string display_name;    // e.g. "Fashion-MNIST (stand-in for MNIST)".
  std::string content_sha256;  // Checksum of the raw files read, combined in a fixed order.
  ImageSet train, validation, test;
  std::string notes;  // Preprocessing, split, and anything unusual (e.g. SVHN extra missing).
};

// Number of items per label value 0..num_classes-1 (labels are checked on read,
// so every label is below 10).
inline std::vector<int64_t> ClassCounts(const std::vector<uint8_t>& labels, int num_classes = 10) {
  std::vector<int64_t> counts(num_classes, 0);
  for (uint8_t label : labels) {
    if (label < num_classes) ++counts[label];
  }
  return counts;
}

}  // namespace rcdnn::data
