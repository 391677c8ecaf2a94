#include "models/runtime/feedback_controller.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "models/runtime/parse_util.h"

namespace rcdnn::models::runtime {

std::vector<BudgetStep> ParseBudgetSchedule(const std::string& text, const std::string& source_name,
                                            int64_t num_images) {
  std::vector<BudgetStep> schedule;
  std::istringstream in(text);
  std::string raw;
  int line_number = 0;
  bool first_content = true;
  while (std::getline(in, raw)) {
    ++line_number;
    const std::string line = StripLine(raw);
    if (line.empty()) continue;
    const std::string where = source_name + ":" + std::to_string(line_number);
    const std::vector<std::string> tokens = SplitWhitespace(line);
    if (first_content && tokens == std::vector<std::string>{"from_image", "energy_uj", "delay_us"}) {
      first_content = false;
      continue;
    }
    first_content = false;
    if (tokens.size() != 3) throw Error(where + ": expected 'from_image energy_uj delay_us', got '" + line + "'");
    BudgetStep step;
    step.from_image = ParseInt(tokens[0], where, "from_image");
    step.energy = ParseDouble(tokens[1], where, "energy_uj", /*allow_infinity=*/true);
    step.delay = ParseDouble(tokens[2], where, "delay_us", /*allow_infinity=*/true);
    if (!(step.energy > 0)) throw Error(where + ": energy budget " + tokens[1] + " must be > 0");
    if (!(step.delay > 0)) throw Error(where + ": delay budget " + tokens[2] + " must be > 0");
    if (schedule.empty() && step.from_image != 0) {
      throw Error(where + ": the first budget must start at image 0, got " + tokens[0]);
    }
    if (!schedule.empty() && step.from_image <= schedule.back().from_image) {
      throw Error(where + ": from_image " + tokens[0] + " does not increase (previous " +
                  std::to_string(schedule.back().from_image) + ")");
    }
    if (step.from_image >= num_images) {
      throw Error(where + ": from_image " + tokens[0] + " is out of range: the stream has " +
                  std::to_string(num_images) + " images");
    }
    schedule.push_back(step);
  }
  if (schedule.empty()) throw Error("budget schedule " + source_name + " is empty");
  return schedule;
}

std::vector<BudgetStep> ReadBudgetSchedule(const std::string& path, int64_t num_images) {
  return ParseBudgetSchedule(ReadFileToString(path), path, num_images);
}

const char* LoosenPolicyName(LoosenPolicy policy) {
  return policy == LoosenPolicy::kJumpToMax ? "jump-to-max" : "step-up";
}

FeedbackController::FeedbackController(int max_capacity, LoosenPolicy policy)
    : max_capacity_(max_capacity), policy_(policy), capacity_(max_capacity) {
  if (max_capacity < 1) throw Error("feedback controller: MaxCapacity must be >= 1");
}

int FeedbackController::Step(double energy_budget, double delay_budget, double sys_energy, double sys_delay) {
  const bool over = sys_energy > energy_budget || sys_delay > delay_budget;
  const bool changed = started_ && (energy_budget != last_energy_budget_ || delay_budget != last_delay_budget_);
  if (changed) {
    const bool decreased = energy_budget < last_energy_budget_ || delay_budget < last_delay_budget_;
    if (decreased) {
      if (over) capacity_ = std::max(1, capacity_ - 1);
    } else if (policy_ == LoosenPolicy::kJumpToMax) {
      capacity_ = max_capacity_;
    } else {
      capacity_ = std::min(max_capacity_, capacity_ + 1);
    }
  } else if (over) {
    capacity_ = std::max(1, capacity_ - 1);
  }
  started_ = true;
  last_energy_budget_ = energy_budget;
  last_delay_budget_ = delay_budget;
  return capacity_;
}

ControllerRun SimulateController(const std::vector<CapacityLevel>& levels, const std::vector<BudgetStep>& schedule,
                                 LoosenPolicy policy, int64_t num_images) {
  if (levels.empty()) throw Error("feedback controller: no capacity levels");
  if (num_images < 1) throw Error("feedback controller: empty image stream");
  if (schedule.empty() || schedule[0].from_image != 0) {
    throw Error("feedback controller: the budget schedule must start at image 0");
  }
  bool delay_known = true;
  for (const CapacityLevel& level : levels) {
    if (level.predictions == nullptr || level.predictions->size() < num_images) {
      throw Error("feedback controller: a capacity level has predictions for fewer than " +
                  std::to_string(num_images) + " images");
    }
    delay_known = delay_known && level.delay >= 0;
  }
  if (!delay_known) {
    for (const BudgetStep& step : schedule) {
      if (std::isfinite(step.delay)) {
        throw Error("feedback controller: a delay budget is given but the cost model has no time (use inf)");
      }
    }
  }
  const int max_capacity = static_cast<int>(levels.size());
  FeedbackController controller(max_capacity, policy);
  ControllerRun run;
  run.policy = policy;
  run.images_per_capacity.assign(levels.size(), 0);
  double sys_energy = levels.back().energy;
  double sys_delay = delay_known ? levels.back().delay : 0.0;
  size_t next_step = 0;
  BudgetStep budget = schedule[0];
  int64_t correct = 0;
  double energy_sum = 0, delay_sum = 0;
  for (int64_t t = 0; t < num_images; ++t) {
    while (next_step < schedule.size() && schedule[next_step].from_image <= t) budget = schedule[next_step++];
    const int capacity = controller.Step(budget.energy, budget.delay, sys_energy, sys_delay);
    const CapacityLevel& level = levels[capacity - 1];
    ControllerStep step;
    step.image = t;
    step.budget_energy = budget.energy;
    step.budget_delay = budget.delay;
    step.capacity = capacity;
    step.energy = level.energy;
    step.delay = delay_known ? level.delay : -1;
    step.correct = level.predictions->Correct(t);
    step.energy_violation = level.energy > budget.energy;
    step.delay_violation = delay_known && level.delay > budget.delay;
    run.energy_violations += step.energy_violation;
    run.delay_violations += step.delay_violation;
    run.violating_images += step.energy_violation || step.delay_violation;
    run.images_per_capacity[capacity - 1]++;
    correct += step.correct;
    energy_sum += level.energy;
    if (delay_known) delay_sum += level.delay;
    sys_energy = level.energy;
    sys_delay = delay_known ? level.delay : 0.0;
    run.steps.push_back(step);
  }
  run.accuracy = static_cast<double>(correct) / static_cast<double>(num_images);
  run.mean_energy = energy_sum / static_cast<double>(num_images);
  run.mean_delay = delay_known ? delay_sum / static_cast<double>(num_images) : -1;
  return run;
}

std::string ControllerTraceCsv(const std::vector<ControllerRun>& runs) {
  if (runs.empty()) throw Error("controller trace: no runs");
  std::string csv = "image,budget_energy,budget_delay";
  for (const ControllerRun& run : runs) {
    const std::string p = LoosenPolicyName(run.policy);
    csv += "," + p + "_capacity," + p + "_energy," + p + "_delay," + p + "_correct," + p + "_violation";
  }
  csv += "\n";
  char field[64];
  for (size_t t = 0; t < runs[0].steps.size(); ++t) {
    const ControllerStep& s0 = runs[0].steps[t];
    std::snprintf(field, sizeof(field), "%lld,%.9g,%.9g", static_cast<long long>(s0.image), s0.budget_energy,
                  s0.budget_delay);
    csv += field;
    for (const ControllerRun& run : runs) {
      const ControllerStep& s = run.steps.at(t);
      std::snprintf(field, sizeof(field), ",%d,%.9g,%.9g,%d,%d", s.capacity, s.energy, s.delay, s.correct ? 1 : 0,
                    s.energy_violation || s.delay_violation ? 1 : 0);
      csv += field;
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace rcdnn::models::runtime
