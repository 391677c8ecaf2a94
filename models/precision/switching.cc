#include "models/precision/switching.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace rcdnn::precision {

namespace {

double ParseNumber(const std::string& token, const std::string& where, const std::string& what) {
  if (token == "inf") return INFINITY;
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(token, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != token.size() || std::isnan(value)) throw Error(where + ": " + what + " '" + token + "' is not a number");
  return value;
}

}  // namespace

std::vector<BudgetStep> ParseBudgetSchedule(const std::string& text, const std::string& source_name) {
  std::vector<BudgetStep> schedule;
  std::istringstream in(text);
  std::string raw;
  int line_number = 0;
  bool first_content = true;
  while (std::getline(in, raw)) {
    ++line_number;
    const std::string line = raw.substr(0, raw.find('#'));
    std::istringstream fields(line);
    std::vector<std::string> tokens;
    for (std::string t; fields >> t;) tokens.push_back(t);
    if (tokens.empty()) continue;
    const std::string where = source_name + ":" + std::to_string(line_number);
    if (first_content && tokens == std::vector<std::string>{"from_image", "energy_uj", "delay_us"}) {
      first_content = false;
      continue;
    }
    first_content = false;
    if (tokens.size() != 3) throw Error(where + ": expected 'from_image energy_uj delay_us', got '" + line + "'");
    BudgetStep step;
    const double from = ParseNumber(tokens[0], where, "from_image");
    if (from != std::floor(from) || from < 0 || std::isinf(from)) {
      throw Error(where + ": from_image '" + tokens[0] + "' is not a non-negative integer");
    }
    step.from_image = static_cast<int64_t>(from);
    step.energy_uj = ParseNumber(tokens[1], where, "energy_uj");
    step.delay_us = ParseNumber(tokens[2], where, "delay_us");
    if (!(step.energy_uj > 0)) throw Error(where + ": energy budget " + tokens[1] + " must be > 0");
    if (!(step.delay_us > 0)) throw Error(where + ": delay budget " + tokens[2] + " must be > 0");
    if (schedule.empty() && step.from_image != 0) {
      throw Error(where + ": the first budget must start at image 0, got " + tokens[0]);
    }
    if (!schedule.empty() && step.from_image <= schedule.back().from_image) {
      throw Error(where + ": from_image " + tokens[0] + " does not increase (previous " +
                  std::to_string(schedule.back().from_image) + ")");
    }
    schedule.push_back(step);
  }
  if (schedule.empty()) throw Error("budget schedule " + source_name + " is empty");
  return schedule;
}

std::vector<BudgetStep> ReadBudgetSchedule(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read budget schedule '" + path + "': check the path (--budget)");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseBudgetSchedule(text.str(), path);
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
    const int k = ChoosePoint(points, schedule[step].energy_uj, schedule[step].delay_us, &violation);
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
