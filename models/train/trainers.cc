#include "models/train/trainers.h"

#include "common/error.h"
#include "models/train/train_phase.h"

namespace rcdnn::models {
namespace {

void Record(const PhaseResult& phase, TrainReport* report) {
  if (report == nullptr) return;
  report->phase_iterations.push_back(phase.iterations);
  report->phase_seconds.push_back(phase.seconds);
  report->phase_final_loss.push_back(phase.final_loss);
  report->stopped_early = report->stopped_early || phase.stopped_early;
}

PhaseOptions PhaseOptionsFor(const TrainerOptions& options, const std::string& name, uint64_t seed_offset) {
  PhaseOptions phase;
  phase.seed = options.seed * 1000003ull + seed_offset;
  phase.checkpoint_dir = options.checkpoint_dir;
  phase.checkpoint_every = options.checkpoint_every;
  phase.name = name;
  phase.stop_after = options.stop_after;
  return phase;
}

}  // namespace

int64_t TrainReport::TotalIterations() const {
  int64_t total = 0;
  for (int64_t n : phase_iterations) total += n;
  return total;
}

void ValidateSchedule(const NetSpec& spec, const std::vector<Widths>& schedule) {
  if (schedule.empty()) throw Error(spec.name + ": the width schedule is empty");
  for (size_t i = 0; i < schedule.size(); ++i) {
    ValidateWidths(spec, schedule[i]);
    if (i == 0) continue;
    for (size_t j = 0; j < schedule[i].size(); ++j) {
      if (schedule[i][j] < schedule[i - 1][j]) {
        throw Error(spec.name + ": increment " + std::to_string(i + 1) + " (" + WidthsToString(schedule[i]) +
                    ") is narrower than increment " + std::to_string(i) + " (" + WidthsToString(schedule[i - 1]) +
                    "); widths must not shrink");
      }
    }
  }
}

std::vector<Widths> UniformSchedule(const NetSpec& spec, const std::vector<double>& fractions) {
  std::vector<Widths> schedule;
  for (double f : fractions) schedule.push_back(UniformWidths(spec, f));
  return schedule;
}

Model TrainGolden(const Network& net, const SolverConfig& config, const data::ImageSet& train, const Widths& widths,
                  const TrainerOptions& options, int iterations_scale, TrainReport* report) {
  const NetSpec& spec = net.spec();
  ValidateWidths(spec, widths);
  if (iterations_scale < 1) throw Error("iterations scale must be at least 1");
  Model model;
  model.spec = spec;
  model.schedule = {widths};
  model.params = ZerosLike(spec, 1);
  InitParams(spec, options.seed, model.schedule, &model.params);
  // The budget-matched control trains as long as all increments together, on
  // the same schedule stretched: a multistep rate still drops at the same
  // fractions of the run rather than at the one-increment iterations (where
  // ALEXnet's x4 control would spend 77% of its budget at the last rate).
  const SolverConfig scaled = config.Stretched(iterations_scale);
  const PhaseResult phase = TrainPhase(net, scaled, train, TrainableRegion{widths, {}, 0},
                                       PhaseOptionsFor(options, "golden-" + WidthsToString(widths), 0), &model.params);
  Record(phase, report);
  return model;
}

Model TrainIncremental(const Network& net, const SolverConfig& config, const data::ImageSet& train,
                       const std::vector<Widths>& schedule, const std::vector<Model>& golden_init,
                       const TrainerOptions& options, TrainReport* report) {
  const NetSpec& spec = net.spec();
  ValidateSchedule(spec, schedule);
  if (!golden_init.empty() && golden_init.size() != schedule.size()) {
    throw Error("golden initialisation needs one golden model per increment: " + std::to_string(schedule.size()) +
                " increments, " + std::to_string(golden_init.size()) + " golden models given");
  }
  for (size_t i = 0; i < golden_init.size(); ++i) {
    const Model& golden = golden_init[i];
    if (golden.spec.source_text != spec.source_text) {
      throw Error("golden model " + std::to_string(i + 1) + " was trained on another spec than '" + spec.name + "'");
    }
    if (golden.schedule.back() != schedule[i]) {
      throw Error("golden model " + std::to_string(i + 1) + " has widths " + WidthsToString(golden.schedule.back()) +
                  " but increment " + std::to_string(i + 1) + " needs " + WidthsToString(schedule[i]));
    }
  }
  Model model;
  model.spec = spec;
  model.schedule = schedule;
  model.params = ZerosLike(spec, static_cast<int>(schedule.size()));
  InitParams(spec, options.seed, schedule, &model.params);
  for (size_t i = 0; i < schedule.size(); ++i) {
    const int head = static_cast<int>(i);
    const Widths frozen = i == 0 ? Widths{} : schedule[i - 1];
    if (!golden_init.empty()) {
      // Start from the golden model of this width, then put back the fixed
      // weights of the previous increments. The first increment has none: it
      // is golden model 1 itself, not trained again (the paper initialises
      // each *new* increment from its golden model, and its Table 8 gives
      // increment 1 exactly the golden accuracy).
      const NetParams fixed = i == 0 ? NetParams{} : model.params;
      CopyActiveBlocks(spec, schedule[i], golden_init[i].params, golden_init[i].NumIncrements() - 1, &model.params, head);
      if (i == 0) continue;
      const auto shapes = InferShapes(spec, frozen);
      const std::vector<int> sliced = spec.SlicedLayerIndices();
      for (size_t j = 0; j < sliced.size(); ++j) {
        const auto [rows, cols] = ActiveWeightBlock(shapes, sliced[j]);
        model.params.sliced[j].weights.topLeftCorner(rows, cols) = fixed.sliced[j].weights.topLeftCorner(rows, cols);
        model.params.sliced[j].bias.head(rows) = fixed.sliced[j].bias.head(rows);
      }
    } else if (i > 0) {
      // Algorithm 1, line 4: tmp_net = net ∪ initialize(Incr_Arch[i]). The
      // grown network's classifier keeps the previous one's weights for the
      // old channels and trains them on (the paper keeps "a copy of the
      // previous weights of the final output layer" as the smaller network's
      // own classifier: head i - 1, untouched here); only its columns for the
      // new channels start from the filler.
      const auto [rows, cols] = ActiveWeightBlock(InferShapes(spec, frozen), spec.ClassifierIndex());
      LayerParams& grown = model.params.heads[head];
      const LayerParams& previous = model.params.heads[head - 1];
      grown.weights.topLeftCorner(rows, cols) = previous.weights.topLeftCorner(rows, cols);
      grown.bias = previous.bias;
    }
    const PhaseResult phase =
        TrainPhase(net, config, train, TrainableRegion{schedule[i], frozen, head},
                   PhaseOptionsFor(options, "increment-" + std::to_string(i + 1), i), &model.params);
    Record(phase, report);
    if (phase.stopped_early) break;
  }
  return model;
}

}  // namespace rcdnn::models
