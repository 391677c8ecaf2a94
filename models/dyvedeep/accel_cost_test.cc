#include "models/dyvedeep/accel_cost.h"

#include <gtest/gtest.h>

#include "accel_sim/simulator.h"
#include "accel_sim/tech_config.h"
#include "common/error.h"

namespace rcdnn::models::dyvedeep {
namespace {

accel::SimResult LenetSim(int images) {
  const NetSpec spec = LoadNetSpec("models/spec/lenet.net");
  const accel::TechConfig tech = accel::LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  accel::SimOptions options;
  options.num_images = images;
  options.margin_controller = false;
  return accel::SimulateAnalytical(spec, FullWidths(spec), tech, options);
}

const accel::LayerResult& Row(const accel::SimResult& sim, const std::string& name) {
  for (const accel::LayerResult& row : sim.layers) {
    if (row.layer == name) return row;
  }
  throw Error("no row " + name);
}

TEST(AccelCostTest, NothingSkippedCostsWhatWasSimulated) {
  const accel::SimResult sim = LenetSim(1);
  const KnobbedAccelCost cost = PriceKnobbedRun(sim, {{"conv1", 1.0}});
  EXPECT_DOUBLE_EQ(cost.knobbed_energy_pj_per_image, sim.EnergyPjPerImage());
  EXPECT_DOUBLE_EQ(cost.knobbed_time_ns_per_image, sim.TimeNsPerImage());
  EXPECT_EQ(cost.layers.size(), sim.layers.size());
}

TEST(AccelCostTest, SkippingScalesOnlyTheLayersNfuEnergy) {
  const int images = 4;
  const accel::SimResult sim = LenetSim(images);
  const KnobbedAccelCost cost = PriceKnobbedRun(sim, {{"conv2", 0.25}, {"ip1", 0.0}});
  const double conv2_nfu = Row(sim, "conv2").energy.nfu_pj / images, ip1_nfu = Row(sim, "ip1").energy.nfu_pj / images;
  ASSERT_GT(conv2_nfu, 0);
  EXPECT_NEAR(cost.knobbed_energy_pj_per_image, sim.EnergyPjPerImage() - 0.75 * conv2_nfu - ip1_nfu,
              1e-9 * sim.EnergyPjPerImage());
  for (const LayerCost& layer : cost.layers) {
    if (layer.layer == "conv2") {
      EXPECT_EQ(layer.executed_fraction, 0.25);
      // Buffers, DRAM and control stay: the knobbed layer still costs more than its non-NFU part.
      EXPECT_NEAR(layer.knobbed_energy_pj, layer.energy_pj - 0.75 * layer.nfu_pj, 1e-9 * layer.energy_pj);
      EXPECT_LT(layer.knobbed_time_ns, layer.time_ns);
      EXPECT_GE(layer.knobbed_time_ns, Row(sim, "conv2").counters.dram.busy_ns / images);
    } else if (layer.layer != "ip1") {
      EXPECT_EQ(layer.executed_fraction, 1.0);
      EXPECT_EQ(layer.knobbed_energy_pj, layer.energy_pj);
      EXPECT_EQ(layer.knobbed_time_ns, layer.time_ns);
    }
  }
  EXPECT_LT(cost.knobbed_time_ns_per_image, cost.time_ns_per_image);
}

TEST(AccelCostTest, BadFractionsNameTheLayer) {
  const accel::SimResult sim = LenetSim(1);
  auto message = [&](const std::map<std::string, double>& fractions) {
    try {
      PriceKnobbedRun(sim, fractions);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message({{"conv9", 0.5}}).find("'conv9' is not in the simulation"), std::string::npos);
  EXPECT_NE(message({{"pool1", 0.5}}).find("'pool1' is a maxpool layer"), std::string::npos);
  EXPECT_NE(message({{"conv1", 1.5}}).find("outside [0, 1]"), std::string::npos);
}

}  // namespace
}  // namespace rcdnn::models::dyvedeep
