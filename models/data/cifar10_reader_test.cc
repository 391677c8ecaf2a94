#include "models/data/cifar10_reader.h"

#include <gtest/gtest.h>

#include "models/data/test_files.h"

namespace rcdnn::data {
namespace {

using testing::ErrorOf;
using testing::FreshDir;
using testing::Pattern;

TEST(Cifar10ReaderTest, RecordsAreCopiedAsChwPlanes) {
  const std::string path = FreshDir("cifar_read") + "/data_batch_1.bin";
  testing::WriteBytes(path, testing::CifarBytes({3, 0, 9}));
  const RawImages raw = ReadCifar10Batch(path);
  EXPECT_EQ(raw.size(), 3);
  EXPECT_EQ(raw.channels, 3);
  EXPECT_EQ(raw.height, 32);
  EXPECT_EQ(raw.width, 32);
  EXPECT_EQ(raw.labels, (std::vector<uint8_t>{3, 0, 9}));
  ASSERT_EQ(raw.pixels.size(), 3u * 3072);
  for (int n : {0, 2}) {
    for (int ch : {0, 1, 2}) {
      EXPECT_EQ(raw.pixels[n * 3072 + ch * 1024 + 5 * 32 + 31], Pattern(n, ch, 5, 31));
      EXPECT_EQ(raw.pixels[n * 3072 + ch * 1024 + 31 * 32 + 0], Pattern(n, ch, 31, 0));
    }
  }
  ASSERT_EQ(raw.sources.size(), 1u);
  EXPECT_EQ(raw.sources[0].name, "data_batch_1.bin");
}

TEST(Cifar10ReaderTest, ReadsAllSixFilesInOrder) {
  const std::string dir = FreshDir("cifar_dir");
  testing::MakeCifarDir(dir, 4, 3);
  const Cifar10Files files = ReadCifar10Dir(dir);
  EXPECT_EQ(files.train.size(), 20);
  EXPECT_EQ(files.test.size(), 3);
  ASSERT_EQ(files.train.sources.size(), 5u);
  EXPECT_EQ(files.train.sources[4].name, "data_batch_5.bin");
  EXPECT_EQ(files.test.sources[0].name, "test_batch.bin");
}

TEST(Cifar10ReaderTest, MissingFileNamesThePath) {
  const std::string dir = FreshDir("cifar_missing");
  testing::MakeCifarDir(dir, 2, 2);
  std::remove((dir + "/data_batch_4.bin").c_str());
  EXPECT_NE(ErrorOf([&] { ReadCifar10Dir(dir); }).find(dir + "/data_batch_4.bin"), std::string::npos);
}

TEST(Cifar10ReaderTest, SizeNotAMultipleOfTheRecordIsAnError) {
  const std::string dir = FreshDir("cifar_truncated");
  testing::WriteBytes(dir + "/cut.bin", testing::CifarBytes({1, 2}).substr(0, 3073 + 100));
  testing::WriteBytes(dir + "/empty.bin", "");
  for (const std::string name : {"cut.bin", "empty.bin"}) {
    const std::string message = ErrorOf([&] { ReadCifar10Batch(dir + "/" + name); });
    EXPECT_NE(message.find(dir + "/" + name), std::string::npos) << message;
    EXPECT_NE(message.find("3073"), std::string::npos) << message;
  }
}

TEST(Cifar10ReaderTest, LabelOutOfRangeNamesFileAndRecord) {
  const std::string path = FreshDir("cifar_label") + "/test_batch.bin";
  testing::WriteBytes(path, testing::CifarBytes({1, 2, 10}));
  const std::string message = ErrorOf([&] { ReadCifar10Batch(path); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("label 10 in record 2"), std::string::npos) << message;
}

}  // namespace
}  // namespace rcdnn::data
