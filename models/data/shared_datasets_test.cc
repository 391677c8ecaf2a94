// Real MNIST and CIFAR-10 from $RCDNN_SHARED_DATASETS (scripts/test points it
// at ../shared/datasets). Skipped, with a message, when that is not set.
// Expected counts and labels are those of the READMEs there; checksums were
// computed independently with Python's gzip + hashlib.
#include <gtest/gtest.h>

#include <cmath>

#include "models/data/registry.h"

namespace rcdnn::data {
namespace {

LoadOptions SharedRoot() {
  LoadOptions options;
  options.data_root = SharedDatasetsDir();
  return options;
}

// Why `name` cannot be tested here, or "" when it can.
std::string WhyNot(const std::string& name) {
  if (SharedDatasetsDir().empty()) {
    return "RCDNN_SHARED_DATASETS is unset or not a folder; run through scripts/test or point it at a folder "
           "holding mnist/ and cifar10/";
  }
  if (!DatasetAvailable(name, SharedRoot())) return SharedDatasetsDir() + " has no complete " + name + " folder";
  return "";
}

TEST(SharedDatasetsTest, Mnist) {
  if (const std::string why = WhyNot("mnist"); !why.empty()) GTEST_SKIP() << why;
  const Dataset dataset = LoadDataset("mnist", SharedRoot());
  EXPECT_EQ(dataset.display_name, "MNIST");
  EXPECT_EQ(dataset.content_sha256, "42fba4f787e0b19e7faba1307d5c5dc0041cbd2298cdf4edfd6da61303aa1767");
  EXPECT_EQ(ClassCounts(dataset.train.labels),
            (std::vector<int64_t>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}));
  EXPECT_EQ(std::vector<uint8_t>(dataset.train.labels.begin(), dataset.train.labels.begin() + 5),
            (std::vector<uint8_t>{5, 0, 4, 1, 9}));
  // 10% of each t10k class (980 1135 1032 1010 982 892 958 1028 974 1009), rounded.
  EXPECT_EQ(ClassCounts(dataset.validation.labels),
            (std::vector<int64_t>{98, 114, 103, 101, 98, 89, 96, 103, 97, 101}));
  EXPECT_EQ(ClassCounts(dataset.test.labels),
            (std::vector<int64_t>{882, 1021, 929, 909, 884, 803, 862, 925, 877, 908}));
  EXPECT_EQ(dataset.validation.size(), 1000);
  EXPECT_EQ(dataset.test.size(), 9000);
}

TEST(SharedDatasetsTest, Cifar10) {
  if (const std::string why = WhyNot("cifar10"); !why.empty()) GTEST_SKIP() << why;
  const Dataset dataset = LoadDataset("cifar10", SharedRoot());
  EXPECT_EQ(dataset.display_name, "CIFAR-10");
  EXPECT_EQ(dataset.content_sha256, "728569d6013b6972eb50b9d96c92a113aa848c4de1fe3a8e602ee35b9d030763");
  EXPECT_EQ(ClassCounts(dataset.train.labels), std::vector<int64_t>(10, 5000));
  EXPECT_EQ(std::vector<uint8_t>(dataset.train.labels.begin(), dataset.train.labels.begin() + 10),
            (std::vector<uint8_t>{6, 9, 9, 4, 1, 1, 2, 7, 8, 3}));
  EXPECT_EQ(ClassCounts(dataset.validation.labels), std::vector<int64_t>(10, 100));
  EXPECT_EQ(ClassCounts(dataset.test.labels), std::vector<int64_t>(10, 900));
  // Mean subtraction: every pixel position averages to ~0 over train.
  const size_t n = dataset.train.size();
  for (size_t position : {0u, 1500u, 3071u}) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += dataset.train.images[i * 3072 + position];
    EXPECT_NEAR(sum / n, 0.0, 1e-3);
  }
}

}  // namespace
}  // namespace rcdnn::data
