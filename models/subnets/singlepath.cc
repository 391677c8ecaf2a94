#include "models/subnets/singlepath.h"

#include <chrono>
#include <cmath>
#include <deque>

#include "common/error.h"
#include "common/progress.h"
#include "models/train/batch_order.h"
#include "models/train/sgd_solver.h"

namespace rcdnn::models::subnets {

int64_t AutoBlockIters(int64_t iterations, int family_size, int64_t train_size, int batch_size) {
  const int64_t epoch = (train_size + batch_size - 1) / batch_size;
  const int64_t cap = iterations / (2 * int64_t{family_size});
  return std::max<int64_t>(1, std::min(epoch, cap));
}

std::vector<SinglePathBlock> SinglePathPlan(int family_size, int64_t iterations, int64_t block_iters, uint64_t seed) {
  if (family_size < 1) throw Error("single-path: the sub-net family is empty");
  if (block_iters < 1) throw Error("single-path: --block-iters must be at least 1");
  if (iterations < 1) throw Error("single-path: the round needs at least 1 SGD step");
  std::vector<SinglePathBlock> plan;
  std::vector<int64_t> cycle;
  for (int64_t begin = 0, b = 0; begin < iterations; begin += block_iters, ++b) {
    const int64_t position = b % family_size;
    if (position == 0) cycle = SeededPermutation(family_size, seed * 0x9E3779B97F4A7C15ull + b / family_size);
    plan.push_back({begin, std::min(iterations, begin + block_iters), static_cast<int>(cycle[position])});
  }
  return plan;
}

Model TrainSinglePath(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                      const std::vector<Widths>& family, const SinglePathOptions& options, SharedTrainReport* report) {
  const NetSpec& spec = net.spec();
  CheckTrainingSet(spec, train);
  if (options.iterations_scale < 1) throw Error("single-path: the iterations scale must be at least 1");
  UnionWidths(spec, family);  // validates every member
  SolverConfig round = config;
  round.max_iter = config.max_iter * options.iterations_scale;
  const int64_t block_iters = options.block_iters > 0
                                  ? options.block_iters
                                  : AutoBlockIters(round.max_iter, static_cast<int>(family.size()), train.size(),
                                                   config.batch_size);
  const std::vector<SinglePathBlock> plan =
      SinglePathPlan(static_cast<int>(family.size()), round.max_iter, block_iters, options.seed);

  NetParams params = ZerosLike(spec, 1);
  InitParams(spec, options.seed, &params);
  NetParams grads = ZerosLike(spec, 1);
  SgdSolver solver(spec, round, 1);
  Workspace workspace;
  BatchLoader batches(train, config.batch_size, options.seed * 1000003ull + 7);
  SharedTrainReport local;
  local.steps_per_subnet.assign(family.size(), 0);
  std::deque<double> recent;
  const auto started = std::chrono::steady_clock::now();
  ProgressLine progress("singlepath", round.max_iter, "iter");
  for (const SinglePathBlock& block : plan) {
    const TrainableRegion region{family[block.subnet], {}, 0};
    for (int64_t iter = block.begin; iter < block.end; ++iter) {
      batches.Load(iter);
      const double loss = net.ForwardBackward(params, batches.images(), batches.labels(), batches.size(),
                                              region.active, 0, &workspace, &grads);
      if (!std::isfinite(loss)) {
        throw Error("single-path: the loss became " + std::to_string(loss) + " at step " + std::to_string(iter) +
                    " (sub-net " + WidthsToString(region.active) + "); lower the learning rate");
      }
      solver.Update(iter, grads, region, &params);
      recent.push_back(loss);
      if (recent.size() > 50) recent.pop_front();
      ++local.sgd_steps;
      ++local.forward_backward_passes;
      ++local.steps_per_subnet[block.subnet];
      progress.Advance();
    }
    if (options.after_block) options.after_block(block, params);
  }
  progress.Finish();
  local.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (double loss : recent) local.final_loss += loss / recent.size();
  if (report != nullptr) *report = local;
  return SharedModel(spec, family, std::move(params));
}

}  // namespace rcdnn::models::subnets
