#include "models/precision/switching.h"

#include <algorithm>
#include <limits>

#include "common/error.h"

namespace rcdnn::precision {

std::vector<BudgetStep> ReadBudgetSchedule(const std::string& path) {
  // Any from_image is in range: the stream is as long as the schedule needs.
  return models::runtime::ReadBudgetSchedule(path, std::numeric_limits<int64_t>::max());
}

int64_t DefaultStreamLength(const std::vector<BudgetStep>& schedule, int64_t test_images) {
  int64_t length = 0;
  if (!schedule.empty()) {
    const int64_t last = schedule.back().from_image;
    const int64_t earlier = static_cast<int64_t>(schedule.size()) - 1;
    length = last + (earlier > 0 ? last / earlier : 0);
  }
  return std::max(length, test_images);
}

int ChoosePoint(const std::vector<OperatingPoint>& points, double energy_budget_uj, double delay_budget_us,
                bool* violation) {
  int best = -1, cheapest = 0;
  for (int i = 0; i < static_cast<int>(points.size()); ++i) {
    const OperatingPoint& p = points[i];
    if (p.energy_uj < points[cheapest].energy_uj) cheapest = i;
    if (p.energy_uj > energy_budget_uj || p.time_us > delay_budget_us) continue;
    if (best < 0 || p.val_accuracy > points[best].val_accuracy ||
        (p.val_accuracy == points[best].val_accuracy && p.energy_uj < points[best].energy_uj)) {
      best = i;
    }
  }
  if (violation) *violation = best < 0;
  return best < 0 ? cheapest : best;
}

SwitchingResult RunBudgetSwitching(const std::vector<OperatingPoint>& points,
                                   const std::vector<BudgetStep>& schedule, int64_t stream_images) {
  if (points.empty()) throw Error("budget switching: no operating points");
  if (schedule.empty()) throw Error("budget switching: empty budget schedule");
  if (stream_images < 1) throw Error("budget switching: the stream must have at least one image");
  const size_t n = points[0].correct.size();
  if (n == 0) throw Error("budget switching: the points have no test images");
  for (const OperatingPoint& p : points) {
    if (p.correct.size() != n) throw Error("budget switching: point " + p.label + " has another test-set size");
  }
  SwitchingResult r;
  r.images = stream_images;
  r.uses.assign(points.size(), 0);
  size_t step = 0;
  int64_t correct = 0;
  double energy = 0;
  for (int64_t t = 0; t < stream_images; ++t) {
    while (step + 1 < schedule.size() && schedule[step + 1].from_image <= t) ++step;
    bool violation = false;
    const int k = ChoosePoint(points, schedule[step].energy, schedule[step].delay, &violation);
    r.violations += violation ? 1 : 0;
    r.uses[k]++;
    r.choice.push_back(k);
    correct += points[k].correct[static_cast<size_t>(t) % n];
    energy += points[k].energy_uj;
  }
  r.accuracy = static_cast<double>(correct) / static_cast<double>(stream_images);
  r.mean_energy_uj = energy / static_cast<double>(stream_images);
  return r;
}

}  // namespace rcdnn::precision
