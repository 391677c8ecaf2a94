// Peluso & Calimera's adaptive energy-accuracy scaling on the paper's tile:
// per-layer precision of weights and activations searched by NSGA-II
// (nsga2.h) against accuracy on the bit-accurate tile (SimulateBitAccurate,
// validation subset) and energy (accel_sim's PrecisionPricer over
// SimulateAnalytical's counters); the Pareto front, its test accuracy,
// uniform static fixed point beside it, and runtime switching between the
// front's points under an energy budget schedule (switching.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel_sim/precision_energy.h"
#include "accel_sim/simulator.h"
#include "accel_sim/tech_config.h"
#include "models/data/dataset.h"
#include "models/engine/params.h"
#include "models/precision/formats.h"
#include "models/precision/nsga2.h"
#include "models/precision/switching.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"
#include "models/train/model_file.h"
#include "results/store.h"

namespace rcdnn::precision {

struct SearchSizes {
  int val_images = 200;   // validation subset the search measures accuracy on
  int test_images = 500;  // test subset the front and the uniform points are reported on
  int population = 10;
  int generations = 4;    // evaluations: about population x (generations + 1)
};

// smoke: 200 / 500 images, population 10, 4 generations (~50 evaluations);
// quick: population 12, 6 generations, 500 / 2000 images for a network of
// LeNet's size and proportionally fewer for bigger ones (`macs_per_image`,
// the searched widths' MACs); paper: all validation and test images, 32, 25.
// Throws rcdnn::Error for an unknown profile.
SearchSizes SizesForProfile(const std::string& profile, int64_t macs_per_image);

// Throws rcdnn::Error (naming the known ones) unless `profile` is smoke, quick or paper.
void ValidateProfile(const std::string& profile);

struct PrecisionSearchOptions {
  SearchSizes sizes;
  std::vector<int> candidate_bits = {4, 6, 8, 10, 12, 16};
  std::vector<int> uniform_bits = {8, 10, 12, 16, 32};  // uniform <n, f from the range>
  std::vector<accel::FixedPointFormat> uniform_formats = {{16, 10}, {32, 16}};  // uniform, f as given
  uint64_t seed = 1;
  int threads = 2;
  int calibration_images = 0;  // 0: the validation subset sets the value ranges
  std::vector<BudgetStep> budget;  // empty: no switching run
  int64_t stream_images = 0;       // 0: DefaultStreamLength
};

// The inputs: a network, its weights (one classifier), the data.
struct PrecisionProblem {
  models::NetSpec spec;
  models::Widths widths;
  accel::NetWeights weights;    // WeightsOfIncrement
  models::NetParams params;     // the model's parameters (calibration runs the float engine's layers)
  int head = 0;
  const data::ImageSet* validation = nullptr;
  const data::ImageSet* test = nullptr;
  accel::TechConfig tech;
};

// The first k images of a class-balanced order (round-robin over the classes
// in file order), ascending; k < 0 or k >= N: all.
std::vector<int64_t> BalancedPrefix(const std::vector<uint8_t>& labels, int64_t k);

// Largest |value| of every weight tensor (active block) and every activation
// (the input, each conv/fc layer's output after its fused ReLU), running the
// float engine's layers (models/engine) over `images` (indices into `set`).
ValueRanges MeasureValueRanges(const PrecisionProblem& problem, const data::ImageSet& set,
                               const std::vector<int64_t>& images);

// The images (indices into `set`) one per vector, as
// accel::SimulateBitAccurate takes them.
std::vector<std::vector<float>> TileImages(const models::NetSpec& spec, const data::ImageSet& set,
                                           const std::vector<int64_t>& images);

// Classifies images on the bit-accurate tile at a precision; images split
// across threads (one SimulateBitAccurate per chunk).
class TileClassifier {
 public:
  TileClassifier(const PrecisionProblem& problem, const data::ImageSet& set, const std::vector<int64_t>& images,
                 int threads);
  // Per image: 1 if the tile's predicted class (first largest raw score) is the label.
  std::vector<uint8_t> Correct(const accel::Precision& precision) const;
  int64_t size() const { return static_cast<int64_t>(labels_.size()); }

 private:
  const PrecisionProblem& problem_;
  std::vector<std::vector<float>> images_;
  std::vector<uint8_t> labels_;
  int threads_;
};

double Mean(const std::vector<uint8_t>& correct);

struct PointReport {
  std::string method;  // "peluso_calimera" or "uniform_fixed_point"
  std::string label;   // the store key's text after "point="
  accel::Precision precision;
  double energy_uj = 0;
  double val_accuracy = 0;
  double test_accuracy = 0;
  std::vector<uint8_t> test_correct;
};

struct PrecisionSearchReport {
  std::string network;
  models::Widths widths;
  int64_t macs = 0;        // per image
  double time_us = 0;      // per image on the tile (the same at every precision)
  int val_images = 0, test_images = 0;
  ValueRanges ranges;
  std::vector<PointReport> front;    // by increasing energy
  std::vector<PointReport> uniform;  // uniform_bits then uniform_formats
  int evaluations = 0;               // distinct bit-accurate evaluations of the search
  int generations_run = 0;
  double search_seconds = 0;         // the search alone (its evaluations)
  double seconds_per_evaluation = 0;
  bool switched = false;
  SwitchingResult switching;
  std::vector<std::string> switching_labels;  // front labels, in switching's point order
};

// The model's weights as the simulator takes them for increment `head`
// (0-based): every sliced layer's full-width matrix and head `head` as the
// classifier (accel_sim's WeightsOfIncrement, whose library is private to
// accel_sim). Throws rcdnn::Error when the head does not exist or the
// parameters do not fit the spec.
accel::NetWeights WeightsOfModel(const models::Model& model, int head);

// Throws rcdnn::Error for a float tech, missing image sets, too few images.
PrecisionSearchReport RunPrecisionSearch(const PrecisionProblem& problem, const PrecisionSearchOptions& options);

// The pareto_* schema rows (README) plus the search's own metrics.
std::vector<results::Metric> ReportMetrics(const PrecisionSearchReport& report, const std::string& budget_name);

// The front and the uniform points as a text table (stdout of the tool).
std::string FormatReport(const PrecisionSearchReport& report);

}  // namespace rcdnn::precision
