#include "benchmarks/workloads.h"

#include <sstream>

#include "common/error.h"
#include "common/sha256.h"
#include "common/user_input.h"
#include "models/train/model_file.h"

namespace rcdnn::benchmarks {

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::vector<double> ParseAscendingFractions(const std::string& text, const std::string& flag) {
  const std::vector<double> fractions = ParseFractions(text, flag);
  for (size_t i = 1; i < fractions.size(); ++i) {
    if (fractions[i] <= fractions[i - 1]) {
      throw Error("--" + flag + ": fractions must ascend (" + std::to_string(fractions[i]) + " follows " +
                  std::to_string(fractions[i - 1]) + ")");
    }
  }
  return fractions;
}

std::vector<Workload> RandomWeightWorkloads(const std::vector<std::string>& spec_paths,
                                            const std::vector<double>& fractions, uint64_t seed) {
  std::vector<Workload> workloads;
  for (const std::string& path : spec_paths) {
    Workload workload;
    workload.spec = models::LoadNetSpec(path);
    workload.params = models::ZerosLike(workload.spec, static_cast<int>(fractions.size()));
    models::InitParams(workload.spec, seed, &workload.params);
    workload.increments = UniformIncrements(workload.spec, fractions);
    workload.weights = "random (InitParams seed " + std::to_string(seed) + ")";
    workloads.push_back(std::move(workload));
  }
  return workloads;
}

std::vector<Workload> ModelWorkloads(const std::vector<std::string>& model_paths) {
  std::vector<Workload> workloads;
  for (const std::string& path : model_paths) {
    models::Model model = models::LoadModel(path);
    if (model.NumIncrements() < 1) throw Error("model '" + path + "' has no increments");
    Workload workload;
    workload.spec = std::move(model.spec);
    workload.params = std::move(model.params);
    for (int i = 0; i < model.NumIncrements(); ++i) {
      workload.increments.push_back({i + 1, "", model.schedule[i], i});
    }
    workload.weights = "model " + path + " sha256 " + Sha256OfFile(path);
    workloads.push_back(std::move(workload));
  }
  return workloads;
}

}  // namespace rcdnn::benchmarks
