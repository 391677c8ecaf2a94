#include "models/train/optimum.h"

namespace rcdnn::models {

const Model* FindGoldenModel(const std::vector<Model>& pool, const Widths& widths) {
  for (const Model& model : pool) {
    const auto method = model.metadata.find("method");
    if (method == model.metadata.end() || method->second != "golden") continue;
    if (model.NumIncrements() == 1 && model.schedule[0] == widths) return &model;
  }
  return nullptr;
}

OptimumModels TrainOptimumModels(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                                 const std::vector<Widths>& schedule, const std::vector<Model>& pool,
                                 const TrainerOptions& options, const GoldenStamp& on_golden_trained) {
  ValidateSchedule(net.spec(), schedule);
  OptimumModels out;
  for (size_t i = 0; i < schedule.size(); ++i) {
    TrainReport report;
    if (const Model* found = FindGoldenModel(pool, schedule[i])) {
      out.goldens.push_back(*found);
      out.golden_from_pool.push_back(true);
    } else {
      out.goldens.push_back(TrainGolden(net, config, train, schedule[i], options, 1, &report));
      out.golden_from_pool.push_back(false);
      if (on_golden_trained) on_golden_trained(static_cast<int>(i), &out.goldens.back(), report);
    }
    out.golden_reports.push_back(report);
  }
  out.incremental = TrainIncremental(net, config, train, schedule, out.goldens, options, &out.incremental_report);
  return out;
}

}  // namespace rcdnn::models
