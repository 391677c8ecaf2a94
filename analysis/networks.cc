#include "analysis/networks.h"

namespace rcdnn::analysis {

const std::vector<PaperNetwork>& PaperNetworks() {
  static const std::vector<PaperNetwork> networks = {
      {"lenet", "LeNet", "MNIST", "//artifacts:lenet_shards",
       "MNIST under the data root; without it, Debian's Fashion-MNIST, labelled as a stand-in"},
      {"convnets", "ConvNets", "SVHN", "//artifacts:convnets_shards",
       "SVHN cropped digits (.mat) under the data root (scripts/fetch_datasets, or a user's copy)"},
      {"alexnet", "ALEXnet", "CIFAR-10", "//artifacts:alexnet_shards",
       "CIFAR-10 (binary version) under the data root (scripts/fetch_datasets, or a user's copy)"},
  };
  return networks;
}

const PaperNetwork* FindPaperNetwork(const std::string& id) {
  for (const PaperNetwork& n : PaperNetworks()) {
    if (n.id == id) return &n;
  }
  return nullptr;
}

std::string PaperName(const std::string& id) {
  const PaperNetwork* n = FindPaperNetwork(id);
  return n ? n->paper_name : id;
}

std::string ShardsCommand(const PaperNetwork& network, const std::string& profile) {
  return "bazel build --config=" + profile + " " + network.shards_target + "  (needs " + network.needs + ")";
}

}  // namespace rcdnn::analysis
