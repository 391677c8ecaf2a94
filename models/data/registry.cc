#include "models/data/registry.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "common/error.h"
#include "models/data/cifar10_reader.h"
#include "models/data/idx_reader.h"
#include "models/data/preprocess.h"
#include "models/data/raw_images.h"
#include "models/data/splits.h"
#include "models/data/svhn_reader.h"

namespace rcdnn::data {
namespace {

constexpr char kDebianFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";
constexpr double kValidationFraction = 0.1;
constexpr int64_t kSvhnValidationFromTrain = 400;
constexpr int64_t kSvhnValidationFromExtra = 200;

bool IsFile(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

bool IsDir(const std::string& path) {
  struct stat info;
  return !path.empty() && stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

const char* const kIdxFiles[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                 "t10k-labels-idx1-ubyte"};
const char* const kCifarFiles[] = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                   "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"};
const char* const kSvhnFiles[] = {"train_32x32.mat", "test_32x32.mat"};

// `dir/base.gz` or `dir/base`, whichever exists (gzip first), else "".
std::string FindIdx(const std::string& dir, const std::string& base) {
  if (IsFile(dir + "/" + base + ".gz")) return dir + "/" + base + ".gz";
  if (IsFile(dir + "/" + base)) return dir + "/" + base;
  return "";
}

bool IsIdx(const std::string& name) { return name == "mnist" || name == "fashion_mnist"; }

void CheckKnown(const std::string& name) {
  for (const std::string& known : KnownDatasetNames()) {
    if (name == known) return;
  }
  std::string list;
  for (const std::string& known : KnownDatasetNames()) list += (list.empty() ? "" : ", ") + known;
  throw Error("unknown data set '" + name + "'; known data sets: " + list);
}

std::vector<std::string> SplitRoots(const std::string& list) {
  std::vector<std::string> roots;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t end = std::min(list.find(':', start), list.size());
    if (end > start) roots.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return roots;
}

// Folders that may hold `name`, in search order; the first is where the fix
// message tells users to put the files.
std::vector<std::string> CandidateDirs(const std::string& name, const LoadOptions& options) {
  std::vector<std::string> dirs;
  for (const std::string& root : ResolveDataRoots(options)) {
    dirs.push_back(root + "/" + name);
    if (name == "cifar10") {
      dirs.push_back(root + "/cifar10/cifar-10-batches-bin");
      dirs.push_back(root + "/cifar-10-batches-bin");
    }
    if (name == "fashion_mnist") dirs.push_back(root + "/fashion-mnist");
  }
  if (name == "fashion_mnist") dirs.push_back(kDebianFashionMnistDir);
  return dirs;
}

// The files of `name` missing from `dir`, as text ("" when complete).
std::string MissingFiles(const std::string& name, const std::string& dir) {
  std::string missing;
  auto add = [&](const std::string& file) { missing += (missing.empty() ? "" : ", ") + file; };
  if (!IsDir(dir)) return "no such folder";
  if (IsIdx(name)) {
    for (const char* base : kIdxFiles) {
      if (FindIdx(dir, base).empty()) add(std::string(base) + "[.gz]");
    }
  } else if (name == "cifar10") {
    for (const char* file : kCifarFiles) {
      if (!IsFile(dir + "/" + file)) add(file);
    }
  } else {
    for (const char* file : kSvhnFiles) {
      if (!IsFile(dir + "/" + file)) add(file);
    }
  }
  return missing.empty() ? "" : "missing " + missing;
}

std::string Fix(const std::string& name, const LoadOptions& options) {
  const std::vector<std::string> dirs = CandidateDirs(name, options);
  const std::string place = dirs.empty() ? "<data root>/" + name : dirs.front();
  if (name == "fashion_mnist") {
    return "install Debian's dataset-fashion-mnist (scripts/setup) or place the files in " + place;
  }
  return "run scripts/fetch_datasets " + name + " or place the files in " + place;
}

// Train keeps its files' order; test is split into validation and test.
struct Splits {
  RawImages train, validation, test;
};

Splits SplitTestFile(RawImages train, const RawImages& test_file, const LoadOptions& options) {
  const IndexSplit split = HoldOutFractionPerClass(test_file.labels, kValidationFraction, options.split_seed);
  return {std::move(train), Select(test_file, split.held_out), Select(test_file, split.kept)};
}

std::string SubsetNote(const RawImages& full_train, const RawImages& full_test, const LoadOptions& options) {
  std::string note;
  if (options.max_train >= 0 && options.max_train < full_train.size()) {
    note += "; train cut to " + std::to_string(options.max_train) + " of " + std::to_string(full_train.size()) +
            " images (class-balanced prefix)";
  }
  if (options.max_test >= 0 && options.max_test < full_test.size()) {
    note += "; test cut to " + std::to_string(options.max_test) + " of " + std::to_string(full_test.size()) +
            " images (class-balanced prefix)";
  }
  return note;
}

// The first k images of the class-balanced order (all when k < 0).
RawImages CutTo(RawImages images, int64_t k) {
  if (k < 0 || k >= images.size()) return images;
  return Select(images, BalancedPrefix(images.labels, k));
}

void CheckShape(const RawImages& images, int channels, int side, const std::string& file, const std::string& what) {
  if (images.channels != channels || images.height != side || images.width != side) {
    throw Error("'" + file + "' holds " + std::to_string(images.height) + "x" + std::to_string(images.width) +
                " images; " + what + " images are " + std::to_string(side) + "x" + std::to_string(side));
  }
}

}  // namespace

const std::vector<std::string>& KnownDatasetNames() {
  static const std::vector<std::string> names = {"mnist", "fashion_mnist", "cifar10", "svhn"};
  return names;
}

std::vector<std::string> ResolveDataRoots(const LoadOptions& options) {
  if (!options.data_root.empty()) return SplitRoots(options.data_root);
  const std::string from_env = GetEnv("RCDNN_DATA_ROOT");
  if (!from_env.empty()) return SplitRoots(from_env);
  const std::string home = GetEnv("HOME");
  if (home.empty()) return {};
  return {home + "/.cache/rcdnn/data"};
}

std::string ResolveDatasetDir(const std::string& name, const LoadOptions& options) {
  CheckKnown(name);
  std::string looked;
  for (const std::string& dir : CandidateDirs(name, options)) {
    const std::string missing = MissingFiles(name, dir);
    if (missing.empty()) return dir;
    looked += (looked.empty() ? "" : "; ") + dir + " (" + missing + ")";
  }
  if (looked.empty()) looked = "nowhere: no data root (set --data-root, RCDNN_DATA_ROOT or HOME)";
  throw Error("data set '" + name + "' not found; looked in " + looked + ". Fix: " + Fix(name, options));
}

bool DatasetAvailable(const std::string& name, const LoadOptions& options) {
  CheckKnown(name);
  for (const std::string& dir : CandidateDirs(name, options)) {
    if (MissingFiles(name, dir).empty()) return true;
  }
  return false;
}

Dataset LoadDataset(const std::string& name, const LoadOptions& options) {
  const std::string dir = ResolveDatasetDir(name, options);
  const std::string seed = std::to_string(options.split_seed);
  Dataset dataset;
  dataset.name = name;
  std::vector<SourceFile> sources;
  Splits splits;
  std::string preprocessing, split_note;
  std::function<ImageSet(const RawImages&)> preprocess;

  if (IsIdx(name)) {
    dataset.display_name = name == "mnist" ? "MNIST" : "Fashion-MNIST (stand-in for MNIST)";
    const std::string what = name == "mnist" ? "MNIST" : "Fashion-MNIST";
    RawImages train = ReadIdxPair(FindIdx(dir, kIdxFiles[0]), FindIdx(dir, kIdxFiles[1]));
    RawImages test = ReadIdxPair(FindIdx(dir, kIdxFiles[2]), FindIdx(dir, kIdxFiles[3]));
    CheckShape(train, 1, 28, FindIdx(dir, kIdxFiles[0]), what);
    CheckShape(test, 1, 28, FindIdx(dir, kIdxFiles[2]), what);
    sources = train.sources;
    sources.insert(sources.end(), test.sources.begin(), test.sources.end());
    splits = SplitTestFile(std::move(train), test, options);
    preprocessing = "pixels scaled by 1/256 (Caffe lenet)";
    split_note = "validation: 10% of each class of the t10k files (split seed " + seed + "), test: the other 90%";
    preprocess = ScaleToUnit;
  } else if (name == "cifar10") {
    dataset.display_name = "CIFAR-10";
    Cifar10Files files = ReadCifar10Dir(dir);
    sources = files.train.sources;
    sources.insert(sources.end(), files.test.sources.begin(), files.test.sources.end());
    splits = SplitTestFile(std::move(files.train), files.test, options);
    preprocessing = "per-pixel mean image of the training split subtracted, 0..255 range (Caffe cifar10)";
    split_note = "validation: 10% of each class of test_batch.bin (split seed " + seed + "), test: the other 90%";
  } else {  // svhn
    dataset.display_name = "SVHN";
    const RawImages train = ReadSvhnMat(dir + "/train_32x32.mat");
    RawImages test = ReadSvhnMat(dir + "/test_32x32.mat");
    const IndexSplit from_train =
        HoldOutCountPerClass(train.labels, kSvhnValidationFromTrain, options.split_seed, "'" + dir + "/train_32x32.mat'");
    splits.train = Select(train, from_train.kept);
    splits.validation = Select(train, from_train.held_out);
    sources = train.sources;
    sources.insert(sources.end(), test.sources.begin(), test.sources.end());
    const std::string extra_path = dir + "/extra_32x32.mat";
    if (IsFile(extra_path)) {
      const RawImages extra = ReadSvhnMat(extra_path);
      // A second generator, so the train part of the split does not depend on extra.
      const IndexSplit from_extra =
          HoldOutCountPerClass(extra.labels, kSvhnValidationFromExtra, options.split_seed + 1, "'" + extra_path + "'");
      Append(splits.train, Select(extra, from_extra.kept));
      Append(splits.validation, Select(extra, from_extra.held_out));
      sources.insert(sources.end(), extra.sources.begin(), extra.sources.end());
      split_note = "validation: 400 per class from train_32x32.mat + 200 per class from extra_32x32.mat (Sermanet et al. "
                   "2012, split seed " + seed + "), train: the rest of train and extra, test: test_32x32.mat";
    } else {
      split_note = "extra_32x32.mat not found in " + dir +
                   ": validation is 400 per class from train_32x32.mat only and train is the rest of "
                   "train_32x32.mat (Sermanet et al. also train on extra; split seed " + seed +
                   "), test: test_32x32.mat";
    }
    splits.test = std::move(test);
    preprocessing = "per-pixel mean image of the training split subtracted, 0..255 range";
  }
  if (!preprocess) {
    const std::vector<float> mean = MeanImage(splits.train);
    preprocess = [mean](const RawImages& images) { return SubtractMean(images, mean); };
  }

  const std::string subset_note = SubsetNote(splits.train, splits.test, options);
  dataset.train = preprocess(CutTo(std::move(splits.train), options.max_train));
  dataset.validation = preprocess(splits.validation);
  dataset.test = preprocess(CutTo(std::move(splits.test), options.max_test));
  dataset.content_sha256 = CombinedChecksum(sources);
  dataset.notes = "read from " + dir + "; " + split_note + "; preprocessing: " + preprocessing + subset_note;
  return dataset;
}

std::string SharedDatasetsDir() {
  const std::string dir = GetEnv("RCDNN_SHARED_DATASETS");
  return IsDir(dir) ? dir : "";
}

}  // namespace rcdnn::data
