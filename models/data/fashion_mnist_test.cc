// Fashion-MNIST from Debian's dataset-fashion-mnist package, the stand-in the
// product uses when MNIST is absent. Expected values were computed
// independently (Python's gzip + hashlib on the same files, and a Python
// re-implementation of the split for seed 20160101).
#include <gtest/gtest.h>

#include <filesystem>

#include "common/sha256.h"
#include "models/data/idx_reader.h"
#include "models/data/registry.h"
#include "models/data/splits.h"
#include "models/data/test_files.h"

namespace rcdnn::data {
namespace {

constexpr char kDir[] = "/usr/share/datasets/fashion-mnist";

class FashionMnistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(std::string(kDir) + "/train-images-idx3-ubyte.gz")) {
      GTEST_SKIP() << kDir << " is missing: install Debian's dataset-fashion-mnist (scripts/setup)";
    }
  }
};

TEST_F(FashionMnistTest, RawFilesHoldTheKnownContent) {
  const IdxImages images = ReadIdxImages(std::string(kDir) + "/train-images-idx3-ubyte.gz");
  const IdxLabels labels = ReadIdxLabels(std::string(kDir) + "/train-labels-idx1-ubyte.gz");
  EXPECT_EQ(images.count, 60000);
  EXPECT_EQ(images.rows, 28);
  EXPECT_EQ(images.cols, 28);
  // sha256 of the 784 uint8 pixels of train image 0 (an ankle boot, label 9).
  EXPECT_EQ(Sha256Hex(std::string(images.pixels.begin(), images.pixels.begin() + 784)),
            "5bd44e331a6d6998daf675700cd0c13dcd7af8ab954b7585124124da61459e7b");
  EXPECT_EQ(std::vector<uint8_t>(labels.labels.begin(), labels.labels.begin() + 10),
            (std::vector<uint8_t>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5}));
  EXPECT_EQ(images.sha256, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888");
}

TEST_F(FashionMnistTest, LoadsWithTheDocumentedSplit) {
  LoadOptions options;
  options.data_root = testing::FreshDir("fashion_empty_root");  // Forces the Debian fallback.
  const Dataset dataset = LoadDataset("fashion_mnist", options);
  EXPECT_EQ(dataset.display_name, "Fashion-MNIST (stand-in for MNIST)");
  EXPECT_EQ(dataset.content_sha256, "6e1b8248a371b684a8915a1bed4b38233fddf371eb4aedfbefbeecd3adf25313");
  EXPECT_EQ(dataset.train.size(), 60000);
  EXPECT_EQ(dataset.validation.size() + dataset.test.size(), 10000);
  EXPECT_EQ(dataset.validation.size(), 1000);
  EXPECT_EQ(dataset.test.size(), 9000);
  EXPECT_EQ(ClassCounts(dataset.train.labels), std::vector<int64_t>(10, 6000));
  EXPECT_EQ(ClassCounts(dataset.validation.labels), std::vector<int64_t>(10, 100));
  EXPECT_EQ(ClassCounts(dataset.test.labels), std::vector<int64_t>(10, 900));
  EXPECT_EQ(dataset.train.labels[0], 9);

  // Validation = t10k items at the split's indices, in index order, scaled by 1/256.
  const IdxImages t10k = ReadIdxImages(std::string(kDir) + "/t10k-images-idx3-ubyte.gz");
  const IdxLabels t10k_labels = ReadIdxLabels(std::string(kDir) + "/t10k-labels-idx1-ubyte.gz");
  const IndexSplit split = HoldOutFractionPerClass(t10k_labels.labels, 0.1, 20160101);
  EXPECT_EQ(std::vector<int64_t>(split.held_out.begin(), split.held_out.begin() + 10),
            (std::vector<int64_t>{4, 14, 16, 23, 25, 48, 55, 73, 77, 81}));
  std::string joined;
  for (int64_t i : split.held_out) joined += (joined.empty() ? "" : ",") + std::to_string(i);
  EXPECT_EQ(Sha256Hex(joined), "a08b15481db6e94109b6e5321473d68eef0b57a6b5057a495e1c4ccdd4ce9c55");
  for (int k : {0, 1, 999}) {
    const int64_t index = split.held_out[k];
    EXPECT_EQ(dataset.validation.labels[k], t10k_labels.labels[index]);
    for (int p = 0; p < 784; p += 97) {
      EXPECT_EQ(dataset.validation.images[k * 784 + p], t10k.pixels[index * 784 + p] / 256.0f);
    }
  }
}

}  // namespace
}  // namespace rcdnn::data
