// Data sets by name: where their files live and how they become a Dataset.
//
// Data root: LoadOptions::data_root, else $RCDNN_DATA_ROOT, else
// $HOME/.cache/rcdnn/data. The first two may list several roots separated by
// ':' (as //third_party:datasets.bzl reads RCDNN_DATA_ROOT); they are searched
// in order. Under a root:
//   mnist/          train-images-idx3-ubyte, train-labels-idx1-ubyte,
//   fashion_mnist/  t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each raw or .gz)
//   cifar10/        data_batch_1..5.bin, test_batch.bin (or cifar10/cifar-10-batches-bin/)
//   svhn/           train_32x32.mat, test_32x32.mat, optional extra_32x32.mat
// Also accepted: fashion-mnist/ for fashion_mnist, cifar-10-batches-bin/ for
// cifar10. fashion_mnist finally falls back to Debian's
// /usr/share/datasets/fashion-mnist.
//
// Splits (splits.h), all seeded by LoadOptions::split_seed:
//   mnist, fashion_mnist, cifar10: train = the whole train file(s);
//     validation = 10% of each class of the test file; test = the other 90%.
//   svhn (Sermanet et al. 2012): validation = 400 per class from train plus
//     200 per class from extra; train = the rest of train and extra; test =
//     the test file. Without extra: 400 per class from train only (noted in
//     Dataset::notes).
// Preprocessing: preprocess.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/data/dataset.h"

namespace rcdnn::data {

struct LoadOptions {
  std::string data_root;           // Empty: $RCDNN_DATA_ROOT, else $HOME/.cache/rcdnn/data.
  uint64_t split_seed = 20160101;  // Seeds the validation split.
  // Subsets for the smoke profile: the first k images of a class-balanced
  // order (splits.h BalancedPrefix); -1 keeps all. The validation set is
  // never cut, and the mean image is always that of the whole training split.
  int64_t max_train = -1;
  int64_t max_test = -1;
};

// "mnist", "fashion_mnist", "cifar10", "svhn".
const std::vector<std::string>& KnownDatasetNames();

// The data roots the options resolve to, in search order (empty when neither
// the option, $RCDNN_DATA_ROOT nor $HOME is set).
std::vector<std::string> ResolveDataRoots(const LoadOptions& options);

// The folder holding `name`'s files. Throws rcdnn::Error for an unknown name
// (listing the known ones) or when no candidate folder holds all the files
// (naming every place looked, what was missing, and the fix).
std::string ResolveDatasetDir(const std::string& name, const LoadOptions& options);

// Whether ResolveDatasetDir would succeed; still throws for an unknown name.
bool DatasetAvailable(const std::string& name, const LoadOptions& options);

// Reads, checks, splits and preprocesses `name`. Throws rcdnn::Error.
Dataset LoadDataset(const std::string& name, const LoadOptions& options);

// For tests only: $RCDNN_SHARED_DATASETS (a folder with mnist/ and cifar10/
// in the layout above) when it is set and is a directory, else "". The
// product itself never looks there.
std::string SharedDatasetsDir();

}  // namespace rcdnn::data
