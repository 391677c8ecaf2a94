// MNIST's idx format (http://yann.lecun.com/exdb/mnist/), as used by MNIST and
// Fashion-MNIST: a big-endian header, then uint8 data.
//   images: magic 2051 (0x00000803: uint8, 3 dims), N, rows, cols, N*rows*cols pixels
//   labels: magic 2049 (0x00000801: uint8, 1 dim),  N, N labels in 0..9
// Files may be gzipped or raw; gzip is recognised by its magic bytes 1f 8b,
// never by the file name. Every check failure throws rcdnn::Error naming the
// file: wrong magic, zero dimensions, a payload shorter or longer than the
// header promises (with both byte counts), a label outside 0..9, and image and
// label files of different lengths.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/data/raw_images.h"

namespace rcdnn::data {

struct IdxImages {
  int64_t count = 0;
  int rows = 0, cols = 0;
  std::vector<uint8_t> pixels;  // count*rows*cols, row-major.
  std::string sha256;           // Of the uncompressed content.
};

struct IdxLabels {
  std::vector<uint8_t> labels;
  std::string sha256;  // Of the uncompressed content.
};

IdxImages ReadIdxImages(const std::string& path);
IdxLabels ReadIdxLabels(const std::string& path);

// Both files of one split as single-channel images. The sources are named
// after the files with any ".gz" dropped, so a gzipped and a raw copy of the
// same data get the same checksum.
RawImages ReadIdxPair(const std::string& images_path, const std::string& labels_path);

}  // namespace rcdnn::data
