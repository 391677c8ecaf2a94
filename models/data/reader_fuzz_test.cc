// Feeds every reader thousands of random and mutated files (bit flips,
// truncations, header rewrites, appended junk, pure noise) and checks that
// each either throws rcdnn::Error or returns a consistent result: sizes that
// agree with the shape and labels in 0..9. Any other exception fails the
// test; a crash or memory error fails it too (run it under
// bazel test --config=asan //models/data:reader_fuzz_test).
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <random>

#include "common/error.h"
#include "models/data/cifar10_reader.h"
#include "models/data/idx_reader.h"
#include "models/data/svhn_reader.h"
#include "models/data/test_files.h"

namespace rcdnn::data {
namespace {

constexpr uint64_t kSeed = 20160101;

std::string Mutate(const std::string& valid, std::mt19937_64& rng, size_t header_bytes) {
  std::string bytes = valid;
  auto draw = [&](uint64_t bound) { return bound == 0 ? 0 : rng() % bound; };
  switch (draw(6)) {
    case 0: {  // A few bit flips anywhere.
      for (uint64_t k = 0, flips = 1 + draw(8); k < flips && !bytes.empty(); ++k) {
        bytes[draw(bytes.size())] ^= static_cast<char>(1u << draw(8));
      }
      break;
    }
    case 1:  // Truncation.
      bytes.resize(draw(bytes.size() + 1));
      break;
    case 2: {  // Header bytes rewritten.
      for (uint64_t k = 0, changes = 1 + draw(4); k < changes; ++k) {
        bytes[draw(std::min(header_bytes, bytes.size()))] = static_cast<char>(draw(256));
      }
      break;
    }
    case 3:  // Junk appended.
      for (uint64_t k = 0, extra = 1 + draw(5000); k < extra; ++k) bytes += static_cast<char>(draw(256));
      break;
    case 4: {  // A block overwritten with noise.
      const size_t start = draw(bytes.size()), length = std::min<size_t>(1 + draw(64), bytes.size() - start);
      for (size_t k = 0; k < length; ++k) bytes[start + k] = static_cast<char>(draw(256));
      break;
    }
    default: {  // Pure noise, sometimes behind the valid header.
      const bool keep_header = draw(2) == 0;
      bytes = keep_header ? valid.substr(0, header_bytes) : "";
      for (uint64_t k = 0, length = draw(4000); k < length; ++k) bytes += static_cast<char>(draw(256));
      break;
    }
  }
  return bytes;
}

void ExpectConsistent(const RawImages& raw) {
  ASSERT_GT(raw.channels, 0);
  ASSERT_GT(raw.height, 0);
  ASSERT_GT(raw.width, 0);
  ASSERT_EQ(raw.pixels.size(), static_cast<size_t>(raw.size() * raw.image_bytes()));
  for (uint8_t label : raw.labels) ASSERT_LE(label, 9);
}

struct Tally {
  int errors = 0, accepted = 0;
};

// Runs `read` on `iterations` mutations of each valid file; returns how many
// were rejected and accepted.
Tally Fuzz(const std::vector<std::string>& valid_files, size_t header_bytes, int iterations, bool gzip_some,
           const std::string& path, const std::function<void(const std::string&)>& read) {
  std::mt19937_64 rng(kSeed);
  Tally tally;
  for (int i = 0; i < iterations; ++i) {
    const std::string& valid = valid_files[i % valid_files.size()];
    const std::string bytes = Mutate(valid, rng, header_bytes);
    // A new file each time: rewriting one in place makes ext4 flush it to disk
    // on every close (auto_da_alloc), which would dominate the run time.
    std::remove(path.c_str());
    if (gzip_some && rng() % 3 == 0) {
      testing::WriteGzip(path, bytes);  // Valid gzip around a mutated payload.
    } else {
      testing::WriteBytes(path, bytes);
    }
    try {
      read(path);
      ++tally.accepted;
    } catch (const Error& e) {
      ++tally.errors;
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << "iteration " << i << ": " << e.what();
    }
    if (::testing::Test::HasFatalFailure()) {
      ADD_FAILURE() << "iteration " << i;
      break;
    }
  }
  std::printf("%s: %d of %d files rejected with rcdnn::Error, %d accepted\n", path.c_str(), tally.errors,
              iterations, tally.accepted);
  return tally;
}

TEST(ReaderFuzzTest, IdxImages) {
  const std::string dir = testing::FreshDir("fuzz_idx_images");
  testing::WriteGzip(dir + "/valid.gz", testing::IdxImagesBytes(5, 4, 4));
  const std::vector<std::string> valid = {testing::IdxImagesBytes(5, 4, 4), testing::IdxImagesBytes(2, 28, 28),
                                          testing::ReadBytes(dir + "/valid.gz")};
  const Tally tally = Fuzz(valid, 16, 5000, true, dir + "/file", [](const std::string& path) {
    const IdxImages images = ReadIdxImages(path);
    ASSERT_GT(images.count, 0);
    ASSERT_EQ(images.pixels.size(), static_cast<size_t>(images.count * images.rows * images.cols));
  });
  EXPECT_GT(tally.errors, 0);
  EXPECT_GT(tally.accepted, 0);  // Some mutations (pixel flips) leave a valid file.
}

TEST(ReaderFuzzTest, IdxLabelsAndPairs) {
  const std::string dir = testing::FreshDir("fuzz_idx_labels");
  const std::string labels = testing::IdxLabelsBytes({0, 1, 2, 9, 5});
  testing::WriteGzip(dir + "/valid.gz", labels);
  testing::WriteBytes(dir + "/images", testing::IdxImagesBytes(5, 3, 3));
  const Tally tally = Fuzz({labels, testing::ReadBytes(dir + "/valid.gz")}, 8, 5000, true, dir + "/file",
                           [&](const std::string& path) { ExpectConsistent(ReadIdxPair(dir + "/images", path)); });
  EXPECT_GT(tally.errors, 0);
  EXPECT_GT(tally.accepted, 0);
}

TEST(ReaderFuzzTest, Cifar10) {
  const std::string dir = testing::FreshDir("fuzz_cifar");
  const Tally tally = Fuzz({testing::CifarBytes({3, 1, 4}), testing::CifarBytes({9})}, 1, 4000, false,
                           dir + "/data_batch_1.bin",
                           [](const std::string& path) { ExpectConsistent(ReadCifar10Batch(path)); });
  EXPECT_GT(tally.errors, 0);
  EXPECT_GT(tally.accepted, 0);
}

TEST(ReaderFuzzTest, SvhnMat) {
  const std::string dir = testing::FreshDir("fuzz_svhn");
  std::vector<std::string> valid;
  for (auto compression : {MAT_COMPRESSION_NONE, MAT_COMPRESSION_ZLIB}) {
    testing::MatSpec spec;
    spec.compression = compression;
    ASSERT_TRUE(testing::WriteSvhnMat(dir + "/valid.mat", 2, {10, 4}, spec));
    valid.push_back(testing::ReadBytes(dir + "/valid.mat"));
  }
  // Header rewrites aim past MAT5's 128-byte text header, at the variables' tags and dimensions.
  const Tally tally = Fuzz(valid, 128 + 64, 3000, false, dir + "/train_32x32.mat",
                           [](const std::string& path) { ExpectConsistent(ReadSvhnMat(path)); });
  EXPECT_GT(tally.errors, 0);
  EXPECT_GT(tally.accepted, 0);
}

}  // namespace
}  // namespace rcdnn::data
