// CIFAR-10's binary version (https://www.cs.toronto.edu/~kriz/cifar.html):
// each file is a run of 3073-byte records, one label byte (0..9) then 3072
// pixel bytes: the 32x32 red plane, then green, then blue, each row-major.
// That is already CHW order, so records are copied as they are.
// Files: data_batch_1.bin .. data_batch_5.bin (train), test_batch.bin (test).
#pragma once

#include <string>

#include "models/data/raw_images.h"

namespace rcdnn::data {

constexpr int kCifar10RecordBytes = 3073;

// One batch file. Throws rcdnn::Error naming the file when it is missing,
// empty, not a whole number of records, or holds a label outside 0..9. The
// source is named after the file name (e.g. "data_batch_1.bin").
RawImages ReadCifar10Batch(const std::string& path);

struct Cifar10Files {
  RawImages train;  // data_batch_1..5 in order.
  RawImages test;   // test_batch.
};

// All six files from `dir`.
Cifar10Files ReadCifar10Dir(const std::string& dir);

}  // namespace rcdnn::data
