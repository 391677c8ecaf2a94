#include "models/train/train_phase.h"

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>

#include "common/error.h"
#include "common/progress.h"
#include "common/sha256.h"
#include "models/train/batch_order.h"
#include "models/train/model_file.h"

namespace rcdnn::models {
namespace {

// A checkpoint is two model files written in order: the momentum history,
// then the parameters. Each write is atomic and both carry the iteration and
// the phase key, so a kill between the two leaves a mismatched pair, which is
// ignored (the older consistent state is gone, so training restarts).
struct CheckpointPaths {
  std::string params, history;
};

CheckpointPaths PathsFor(const PhaseOptions& options) {
  const std::string stem = options.checkpoint_dir + "/" + options.name;
  return {stem + ".params.ckpt", stem + ".history.ckpt"};
}

std::string PhaseKey(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                     const TrainableRegion& region, const PhaseOptions& options, const NetParams& start) {
  Sha256 hasher;
  hasher.Update(net.spec().source_text);
  hasher.Update(config.CanonicalText());
  hasher.Update(WidthsToString(region.active) + "|" + WidthsToString(region.frozen) + "|" +
                std::to_string(region.head) + "|" + std::to_string(options.seed) + "|" +
                std::to_string(train.size()) + "|" + std::to_string(net.options().threads));
  hasher.Update(train.images.data(), sizeof(float) * std::min<size_t>(train.images.size(), 4096));
  for (const auto& layer : start.sliced) hasher.Update(layer.weights.data(), sizeof(float) * layer.weights.size());
  for (const auto& head : start.heads) hasher.Update(head.weights.data(), sizeof(float) * head.weights.size());
  return hasher.HexDigest();
}

Model AsCheckpoint(const NetSpec& spec, const NetParams& params, int64_t iter, const std::string& key,
                   double final_loss = 0) {
  Model model;
  model.spec = spec;
  model.schedule.assign(params.heads.size(), FullWidths(spec));
  model.params = params;
  model.metadata["checkpoint_iter"] = std::to_string(iter);
  model.metadata["phase_key"] = key;
  model.metadata["final_loss"] = std::to_string(final_loss);
  return model;
}

bool FileExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

}  // namespace

PhaseResult TrainPhase(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                       const TrainableRegion& region, const PhaseOptions& options, NetParams* params) {
  const NetSpec& spec = net.spec();
  if (train.size() == 0) throw Error("training set is empty: nothing to train on");
  const int image_floats = train.channels * train.height * train.width;
  if (image_floats != spec.input_channels * spec.input_height * spec.input_width) {
    throw Error("training images are " + std::to_string(train.channels) + "x" + std::to_string(train.height) + "x" +
                std::to_string(train.width) + " but network '" + spec.name + "' takes " +
                std::to_string(spec.input_channels) + "x" + std::to_string(spec.input_height) + "x" +
                std::to_string(spec.input_width));
  }
  SgdSolver solver(spec, config, static_cast<int>(params->heads.size()));
  const std::string key = PhaseKey(net, config, train, region, options, *params);
  PhaseResult result;
  int64_t start_iter = 0;
  const CheckpointPaths paths = PathsFor(options);
  if (!options.checkpoint_dir.empty() && FileExists(paths.params) && FileExists(paths.history)) {
    try {
      Model saved_params = LoadModel(paths.params);
      Model saved_history = LoadModel(paths.history);
      if (saved_params.metadata["phase_key"] == key && saved_history.metadata["phase_key"] == key &&
          saved_params.metadata["checkpoint_iter"] == saved_history.metadata["checkpoint_iter"]) {
        start_iter = std::stoll(saved_params.metadata["checkpoint_iter"]);
        result.final_loss = std::stod(saved_params.metadata["final_loss"]);
        *params = std::move(saved_params.params);
        solver.history() = std::move(saved_history.params);
        std::fprintf(stderr, "%s: resuming from the checkpoint at iteration %lld\n", options.name.c_str(),
                     static_cast<long long>(start_iter));
      }
    } catch (const Error& e) {
      std::fprintf(stderr, "%s: ignoring an unusable checkpoint (%s); starting over\n", options.name.c_str(), e.what());
    }
  }
  result.resumed_from = start_iter;

  NetParams grads = ZerosLike(spec, static_cast<int>(params->heads.size()));
  Workspace workspace;
  BatchOrder order(train.size(), config.batch_size, options.seed);
  std::vector<float> batch_images(static_cast<size_t>(config.batch_size) * image_floats);
  std::vector<uint8_t> batch_labels(config.batch_size);
  std::deque<double> recent_losses;
  const auto started = std::chrono::steady_clock::now();
  ProgressLine progress(options.name, config.max_iter - start_iter, "iter");
  for (int64_t iter = start_iter; iter < config.max_iter; ++iter) {
    const std::vector<int64_t>& batch = order.Batch(iter);
    for (int b = 0; b < config.batch_size; ++b) {
      std::copy_n(train.images.data() + batch[b] * image_floats, image_floats,
                  batch_images.data() + static_cast<size_t>(b) * image_floats);
      batch_labels[b] = train.labels[batch[b]];
    }
    const double loss = net.ForwardBackward(*params, batch_images.data(), batch_labels.data(), config.batch_size,
                                            region.active, region.head, &workspace, &grads);
    if (!std::isfinite(loss)) {
      throw Error(options.name + ": the loss became " + std::to_string(loss) + " at iteration " +
                  std::to_string(iter) + " (learning rate too high for this network?)");
    }
    solver.Update(iter, grads, region, params);
    recent_losses.push_back(loss);
    if (recent_losses.size() > 50) recent_losses.pop_front();
    progress.Advance();
    const int64_t done = iter + 1;
    if (!options.checkpoint_dir.empty() && options.checkpoint_every > 0 && done % options.checkpoint_every == 0 &&
        done < config.max_iter) {
      SaveModel(paths.history, AsCheckpoint(spec, solver.history(), done, key));
      SaveModel(paths.params, AsCheckpoint(spec, *params, done, key));
    }
    if (options.stop_after > 0 && done == options.stop_after && done < config.max_iter) {
      result.stopped_early = true;
      result.iterations = done;
      return result;
    }
  }
  progress.Finish();
  double sum = 0;
  for (double loss : recent_losses) sum += loss;
  if (!recent_losses.empty()) result.final_loss = sum / recent_losses.size();
  // A finished phase stays checkpointed, so a run killed in a later phase
  // does not redo it; the trainer's main removes checkpoints at the end.
  if (!options.checkpoint_dir.empty() && start_iter < config.max_iter) {
    SaveModel(paths.history, AsCheckpoint(spec, solver.history(), config.max_iter, key, result.final_loss));
    SaveModel(paths.params, AsCheckpoint(spec, *params, config.max_iter, key, result.final_loss));
  }
  result.iterations = config.max_iter;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace rcdnn::models
