#include "models/data/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "models/data/test_files.h"

namespace rcdnn::data {
namespace {

using testing::ErrorOf;
using testing::FreshDir;

LoadOptions Root(const std::string& root) {
  LoadOptions options;
  options.data_root = root;
  return options;
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(RegistryTest, UnknownNameListsTheKnownNames) {
  const std::string message = ErrorOf([] { LoadDataset("imagenet", LoadOptions()); });
  EXPECT_TRUE(Contains(message, "'imagenet'")) << message;
  for (const std::string& name : KnownDatasetNames()) EXPECT_TRUE(Contains(message, name)) << message;
  EXPECT_THROW(DatasetAvailable("imagenet", LoadOptions()), Error);
  EXPECT_THROW(ResolveDatasetDir("MNIST", LoadOptions()), Error);
}

TEST(RegistryTest, MissingDataSetNamesEveryPlaceAndTheFix) {
  const std::string root = FreshDir("registry_missing");
  std::filesystem::create_directories(root + "/cifar10");
  testing::WriteBytes(root + "/cifar10/data_batch_1.bin", "");
  EXPECT_FALSE(DatasetAvailable("cifar10", Root(root)));
  const std::string message = ErrorOf([&] { LoadDataset("cifar10", Root(root)); });
  EXPECT_TRUE(Contains(message, "data set 'cifar10' not found")) << message;
  EXPECT_TRUE(Contains(message, root + "/cifar10 (missing data_batch_2.bin")) << message;
  EXPECT_TRUE(Contains(message, root + "/cifar10/cifar-10-batches-bin (no such folder)")) << message;
  EXPECT_TRUE(Contains(message, "run scripts/fetch_datasets cifar10 or place the files in " + root + "/cifar10"))
      << message;
  for (const std::string name : {"mnist", "svhn"}) {
    const std::string text = ErrorOf([&] { ResolveDatasetDir(name, Root(root)); });
    EXPECT_TRUE(Contains(text, root + "/" + name)) << text;
    EXPECT_TRUE(Contains(text, "scripts/fetch_datasets " + name)) << text;
  }
}

TEST(RegistryTest, DataRootComesFromOptionThenEnvironmentThenHome) {
  using Roots = std::vector<std::string>;
  ::setenv("HOME", "/home/someone", 1);
  ::unsetenv("RCDNN_DATA_ROOT");
  EXPECT_EQ(ResolveDataRoots(LoadOptions()), Roots{"/home/someone/.cache/rcdnn/data"});
  ::setenv("RCDNN_DATA_ROOT", "/data/from/env", 1);
  EXPECT_EQ(ResolveDataRoots(LoadOptions()), Roots{"/data/from/env"});
  EXPECT_EQ(ResolveDataRoots(Root("/explicit")), Roots{"/explicit"});
  ::setenv("RCDNN_DATA_ROOT", "/a::/b:", 1);  // A list, as //third_party:datasets.bzl reads it.
  EXPECT_EQ(ResolveDataRoots(LoadOptions()), (Roots{"/a", "/b"}));
  ::unsetenv("RCDNN_DATA_ROOT");
  ::unsetenv("HOME");
  EXPECT_TRUE(ResolveDataRoots(LoadOptions()).empty());
  const std::string message = ErrorOf([] { ResolveDatasetDir("mnist", LoadOptions()); });
  EXPECT_TRUE(Contains(message, "no data root")) << message;
}

TEST(RegistryTest, LoadsTinyMnistRawOrGzippedWithTheSameChecksum) {
  const std::string root = FreshDir("registry_mnist");
  std::filesystem::create_directories(root + "/raw/mnist");
  std::filesystem::create_directories(root + "/gz/mnist");
  testing::MakeIdxDir(root + "/raw/mnist", 60, 100, /*gzip=*/false);
  testing::MakeIdxDir(root + "/gz/mnist", 60, 100, /*gzip=*/true);
  const Dataset raw = LoadDataset("mnist", Root(root + "/raw"));
  const Dataset gz = LoadDataset("mnist", Root(root + "/gz"));
  EXPECT_EQ(raw.content_sha256, gz.content_sha256);
  EXPECT_EQ(raw.content_sha256.size(), 64u);
  EXPECT_EQ(raw.display_name, "MNIST");
  EXPECT_EQ(raw.train.size(), 60);
  EXPECT_EQ(raw.validation.size(), 10);  // 10% of each class of 10.
  EXPECT_EQ(raw.test.size(), 90);
  EXPECT_EQ(ClassCounts(raw.validation.labels), std::vector<int64_t>(10, 1));
  EXPECT_EQ(raw.train.channels, 1);
  EXPECT_EQ(raw.train.height, 28);
  ASSERT_EQ(raw.train.images.size(), 60u * 784);
  EXPECT_EQ(raw.train.images[784 + 28 * 3 + 5], testing::Pattern(1, 0, 3, 5) / 256.0f);
  EXPECT_EQ(raw.train.images, gz.train.images);
  EXPECT_EQ(raw.test.labels, gz.test.labels);
  EXPECT_TRUE(Contains(raw.notes, "1/256")) << raw.notes;
}

TEST(RegistryTest, ChecksumFollowsTheContent) {
  const std::string root = FreshDir("registry_checksum");
  std::filesystem::create_directories(root + "/mnist");
  testing::MakeIdxDir(root + "/mnist", 20, 20, false);
  const std::string before = LoadDataset("mnist", Root(root)).content_sha256;
  std::vector<uint8_t> labels = testing::CyclicLabels(20);
  labels[3] = 8;
  testing::WriteBytes(root + "/mnist/t10k-labels-idx1-ubyte", testing::IdxLabelsBytes(labels));
  EXPECT_NE(LoadDataset("mnist", Root(root)).content_sha256, before);
}

TEST(RegistryTest, MnistWithWrongImageSizeNamesTheFile) {
  const std::string root = FreshDir("registry_mnist_dims");
  std::filesystem::create_directories(root + "/mnist");
  testing::MakeIdxDir(root + "/mnist", 20, 20, false);
  testing::WriteBytes(root + "/mnist/train-images-idx3-ubyte", testing::IdxImagesBytes(20, 32, 32));
  const std::string message = ErrorOf([&] { LoadDataset("mnist", Root(root)); });
  EXPECT_TRUE(Contains(message, root + "/mnist/train-images-idx3-ubyte")) << message;
  EXPECT_TRUE(Contains(message, "28x28")) << message;
}

TEST(RegistryTest, SearchesEveryRootInOrder) {
  const std::string root = FreshDir("registry_roots");
  testing::MakeCifarDir(root + "/second/cifar-10-batches-bin", 1, 10);
  const LoadOptions options = Root(root + "/first:" + root + "/second");
  EXPECT_EQ(ResolveDatasetDir("cifar10", options), root + "/second/cifar-10-batches-bin");
  const std::string message = ErrorOf([&] { ResolveDatasetDir("mnist", options); });
  EXPECT_TRUE(Contains(message, root + "/first/mnist (no such folder); " + root + "/second/mnist")) << message;
  EXPECT_TRUE(Contains(message, "place the files in " + root + "/first/mnist")) << message;
}

TEST(RegistryTest, FashionMnistIsLabelledAsSuchFromTheRoot) {
  const std::string root = FreshDir("registry_fashion");
  std::filesystem::create_directories(root + "/fashion_mnist");
  testing::MakeIdxDir(root + "/fashion_mnist", 30, 30, true);
  EXPECT_EQ(ResolveDatasetDir("fashion_mnist", Root(root)), root + "/fashion_mnist");
  const Dataset dataset = LoadDataset("fashion_mnist", Root(root));
  EXPECT_EQ(dataset.name, "fashion_mnist");
  EXPECT_TRUE(Contains(dataset.display_name, "Fashion-MNIST")) << dataset.display_name;
  EXPECT_NE(dataset.display_name.rfind("MNIST", 0), 0u) << "must not start with plain MNIST";
  EXPECT_EQ(dataset.train.size(), 30);
}

TEST(RegistryTest, FashionMnistFallsBackToDebiansCopy) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "Debian's dataset-fashion-mnist is not installed (scripts/setup installs it)";
  }
  const std::string root = FreshDir("registry_fashion_fallback");
  EXPECT_TRUE(DatasetAvailable("fashion_mnist", Root(root)));
  EXPECT_EQ(ResolveDatasetDir("fashion_mnist", Root(root)), "/usr/share/datasets/fashion-mnist");
}

TEST(RegistryTest, Cifar10InsideBatchesBinFolderWithMeanSubtracted) {
  const std::string root = FreshDir("registry_cifar");
  testing::MakeCifarDir(root + "/cifar10/cifar-10-batches-bin", 4, 100);
  const Dataset dataset = LoadDataset("cifar10", Root(root));
  EXPECT_EQ(dataset.display_name, "CIFAR-10");
  EXPECT_EQ(dataset.train.size(), 20);
  EXPECT_EQ(dataset.validation.size(), 10);
  EXPECT_EQ(dataset.test.size(), 90);
  EXPECT_EQ(dataset.train.channels, 3);
  // Each pixel position averages to zero over the training set, and values
  // stay in the raw 0..255 range (no scaling).
  double sum = 0, max_abs = 0;
  for (int n = 0; n < 20; ++n) {
    sum += dataset.train.images[n * 3072 + 1000];
    for (int i = 0; i < 3072; ++i) max_abs = std::max<double>(max_abs, std::abs(dataset.train.images[n * 3072 + i]));
  }
  EXPECT_NEAR(sum, 0.0, 1e-3);
  EXPECT_GT(max_abs, 2.0);
  EXPECT_TRUE(Contains(dataset.notes, "mean")) << dataset.notes;
}

TEST(RegistryTest, SvhnWithExtraFollowsSermanet) {
  const std::string root = FreshDir("registry_svhn_extra");
  testing::MakeSvhnDir(root + "/svhn", 4010, 20, 2010);
  const Dataset dataset = LoadDataset("svhn", Root(root));
  EXPECT_EQ(dataset.validation.size(), 6000);
  EXPECT_EQ(ClassCounts(dataset.validation.labels), std::vector<int64_t>(10, 600));
  EXPECT_EQ(dataset.train.size(), 20);  // 10 left from train + 10 from extra.
  EXPECT_EQ(dataset.test.size(), 20);
  EXPECT_TRUE(Contains(dataset.notes, "200 per class from extra_32x32.mat")) << dataset.notes;
}

TEST(RegistryTest, SvhnWithoutExtraSaysSo) {
  const std::string root = FreshDir("registry_svhn");
  testing::MakeSvhnDir(root + "/svhn", 4030, 10, 0);
  const Dataset dataset = LoadDataset("svhn", Root(root));
  EXPECT_EQ(dataset.validation.size(), 4000);
  EXPECT_EQ(dataset.train.size(), 30);
  EXPECT_EQ(dataset.test.size(), 10);
  EXPECT_TRUE(Contains(dataset.notes, "extra_32x32.mat not found")) << dataset.notes;
  LoadOptions other = Root(root);
  other.split_seed = 7;
  EXPECT_NE(LoadDataset("svhn", other).train.labels.size(), 0u);
}

TEST(RegistryTest, SmokeSubsetsAreClassBalanced) {
  const std::string root = FreshDir("registry_subset");
  std::filesystem::create_directories(root + "/mnist");
  testing::MakeIdxDir(root + "/mnist", 200, 200, false);
  LoadOptions options = Root(root);
  options.max_train = 50;
  options.max_test = 30;
  const Dataset dataset = LoadDataset("mnist", options);
  EXPECT_EQ(dataset.train.size(), 50);
  EXPECT_EQ(ClassCounts(dataset.train.labels), std::vector<int64_t>(10, 5));
  EXPECT_EQ(dataset.test.size(), 30);
  EXPECT_EQ(dataset.validation.size(), 20);  // Never cut.
  EXPECT_TRUE(Contains(dataset.notes, "train cut to 50 of 200")) << dataset.notes;
}

TEST(RegistryTest, SplitSeedChangesValidationNotContent) {
  const std::string root = FreshDir("registry_seed");
  std::filesystem::create_directories(root + "/mnist");
  testing::MakeIdxDir(root + "/mnist", 20, 300, false);
  LoadOptions a = Root(root), b = Root(root);
  b.split_seed = a.split_seed + 1;
  const Dataset first = LoadDataset("mnist", a), again = LoadDataset("mnist", a), other = LoadDataset("mnist", b);
  EXPECT_EQ(first.validation.images, again.validation.images);
  EXPECT_NE(first.validation.images, other.validation.images);
  EXPECT_EQ(first.content_sha256, other.content_sha256);
}

TEST(RegistryTest, SharedDatasetsDirIsTheEnvironmentFolderOrEmpty) {
  const std::string dir = FreshDir("registry_shared");
  ::setenv("RCDNN_SHARED_DATASETS", dir.c_str(), 1);
  EXPECT_EQ(SharedDatasetsDir(), dir);
  ::setenv("RCDNN_SHARED_DATASETS", (dir + "/absent").c_str(), 1);
  EXPECT_EQ(SharedDatasetsDir(), "");
  ::unsetenv("RCDNN_SHARED_DATASETS");
  EXPECT_EQ(SharedDatasetsDir(), "");
}

}  // namespace
}  // namespace rcdnn::data
