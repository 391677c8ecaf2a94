// One operating point of the shared comparison (//artifacts:pareto): a
// sub-net's top-1 test accuracy, accelerator energy per image, CPU batch-1
// latency and MACs, and its pareto_* metrics for the results store.
//
//   accuracy    Evaluate() on the first eval_limit test images (-1: all);
//   energy_uj   SimulateAnalytical(spec, widths, tech, sim_images images back
//               to back): SimResult total energy / images (component-wise,
//               DRAM included; weights that fit Sb stay resident);
//   latency_us  median of latency_runs batch-1 forward passes, one image,
//               timed one by one with steady_clock after latency_warmup
//               untimed passes, on a Network with 1 engine thread;
//   macs        TotalMacs(InferShapes(spec, widths)): what the engine executes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel_sim/tech_config.h"
#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "models/engine/params.h"
#include "results/store.h"

namespace rcdnn::models::subnets {

struct PointCostOptions {
  int64_t eval_limit = -1;  // test images evaluated (-1: all)
  int latency_runs = 31;
  int latency_warmup = 5;
  int sim_images = 100;
};

// Throws rcdnn::Error naming the option when a count is not positive.
void Validate(const PointCostOptions& options);

struct PointCost {
  Widths widths;
  double accuracy = 0;
  int64_t images = 0;
  double energy_uj = 0;
  double latency_us = 0;
  int64_t macs = 0;
};

// Median wall time (us) of `runs` forward passes of `image` (one image).
// `net` must run with 1 engine thread (batch 1 runs on the caller anyway).
double MedianLatencyUs(const Network& net, const NetParams& params, const float* image, const Widths& widths,
                       int head, int runs, int warmup);

// `eval_net` evaluates accuracy (any thread count); latency runs on a
// 1-thread Network built here from the same spec.
PointCost MeasurePoint(const Network& eval_net, const NetParams& params, const data::ImageSet& test,
                       const Widths& widths, int head, const accel::TechConfig& tech, const PointCostOptions& options);

// pareto_accuracy (split test), pareto_energy_uj, pareto_latency_us,
// pareto_macs; width = WidthsToString, key = "point=<widths>".
std::vector<results::Metric> ParetoMetrics(const std::string& network, const std::string& method,
                                           const PointCost& point);

}  // namespace rcdnn::models::subnets
