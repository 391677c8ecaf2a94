// Runtime switching between Pareto points under an energy budget schedule.
//
// The schedule has the format of artifacts/budgets/*.budget, the input of the
// paper's Algorithm 2 (models/runtime/feedback_controller.h, whose parser is
// private to models/runtime): lines "from_image energy_uj delay_us", '#'
// comments, an optional header line "from_image energy_uj delay_us"; the
// first from_image is 0 and they increase; "inf" means no budget.
//
// The policy (per image, no feedback needed: a point's energy per image is
// data-independent, so the controller knows it exactly beforehand): among the
// points whose energy and time per image are within the budget in force, run
// the one with the highest VALIDATION accuracy (ties: lower energy, then the
// earlier point); when no point fits, run the cheapest and count a violation.
// Switching costs nothing extra: the weights are re-read from DRAM for every
// image anyway unless the whole network fits Sb, and the energy of each point
// is priced for one image on its own (its weights loaded).
//
// The image stream: image t of the stream is test image t mod N (N test
// images), so a schedule longer than the test subset replays it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/runtime/feedback_controller.h"

namespace rcdnn::precision {

// The budget schedule of Figure 11 (artifacts/budgets/*.budget), read by the
// runtime schemes' parser; energy in uJ and delay in us per image.
using models::runtime::BudgetStep;

// The schedule of `path` for a stream of any length (its length is chosen
// afterwards, DefaultStreamLength). Errors as models::runtime::ParseBudgetSchedule.
std::vector<BudgetStep> ReadBudgetSchedule(const std::string& path);

// The default stream length: the last step's from_image plus the mean length
// of the earlier steps (a single step: 0), and at least `test_images`.
int64_t DefaultStreamLength(const std::vector<BudgetStep>& schedule, int64_t test_images);

struct OperatingPoint {
  std::string label;
  double energy_uj = 0;        // per image
  double time_us = 0;          // per image on the tile
  double val_accuracy = 0;     // what the controller ranks by
  std::vector<uint8_t> correct;  // per test image: 1 if this point classifies it correctly
};

struct SwitchingResult {
  int64_t images = 0;
  double accuracy = 0;        // over the stream
  double mean_energy_uj = 0;  // per image
  int64_t violations = 0;     // images whose run exceeded the budget in force
  std::vector<int64_t> uses;  // images run at each point
  std::vector<int> choice;    // the point run for each stream image
};

// Index of the point the policy runs under (energy_budget, delay_budget).
// `violation` (may be null) says whether no point fit.
int ChoosePoint(const std::vector<OperatingPoint>& points, double energy_budget_uj, double delay_budget_us,
                bool* violation);

// Throws rcdnn::Error for no points, points with different test-set sizes, an
// empty test set, or stream_images < 1.
SwitchingResult RunBudgetSwitching(const std::vector<OperatingPoint>& points,
                                   const std::vector<BudgetStep>& schedule, int64_t stream_images);

}  // namespace rcdnn::precision
