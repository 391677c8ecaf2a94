#include "models/train/context.h"

#include "common/code_version.h"
#include "common/error.h"
#include "common/user_input.h"
#include "models/data/registry.h"

namespace rcdnn::models {

RunContext LoadRunContext(const ContextOptions& options) {
  if (options.threads < 1 || options.threads > 256) {
    throw Error("--threads must be between 1 and 256, got " + std::to_string(options.threads));
  }
  RunContext context;
  context.options = options;
  context.spec = LoadNetSpec(ResolveUserPath(options.spec_path));
  const SolverConfig solver = LoadSolverConfig(ResolveUserPath(options.solver_path));
  context.solver = solver.ForProfile(options.profile);
  context.profile = solver.Profile(options.profile);
  data::LoadOptions load;
  load.data_root = options.data_root;
  load.split_seed = options.split_seed;
  load.max_train = context.profile.train_subset;
  load.max_test = context.profile.eval_subset;
  context.dataset = data::LoadDataset(options.dataset, load);
  const data::ImageSet& train = context.dataset.train;
  if (train.channels != context.spec.input_channels || train.height != context.spec.input_height ||
      train.width != context.spec.input_width) {
    throw Error("data set '" + options.dataset + "' has " + std::to_string(train.channels) + "x" +
                std::to_string(train.height) + "x" + std::to_string(train.width) + " images but network '" +
                context.spec.name + "' takes " + std::to_string(context.spec.input_channels) + "x" +
                std::to_string(context.spec.input_height) + "x" + std::to_string(context.spec.input_width));
  }
  context.provenance = {
      {"network", context.spec.name},
      {"dataset", context.dataset.name},
      {"dataset_display_name", context.dataset.display_name},
      {"dataset_sha256", context.dataset.content_sha256},
      {"profile", options.profile},
      {"seed", std::to_string(options.seed)},
      {"split_seed", std::to_string(options.split_seed)},
      {"threads", std::to_string(options.threads)},
      {"train_images", std::to_string(train.size())},
      {"code_version", CodeVersion()},
  };
  return context;
}

}  // namespace rcdnn::models
