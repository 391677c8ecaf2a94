#include "models/subnets/point_cost.h"

#include <gtest/gtest.h>

#include "accel_sim/simulator.h"
#include "common/error.h"
#include "models/train/evaluate.h"
#include "models/train/test_net.h"

namespace rcdnn::models::subnets {
namespace {

constexpr char kTech[] = "accel_sim/tech/fixed32_16.tech";

TEST(PointCost, MeasuresAccuracyEnergyLatencyAndMacsOfOneSubnet) {
  const NetSpec spec = testing::TinySpec();
  const Network net(spec, EngineOptions{2});
  NetParams params = ZerosLike(spec, 2);
  InitParams(spec, 1, &params);
  const auto test = testing::SyntheticImages(50, 3);
  const accel::TechConfig tech = accel::LoadTechConfig(kTech);
  PointCostOptions options;
  options.eval_limit = 40;
  options.latency_runs = 9;
  options.sim_images = 10;
  const Widths widths{4, 6};
  const PointCost point = MeasurePoint(net, params, test, widths, 1, tech, options);
  const Predictions expected = Evaluate(net, params, test, widths, 1, 40);
  EXPECT_EQ(point.images, 40);
  EXPECT_EQ(point.accuracy, expected.Accuracy());
  accel::SimOptions sim;
  sim.num_images = 10;
  EXPECT_DOUBLE_EQ(point.energy_uj, accel::SimulateAnalytical(spec, widths, tech, sim).EnergyPjPerImage() * 1e-6);
  EXPECT_GT(point.energy_uj, 0);
  // conv1: 4 x 9 x 64 outputs; ip1: 6 x 4*16; head: 3 x 6.
  EXPECT_EQ(point.macs, 4 * 9 * 64 + 6 * 64 + 3 * 6);
  EXPECT_GT(point.latency_us, 0);
  const PointCost full = MeasurePoint(net, params, test, FullWidths(spec), 1, tech, options);
  EXPECT_GT(full.energy_uj, point.energy_uj);
  EXPECT_GT(full.macs, point.macs);
}

TEST(PointCost, ParetoMetricsFollowTheSharedSchema) {
  PointCost point;
  point.widths = {4, 6};
  point.accuracy = 0.75;
  point.energy_uj = 1.5;
  point.latency_us = 20;
  point.macs = 1234;
  const auto metrics = ParetoMetrics("tiny", "slimmable", point);
  ASSERT_EQ(metrics.size(), 4u);
  const std::vector<std::tuple<std::string, std::string, std::string, double>> expected = {
      {"pareto_accuracy", "fraction", "test", 0.75},
      {"pareto_energy_uj", "uJ", "", 1.5},
      {"pareto_latency_us", "us", "", 20},
      {"pareto_macs", "MAC", "", 1234}};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(metrics[i].name, std::get<0>(expected[i]));
    EXPECT_EQ(metrics[i].unit, std::get<1>(expected[i]));
    EXPECT_EQ(metrics[i].split, std::get<2>(expected[i]));
    EXPECT_EQ(metrics[i].value, std::get<3>(expected[i]));
    EXPECT_EQ(metrics[i].network, "tiny");
    EXPECT_EQ(metrics[i].method, "slimmable");
    EXPECT_EQ(metrics[i].width, "4,6");
    EXPECT_EQ(metrics[i].key, "point=4,6");
  }
}

TEST(PointCost, RejectsBadOptions) {
  PointCostOptions options;
  options.latency_runs = 0;
  EXPECT_THROW(Validate(options), Error);
  options = {};
  options.sim_images = 0;
  EXPECT_THROW(Validate(options), Error);
  options = {};
  options.eval_limit = 0;
  EXPECT_THROW(Validate(options), Error);
  const NetSpec spec = testing::TinySpec();
  const Network net(spec);
  NetParams params = ZerosLike(spec, 1);
  const accel::TechConfig tech = accel::LoadTechConfig(kTech);
  EXPECT_THROW(MeasurePoint(net, params, testing::SyntheticImages(4, 1), {9, 6}, 0, tech, {}), Error);
  EXPECT_THROW(MeasurePoint(net, params, data::ImageSet{}, {4, 6}, 0, tech, {}), Error);
}

}  // namespace
}  // namespace rcdnn::models::subnets
