// Algorithm 2 (feedback controller for dynamic network configuration) as a
// discrete-time simulation over a stream of test images whose energy and
// delay budgets change over time (the data of Figure 11).
//
// Capacity is the increment in use, 1..MaxCapacity. Before each image the
// controller sees the budget in force and the system's measured energy and
// delay per image (those of the previous image; before the first image the
// system is taken to have run at MaxCapacity, the controller's start state),
// and sets the capacity for this image:
//
//   budget changed and tightened (energy or delay budget decreased):
//       decrease capacity by one if the system is over budget;
//   budget changed and loosened:
//       kJumpToMax: capacity = MaxCapacity (Algorithm 2 as written: no
//                   controller memory, then settle down one step per image);
//       kStepUp:    capacity + 1 (at most MaxCapacity), the variant;
//   budget unchanged: decrease capacity by one if the system is over budget.
//
// "Over budget" is sysEnergy > Energy or sysDelay > Delay. Algorithm 2's
// listing compares energy only; Section 4.1 says "if the energy and/or delay
// budget is not met". A delay budget of inf reproduces the listing. Capacity
// never goes below 1 (a budget below increment 1's cost stays violated).
// The capacity never rises while a budget is unchanged (Algorithm 2 has no
// such branch).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/runtime/predictions.h"

namespace rcdnn::models::runtime {

// ---- budget schedule -------------------------------------------------------

// File format: lines "from_image energy_uj delay_us" (whitespace separated,
// '#' comments, blank lines; an optional first line "from_image energy_uj
// delay_us"). The first from_image must be 0 and they must increase; a budget
// holds from its image up to the next line's. Budgets are in the cost
// model's units (uJ and us, or relative MACs) and must be > 0; "inf" means no
// budget.
struct BudgetStep {
  int64_t from_image = 0;
  double energy = 0;
  double delay = 0;
};

// Throws rcdnn::Error "<source>:<line>: ..." for a malformed line, a value
// <= 0 or NaN, a from_image not increasing or >= num_images (out of range),
// a first from_image other than 0; "<source> ..." for an empty schedule.
std::vector<BudgetStep> ParseBudgetSchedule(const std::string& text, const std::string& source_name,
                                            int64_t num_images);
std::vector<BudgetStep> ReadBudgetSchedule(const std::string& path, int64_t num_images);

// ---- the controller ----------------------------------------------------------

enum class LoosenPolicy { kJumpToMax, kStepUp };
const char* LoosenPolicyName(LoosenPolicy policy);  // "jump-to-max" | "step-up"

class FeedbackController {
 public:
  // Starts at max_capacity (>= 1, else rcdnn::Error).
  FeedbackController(int max_capacity, LoosenPolicy policy);

  // One decision of Algorithm 2; returns the capacity for the next image.
  // The first call compares with nothing: it is the "budget unchanged" case.
  int Step(double energy_budget, double delay_budget, double sys_energy, double sys_delay);
  int capacity() const { return capacity_; }

 private:
  int max_capacity_;
  LoosenPolicy policy_;
  int capacity_;
  bool started_ = false;
  double last_energy_budget_ = 0, last_delay_budget_ = 0;
};

// ---- simulation ----------------------------------------------------------------

struct CapacityLevel {
  double energy = 0;   // per image at this capacity
  double delay = -1;   // per image; < 0: unknown
  const PredictionSet* predictions = nullptr;  // this increment on the test images
};

struct ControllerStep {
  int64_t image = 0;
  double budget_energy = 0, budget_delay = 0;
  int capacity = 0;  // 1-based increment used
  double energy = 0, delay = -1;
  bool correct = false;
  bool energy_violation = false, delay_violation = false;
};

struct ControllerRun {
  LoosenPolicy policy = LoosenPolicy::kJumpToMax;
  std::vector<ControllerStep> steps;
  double accuracy = 0;
  int64_t energy_violations = 0, delay_violations = 0, violating_images = 0;
  double mean_energy = 0, mean_delay = -1;
  std::vector<int64_t> images_per_capacity;  // index capacity - 1
};

// Runs the controller over images 0..num_images-1. Throws rcdnn::Error when
// there are no levels, num_images is < 1 or more than a level's predictions,
// the schedule is empty or does not start at image 0, or a finite delay
// budget is given while a level's delay is unknown.
ControllerRun SimulateController(const std::vector<CapacityLevel>& levels, const std::vector<BudgetStep>& schedule,
                                 LoosenPolicy policy, int64_t num_images);

// Figure 11's per-image trace of several runs over the same stream, as CSV:
// image,budget_energy,budget_delay, then per run
// <policy>_capacity,<policy>_energy,<policy>_delay,<policy>_correct,<policy>_violation.
std::string ControllerTraceCsv(const std::vector<ControllerRun>& runs);

}  // namespace rcdnn::models::runtime
