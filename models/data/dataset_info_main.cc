// dataset_info: loads one data set the way training does and prints its
// display name, checksum, split sizes and per-class counts.
//   bazel run //models/data:dataset_info -- --name fashion_mnist
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "common/cli.h"
#include "common/error.h"
#include "models/data/registry.h"

namespace po = boost::program_options;

namespace {

void PrintSet(const char* label, const rcdnn::data::ImageSet& set) {
  std::printf("%-10s %6d images of %dx%dx%d; per class:", label, set.size(), set.channels, set.height, set.width);
  for (int64_t count : rcdnn::data::ClassCounts(set.labels)) std::printf(" %lld", static_cast<long long>(count));
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  rcdnn::data::LoadOptions options;
  std::string name;
  po::options_description flags;
  flags.add_options()
      ("name", po::value(&name)->required(), "data set: mnist, fashion_mnist, cifar10 or svhn")
      ("data-root", po::value(&options.data_root),
       "data root, or roots separated by ':' (default: $RCDNN_DATA_ROOT, else $HOME/.cache/rcdnn/data)")
      ("split-seed", po::value(&options.split_seed)->default_value(options.split_seed), "seed of the validation split")
      ("max-train", po::value(&options.max_train)->default_value(options.max_train), "keep at most this many training images (-1: all)")
      ("max-test", po::value(&options.max_test)->default_value(options.max_test), "keep at most this many test images (-1: all)");
  const int parsed = rcdnn::cli::ParseFlags(argc, argv, "dataset_info",
                                            "dataset_info: print sizes, per-class counts and checksum of a data set", flags);
  if (parsed >= 0) return parsed;
  return rcdnn::cli::RunMain("dataset_info", [&] {
    const rcdnn::data::Dataset dataset = rcdnn::data::LoadDataset(name, options);
    std::printf("name       %s\n", dataset.name.c_str());
    std::printf("display    %s\n", dataset.display_name.c_str());
    std::printf("folder     %s\n", rcdnn::data::ResolveDatasetDir(name, options).c_str());
    std::printf("sha256     %s\n", dataset.content_sha256.c_str());
    PrintSet("train", dataset.train);
    PrintSet("validation", dataset.validation);
    PrintSet("test", dataset.test);
    std::printf("notes      %s\n", dataset.notes.c_str());
  });
}
