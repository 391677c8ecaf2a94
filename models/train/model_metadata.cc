#include "models/train/model_metadata.h"

namespace rcdnn::models {

void StampGoldenModel(const Provenance& provenance, const std::string& method, double fraction,
                      const TrainReport& report, Model* model) {
  model->metadata = provenance;
  model->metadata["method"] = method;
  model->metadata["fraction"] = std::to_string(fraction);
  model->metadata["iterations"] = std::to_string(report.TotalIterations());
  model->metadata["train_seconds"] = std::to_string(report.phase_seconds.at(0));
  model->metadata["final_loss"] = std::to_string(report.phase_final_loss.at(0));
}

void StampIncrementalModel(const Provenance& provenance, const std::string& method, const std::string& fractions,
                           const TrainReport& report, Model* model) {
  model->metadata = provenance;
  model->metadata["method"] = method;
  model->metadata["fractions"] = fractions;
  model->metadata["iterations"] = std::to_string(report.TotalIterations());
  double seconds = 0;
  for (double s : report.phase_seconds) seconds += s;
  model->metadata["train_seconds"] = std::to_string(seconds);
}

std::string ProvenanceMismatch(const Provenance& model_metadata, const Provenance& run) {
  for (const char* key : {"network", "dataset", "dataset_sha256", "profile", "seed", "split_seed", "train_images"}) {
    const auto in_model = model_metadata.find(key);
    const auto in_run = run.find(key);
    const std::string a = in_model == model_metadata.end() ? "(none)" : in_model->second;
    const std::string b = in_run == run.end() ? "(none)" : in_run->second;
    if (a != b) return std::string(key) + ": '" + a + "' vs '" + b + "'";
  }
  return "";
}

}  // namespace rcdnn::models
