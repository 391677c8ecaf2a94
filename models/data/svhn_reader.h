// SVHN's cropped digits (http://ufldl.stanford.edu/housenumbers/), files
// train_32x32.mat, test_32x32.mat and extra_32x32.mat, read through libmatio
// (MAT5, compressed or not, and MAT 7.3/HDF5 where libmatio has HDF5).
//   X: uint8, 32x32x3xN in MATLAB's column-major order, X(row, col, channel, n)
//   y: N labels as an Nx1 (or 1xN) real numeric array, 1..10, where 10 means digit 0
// The reader returns NCHW images and labels 0..9 (label 10 becomes 0).
#pragma once

#include <string>

#include "models/data/raw_images.h"

namespace rcdnn::data {

// Throws rcdnn::Error naming the file when it is missing or not a .mat file,
// lacks X or y, has X of the wrong class or shape, y of the wrong shape or a
// count different from X's, or a label that is not an integer in 1..10. The
// source is named after the file name, with the SHA-256 of the file's bytes.
RawImages ReadSvhnMat(const std::string& path);

}  // namespace rcdnn::data
