#include "models/data/idx_reader.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/sha256.h"
#include "models/data/test_files.h"

namespace rcdnn::data {
namespace {

using testing::ErrorOf;
using testing::FreshDir;
using testing::IdxImagesBytes;
using testing::IdxLabelsBytes;
using testing::Pattern;

TEST(IdxReaderTest, ReadsRawAndGzippedAlike) {
  const std::string dir = FreshDir("idx_alike");
  const std::string images = IdxImagesBytes(3, 4, 5);
  testing::WriteBytes(dir + "/raw", images);
  testing::WriteGzip(dir + "/zipped", images);  // No .gz: gzip is found by its magic bytes.
  for (const std::string name : {"raw", "zipped"}) {
    const IdxImages read = ReadIdxImages(dir + "/" + name);
    EXPECT_EQ(read.count, 3);
    EXPECT_EQ(read.rows, 4);
    EXPECT_EQ(read.cols, 5);
    ASSERT_EQ(read.pixels.size(), 60u);
    EXPECT_EQ(read.pixels[2 * 20 + 3 * 5 + 4], Pattern(2, 0, 3, 4));
    EXPECT_EQ(read.sha256, Sha256Hex(images)) << "checksum is of the uncompressed content";
  }
}

TEST(IdxReaderTest, ReadsPairAsSingleChannelImagesNamedWithoutGz) {
  const std::string dir = FreshDir("idx_pair");
  testing::WriteGzip(dir + "/imgs.gz", IdxImagesBytes(4, 2, 3));
  testing::WriteBytes(dir + "/labels", IdxLabelsBytes({9, 0, 5, 5}));
  const RawImages raw = ReadIdxPair(dir + "/imgs.gz", dir + "/labels");
  EXPECT_EQ(raw.size(), 4);
  EXPECT_EQ(raw.channels, 1);
  EXPECT_EQ(raw.height, 2);
  EXPECT_EQ(raw.width, 3);
  EXPECT_EQ(raw.labels, (std::vector<uint8_t>{9, 0, 5, 5}));
  ASSERT_EQ(raw.sources.size(), 2u);
  EXPECT_EQ(raw.sources[0].name, "imgs");
  EXPECT_EQ(raw.sources[1].name, "labels");
}

TEST(IdxReaderTest, MissingFileNamesThePath) {
  const std::string path = FreshDir("idx_missing") + "/nope-idx3-ubyte";
  EXPECT_NE(ErrorOf([&] { ReadIdxImages(path); }).find(path), std::string::npos);
  EXPECT_NE(ErrorOf([&] { ReadIdxLabels(path); }).find(path), std::string::npos);
}

TEST(IdxReaderTest, TruncatedRawFileGivesExpectedAndActualBytes) {
  const std::string path = FreshDir("idx_truncated") + "/images";
  std::string bytes = IdxImagesBytes(3, 4, 5);
  bytes.resize(bytes.size() - 7);
  testing::WriteBytes(path, bytes);
  const std::string message = ErrorOf([&] { ReadIdxImages(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("expected 60 bytes"), std::string::npos) << message;
  EXPECT_NE(message.find("found 53"), std::string::npos) << message;
}

TEST(IdxReaderTest, TruncatedHeaderAndTrailingBytesAreErrors) {
  const std::string dir = FreshDir("idx_header");
  testing::WriteBytes(dir + "/short", IdxImagesBytes(3, 4, 5).substr(0, 10));
  EXPECT_NE(ErrorOf([&] { ReadIdxImages(dir + "/short"); }).find("header needs 16 bytes, found 10"), std::string::npos);
  testing::WriteBytes(dir + "/long", IdxLabelsBytes({1, 2}) + "x");
  const std::string message = ErrorOf([&] { ReadIdxLabels(dir + "/long"); });
  EXPECT_NE(message.find(dir + "/long"), std::string::npos) << message;
  EXPECT_NE(message.find("expected 2 bytes"), std::string::npos) << message;
}

TEST(IdxReaderTest, TruncatedGzipIsAnError) {
  const std::string dir = FreshDir("idx_truncated_gz");
  testing::WriteGzip(dir + "/full.gz", IdxImagesBytes(50, 28, 28));
  const std::string zipped = testing::ReadBytes(dir + "/full.gz");
  testing::WriteBytes(dir + "/cut.gz", zipped.substr(0, zipped.size() / 2));
  const std::string message = ErrorOf([&] { ReadIdxImages(dir + "/cut.gz"); });
  EXPECT_NE(message.find(dir + "/cut.gz"), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST(IdxReaderTest, WrongMagicNamesFileAndBothNumbers) {
  const std::string dir = FreshDir("idx_magic");
  testing::WriteBytes(dir + "/labels-as-images", IdxLabelsBytes({1, 2, 3}));
  const std::string message = ErrorOf([&] { ReadIdxImages(dir + "/labels-as-images"); });
  EXPECT_NE(message.find(dir + "/labels-as-images"), std::string::npos) << message;
  EXPECT_NE(message.find("2049"), std::string::npos) << message;
  EXPECT_NE(message.find("2051"), std::string::npos) << message;
  testing::WriteBytes(dir + "/bad", IdxLabelsBytes({1, 2, 3}, 0x12345678));
  EXPECT_NE(ErrorOf([&] { ReadIdxLabels(dir + "/bad"); }).find(dir + "/bad"), std::string::npos);
}

TEST(IdxReaderTest, ZeroDimensionsAreErrors) {
  const std::string dir = FreshDir("idx_dims");
  testing::WriteBytes(dir + "/no-rows", IdxImagesBytes(3, 0, 5));
  testing::WriteBytes(dir + "/no-images", IdxImagesBytes(0, 4, 5));
  testing::WriteBytes(dir + "/no-labels", IdxLabelsBytes({}));
  for (const std::string name : {"no-rows", "no-images"}) {
    const std::string message = ErrorOf([&] { ReadIdxImages(dir + "/" + name); });
    EXPECT_NE(message.find(dir + "/" + name), std::string::npos) << message;
    EXPECT_NE(message.find("bad dimensions"), std::string::npos) << message;
  }
  EXPECT_NE(ErrorOf([&] { ReadIdxLabels(dir + "/no-labels"); }).find(dir + "/no-labels"), std::string::npos);
}

TEST(IdxReaderTest, LabelOutOfRangeNamesFileAndItem) {
  const std::string path = FreshDir("idx_label_range") + "/labels";
  testing::WriteBytes(path, IdxLabelsBytes({0, 9, 10}));
  const std::string message = ErrorOf([&] { ReadIdxLabels(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("label 10 at item 2"), std::string::npos) << message;
}

TEST(IdxReaderTest, ImageLabelCountMismatchNamesBothFiles) {
  const std::string dir = FreshDir("idx_mismatch");
  testing::WriteBytes(dir + "/images", IdxImagesBytes(3, 2, 2));
  testing::WriteBytes(dir + "/labels", IdxLabelsBytes({1, 2}));
  const std::string message = ErrorOf([&] { ReadIdxPair(dir + "/images", dir + "/labels"); });
  EXPECT_NE(message.find(dir + "/images"), std::string::npos) << message;
  EXPECT_NE(message.find(dir + "/labels"), std::string::npos) << message;
  EXPECT_NE(message.find("3 images"), std::string::npos) << message;
  EXPECT_NE(message.find("2 labels"), std::string::npos) << message;
}

}  // namespace
}  // namespace rcdnn::data
