// Test helpers: tiny files in each real format (idx raw and gzipped, CIFAR-10
// batches, SVHN .mat through libmatio), written into $TEST_TMPDIR.
#pragma once

#include <matio.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace rcdnn::data::testing {

// The message of the rcdnn::Error that `read` throws ("" if it throws none;
// any other exception propagates and fails the test).
template <typename Fn>
std::string ErrorOf(Fn read) {
  try {
    read();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// $TEST_TMPDIR/<name>, created fresh (emptied if it exists).
std::string FreshDir(const std::string& name);

// A pixel value that differs by image, channel, row and column, so any
// misplaced pixel shows.
uint8_t Pattern(int64_t n, int channel, int row, int col);

// Labels 0,1,..,9,0,1,.. of length n.
std::vector<uint8_t> CyclicLabels(int64_t n);

void WriteBytes(const std::string& path, const std::string& bytes);
void WriteGzip(const std::string& path, const std::string& bytes);
std::string ReadBytes(const std::string& path);

// idx content: header then payload, with Pattern pixels.
std::string IdxImagesBytes(uint32_t count, uint32_t rows, uint32_t cols, uint32_t magic = 2051);
std::string IdxLabelsBytes(const std::vector<uint8_t>& labels, uint32_t magic = 2049);

// CIFAR-10 records with Pattern pixels (channel planes R, G, B).
std::string CifarBytes(const std::vector<uint8_t>& labels);

// An SVHN-like .mat file. x holds count 32x32x3 images in MATLAB column-major
// order; by default X(r, c, ch, n) = Pattern(n, ch, r, c).
struct MatSpec {
  enum mat_ft version = MAT_FT_MAT5;
  enum matio_compression compression = MAT_COMPRESSION_NONE;
  bool write_x = true, write_y = true;
  enum matio_classes x_class = MAT_C_UINT8;  // MAT_C_DOUBLE writes X as doubles.
  std::vector<size_t> x_dims;                // Empty: {32, 32, 3, count}.
  enum matio_classes y_class = MAT_C_DOUBLE;  // MAT_C_DOUBLE or MAT_C_UINT8.
  std::vector<size_t> y_dims;                 // Empty: {labels, 1}.
};
// svhn_labels are SVHN's 1..10 (10 = digit 0). Returns false if libmatio
// could not write the requested version.
bool WriteSvhnMat(const std::string& path, int64_t count, const std::vector<double>& svhn_labels,
                  const MatSpec& spec = {});

// SVHN labels 1..10 for digits 0..9 cycling (digit 0 written as 10).
std::vector<double> CyclicSvhnLabels(int64_t n);

// Whole data-set folders in the registry's layout.
void MakeIdxDir(const std::string& dir, int64_t train, int64_t test, bool gzip);
void MakeCifarDir(const std::string& dir, int64_t per_batch, int64_t test);
void MakeSvhnDir(const std::string& dir, int64_t train, int64_t test, int64_t extra /* 0: none */);

}  // namespace rcdnn::data::testing
