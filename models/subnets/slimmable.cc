#include "models/subnets/slimmable.h"

#include <chrono>
#include <cmath>
#include <deque>

#include "common/error.h"
#include "common/progress.h"
#include "models/train/sgd_solver.h"

namespace rcdnn::models::subnets {

double SlimmableGradients(const Network& net, const NetParams& params, const float* images, const uint8_t* labels,
                          int n, const std::vector<Widths>& widths, Workspace* workspace, NetParams* scratch,
                          NetParams* sum) {
  SetZero(sum);
  double loss = 0;
  for (const Widths& w : widths) {
    // ForwardBackward assigns the active blocks of *scratch; add them to *sum.
    loss += net.ForwardBackward(params, images, labels, n, w, 0, workspace, scratch);
    AddActiveBlocks(net.spec(), w, 0, *scratch, sum);
  }
  return loss;
}

Model TrainSlimmable(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                     const std::vector<Widths>& widths, const SlimmableOptions& options, SharedTrainReport* report) {
  const NetSpec& spec = net.spec();
  CheckTrainingSet(spec, train);
  if (options.iterations_scale < 1) throw Error("slimmable: the iterations scale must be at least 1");
  const TrainableRegion region{UnionWidths(spec, widths), {}, 0};
  SolverConfig round = config;
  round.max_iter = config.max_iter * options.iterations_scale;

  NetParams params = ZerosLike(spec, 1);
  InitParams(spec, options.seed, &params);
  NetParams scratch = ZerosLike(spec, 1), sum = ZerosLike(spec, 1);
  SgdSolver solver(spec, round, 1);
  Workspace workspace;
  BatchLoader batches(train, config.batch_size, options.seed * 1000003ull + 11);
  SharedTrainReport local;
  local.steps_per_subnet.assign(widths.size(), 0);
  std::deque<double> recent;
  const auto started = std::chrono::steady_clock::now();
  ProgressLine progress("slimmable", round.max_iter, "iter");
  for (int64_t iter = 0; iter < round.max_iter; ++iter) {
    batches.Load(iter);
    const double loss = SlimmableGradients(net, params, batches.images(), batches.labels(), batches.size(), widths,
                                           &workspace, &scratch, &sum);
    if (!std::isfinite(loss)) {
      throw Error("slimmable: the summed loss became " + std::to_string(loss) + " at step " + std::to_string(iter) +
                  "; lower the learning rate");
    }
    solver.Update(iter, sum, region, &params);
    recent.push_back(loss);
    if (recent.size() > 50) recent.pop_front();
    ++local.sgd_steps;
    local.forward_backward_passes += static_cast<int64_t>(widths.size());
    for (int64_t& steps : local.steps_per_subnet) ++steps;
    progress.Advance();
  }
  progress.Finish();
  local.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (double loss : recent) local.final_loss += loss / recent.size();
  if (report != nullptr) *report = local;
  return SharedModel(spec, widths, std::move(params));
}

}  // namespace rcdnn::models::subnets
