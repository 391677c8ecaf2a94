#include "models/subnets/multipath.h"

#include "common/error.h"
#include "models/subnets/subnet_util.h"
#include "models/train/train_phase.h"

namespace rcdnn::models::subnets {

NetParams BackgroundStart(const Model& background, const Widths& widths) {
  const NetSpec& spec = background.spec;
  ValidateWidths(spec, widths);
  const Widths& covered = background.schedule.back();
  for (size_t j = 0; j < widths.size(); ++j) {
    if (widths[j] > covered[j]) {
      throw Error("the background model has widths " + WidthsToString(covered) + ", narrower than sub-net " +
                  WidthsToString(widths) + "; give a full-width background model");
    }
  }
  NetParams start = ZerosLike(spec, 1);
  CopyActiveBlocks(spec, widths, background.params, background.NumIncrements() - 1, &start, 0);
  return start;
}

std::vector<Model> TrainMultipath(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                                  const Model& background, const std::vector<Widths>& family,
                                  const TrainerOptions& options, TrainReport* report) {
  const NetSpec& spec = net.spec();
  if (background.spec.source_text != spec.source_text) {
    throw Error("the background model was trained on another spec than '" + spec.name + "'");
  }
  if (family.empty()) throw Error("multi-path: the sub-net family is empty");
  CheckTrainingSet(spec, train);
  std::vector<Model> subnets;
  for (size_t i = 0; i < family.size(); ++i) {
    Model model;
    model.spec = spec;
    model.schedule = {family[i]};
    model.params = BackgroundStart(background, family[i]);
    PhaseOptions phase;
    phase.seed = options.seed * 1000003ull + 1000 + i;
    phase.checkpoint_dir = options.checkpoint_dir;
    phase.checkpoint_every = options.checkpoint_every;
    phase.name = "multipath-" + WidthsToString(family[i]);
    phase.stop_after = options.stop_after;
    const PhaseResult result =
        TrainPhase(net, config, train, TrainableRegion{family[i], {}, 0}, phase, &model.params);
    if (report != nullptr) {
      report->phase_iterations.push_back(result.iterations);
      report->phase_seconds.push_back(result.seconds);
      report->phase_final_loss.push_back(result.final_loss);
      report->stopped_early = report->stopped_early || result.stopped_early;
    }
    subnets.push_back(std::move(model));
    if (result.stopped_early) break;
  }
  return subnets;
}

}  // namespace rcdnn::models::subnets
