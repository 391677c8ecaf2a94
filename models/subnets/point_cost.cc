#include "models/subnets/point_cost.h"

#include <algorithm>
#include <chrono>

#include "accel_sim/simulator.h"
#include "common/error.h"
#include "models/train/evaluate.h"

namespace rcdnn::models::subnets {

void Validate(const PointCostOptions& options) {
  if (options.eval_limit == 0 || options.eval_limit < -1) {
    throw Error("eval limit must be -1 (all test images) or positive, not " + std::to_string(options.eval_limit));
  }
  if (options.latency_runs < 1) throw Error("--latency-runs must be at least 1");
  if (options.latency_warmup < 0) throw Error("--latency-warmup must not be negative");
  if (options.sim_images < 1) throw Error("--sim-images must be at least 1");
}

double MedianLatencyUs(const Network& net, const NetParams& params, const float* image, const Widths& widths,
                       int head, int runs, int warmup) {
  if (runs < 1) throw Error("latency needs at least 1 timed run");
  Workspace workspace;
  RowMatrix logits(1, net.spec().NumClasses());
  for (int i = 0; i < warmup; ++i) net.Forward(params, image, 1, widths, head, &workspace, logits);
  std::vector<double> us(runs);
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    net.Forward(params, image, 1, widths, head, &workspace, logits);
    us[i] = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  }
  std::nth_element(us.begin(), us.begin() + runs / 2, us.end());
  return us[runs / 2];
}

PointCost MeasurePoint(const Network& eval_net, const NetParams& params, const data::ImageSet& test,
                       const Widths& widths, int head, const accel::TechConfig& tech, const PointCostOptions& options) {
  Validate(options);
  const NetSpec& spec = eval_net.spec();
  ValidateWidths(spec, widths);
  PointCost point;
  point.widths = widths;
  const Predictions predictions = Evaluate(eval_net, params, test, widths, head, options.eval_limit);
  point.accuracy = predictions.Accuracy();
  point.images = predictions.size();
  accel::SimOptions sim;
  sim.num_images = options.sim_images;
  point.energy_uj = accel::SimulateAnalytical(spec, widths, tech, sim).EnergyPjPerImage() * 1e-6;
  const Network single(spec, EngineOptions{1});
  point.latency_us =
      MedianLatencyUs(single, params, test.images.data(), widths, head, options.latency_runs, options.latency_warmup);
  point.macs = TotalMacs(InferShapes(spec, widths));
  return point;
}

std::vector<results::Metric> ParetoMetrics(const std::string& network, const std::string& method,
                                           const PointCost& point) {
  const std::string width = WidthsToString(point.widths);
  const std::string key = "point=" + width;
  return {
      {"pareto_accuracy", network, width, method, "test", key, {}, point.accuracy, "fraction"},
      {"pareto_energy_uj", network, width, method, "", key, {}, point.energy_uj, "uJ"},
      {"pareto_latency_us", network, width, method, "", key, {}, point.latency_us, "us"},
      {"pareto_macs", network, width, method, "", key, {}, static_cast<double>(point.macs), "MAC"},
  };
}

}  // namespace rcdnn::models::subnets
