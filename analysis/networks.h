// The paper's three benchmark networks: how the store names them, how the
// paper names them, and what produces their results.
#pragma once

#include <string>
#include <vector>

namespace rcdnn::analysis {

struct PaperNetwork {
  std::string id;             // the store's `network` column and models/spec/<id>.net
  std::string paper_name;     // as the paper's tables print it
  std::string paper_dataset;  // the data set the paper used
  std::string shards_target;  // the Bazel target whose shards hold its accuracy results
  std::string needs;          // what the shards need beyond the code
};

// LeNet, ConvNets, ALEXnet: the paper's column order.
const std::vector<PaperNetwork>& PaperNetworks();

// nullptr for a network the paper does not have.
const PaperNetwork* FindPaperNetwork(const std::string& id);

// The paper's name, or the id itself for a network the paper does not have.
std::string PaperName(const std::string& id);

// The profile //artifacts builds without --define=profile=... (artifacts/defs.bzl).
inline constexpr char kDefaultProfile[] = "quick";

// The command that produces the accuracy shards of `network` in `profile`,
// with what it needs.
std::string ShardsCommand(const PaperNetwork& network, const std::string& profile);

}  // namespace rcdnn::analysis
