#include "accel_sim/result_metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include "accel_sim/simulator.h"
#include "common/error.h"

namespace rcdnn::accel {
namespace {

const results::Metric& Find(const std::vector<results::Metric>& metrics, const std::string& name,
                            const std::string& key) {
  for (const results::Metric& m : metrics) {
    if (m.name == name && m.key == key) return m;
  }
  throw Error("no metric " + name + " / " + key);
}

struct Fixture {
  models::NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  TechConfig tech = LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  SimResult Run(double fraction, int images) const {
    SimOptions options;
    options.num_images = images;
    return SimulateAnalytical(spec, models::UniformWidths(spec, fraction), tech, options);
  }
};

TEST(ResultMetrics, TotalsArePerImageAndComponentsSumToThem) {
  const Fixture f;
  const SimResult r = f.Run(0.5, 4);
  const std::vector<results::Metric> metrics = SimulationMetrics(f.spec, f.tech, r, 2);
  for (const results::Metric& m : metrics) {
    EXPECT_EQ(m.network, "lenet");
    EXPECT_EQ(m.width, "10,25,250");
    EXPECT_EQ(m.method, "fixed32_16");
    EXPECT_EQ(m.increment, 2);
    EXPECT_TRUE(std::isfinite(m.value)) << m.name << " " << m.key;
  }
  EXPECT_DOUBLE_EQ(Find(metrics, "time_us", "total").value, r.TimeNsPerImage() / 1e3);
  EXPECT_DOUBLE_EQ(Find(metrics, "energy_uj", "total").value, r.EnergyPjPerImage() / 1e6);
  EXPECT_DOUBLE_EQ(Find(metrics, "energy_paper_convention_uj", "total").value, r.PaperEnergyPjPerImage() / 1e6);
  EXPECT_EQ(Find(metrics, "time_us", "total").unit, "us");
  EXPECT_EQ(Find(metrics, "energy_uj", "total").unit, "uJ");
  double components = 0, onchip = 0;
  for (const char* c : {"nfu", "sb", "bin", "bout", "controller", "margin_controller", "dram"}) {
    const double v = Find(metrics, "energy_uj", std::string("component=") + c).value;
    EXPECT_GE(v, 0) << c;
    components += v;
    if (std::string(c) != "dram") onchip += v;
  }
  EXPECT_NEAR(components, Find(metrics, "energy_uj", "total").value, 1e-9);
  EXPECT_NEAR(onchip, Find(metrics, "energy_onchip_uj", "total").value, 1e-9);
  // Layers (ReLU left out, the margin controller in) add up to the total.
  double time_us = 0, cycles = 0;
  for (const char* layer : {"conv1", "pool1", "conv2", "pool2", "ip1", "ip2", "margin_controller"}) {
    time_us += Find(metrics, "time_us", std::string("layer=") + layer).value;
    cycles += Find(metrics, "cycles", std::string("layer=") + layer).value;
    EXPECT_GE(Find(metrics, "energy_uj", std::string("layer=") + layer + ";component=dram").value, 0);
  }
  EXPECT_NEAR(time_us, Find(metrics, "time_us", "total").value, 1e-9);
  EXPECT_NEAR(cycles, Find(metrics, "cycles", "total").value, 1e-9);
  EXPECT_THROW(Find(metrics, "time_us", "layer=relu1"), Error);
  // Roofline per layer: floor = max of the two, ratio >= 1.
  for (const char* layer : {"conv1", "pool1", "conv2", "pool2", "ip1", "ip2"}) {
    const std::string key = std::string("layer=") + layer;
    const double floor = Find(metrics, "roofline_floor_us", key).value;
    EXPECT_DOUBLE_EQ(floor, std::max(Find(metrics, "roofline_compute_floor_us", key).value,
                                     Find(metrics, "roofline_dram_floor_us", key).value));
    EXPECT_NEAR(Find(metrics, "roofline_ratio", key).value, Find(metrics, "time_us", key).value / floor, 1e-9);
    EXPECT_GE(Find(metrics, "roofline_ratio", key).value, 1.0);
  }
}

TEST(ResultMetrics, TechMetricsCarryTablesOneAndTwoWithSources) {
  const Fixture f;
  const std::vector<results::Metric> metrics = TechMetrics(f.tech);
  EXPECT_DOUBLE_EQ(Find(metrics, "table1_area_mm2", "").value, 14.13);
  EXPECT_DOUBLE_EQ(Find(metrics, "table1_power_mw", "").value, 1213.4);
  EXPECT_DOUBLE_EQ(Find(metrics, "table1_delay_ns", "").value, 3.99);
  EXPECT_DOUBLE_EQ(Find(metrics, "table2_area_um2", "component=sb").value, 11369714);
  EXPECT_DOUBLE_EQ(Find(metrics, "table2_area_um2", "component=total").value, 14133270);
  EXPECT_DOUBLE_EQ(Find(metrics, "table2_power_mw", "component=nfu").value, 163.85);
  EXPECT_DOUBLE_EQ(Find(metrics, "table2_power_mw", "component=memory").value, 1044.9);
  // The paper's 124 GOP/s and 102.48 GOP/W (Section 5.1).
  EXPECT_NEAR(Find(metrics, "peak_gop_s", "").value, 124.3, 0.1);
  EXPECT_NEAR(Find(metrics, "peak_gop_per_w", "").value, 102.4, 0.2);
  const results::Metric& sb = Find(metrics, "tech_sb_power_mw", "paper Table 2 \"Sb (Weights Buffer)\"");
  EXPECT_DOUBLE_EQ(sb.value, 979.96);
  EXPECT_EQ(sb.unit, "mW");
  EXPECT_EQ(sb.method, "fixed32_16");
  for (const results::Metric& m : metrics) {
    EXPECT_TRUE(m.network.empty());
    EXPECT_FALSE(m.increment.has_value());
    EXPECT_NE(m.name, "tech_name");
    if (m.name.rfind("tech_", 0) == 0) { EXPECT_FALSE(m.key.empty()) << m.name; }
  }
}

TEST(ResultMetrics, CostFileIsTheRuntimeSchemesFormat) {
  const Fixture f;
  const std::vector<SimResult> results = {f.Run(0.25, 2), f.Run(1.0, 2)};
  const std::string text = CostFileText(results, CostEnergy::kPaperConvention, "lenet on fixed32_16\nsecond line");
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "# lenet on fixed32_16");
  std::getline(in, line);
  EXPECT_EQ(line, "# second line");
  std::getline(in, line);
  EXPECT_EQ(line, "increment,energy_uj,time_us");
  for (int i = 1; i <= 2; ++i) {
    ASSERT_TRUE(std::getline(in, line));
    int increment = 0;
    double energy = 0, time = 0;
    ASSERT_EQ(std::sscanf(line.c_str(), "%d,%lf,%lf", &increment, &energy, &time), 3) << line;
    EXPECT_EQ(increment, i);
    EXPECT_NEAR(time, results[i - 1].TimeNsPerImage() / 1e3, 1e-6 * time);
    EXPECT_NEAR(energy, results[i - 1].PaperEnergyPjPerImage() / 1e6, 1e-6 * energy);
  }
  EXPECT_FALSE(std::getline(in, line));
  EXPECT_EQ(ParseCostEnergy("onchip"), CostEnergy::kOnChip);
  EXPECT_THROW(ParseCostEnergy("dram"), Error);
}

}  // namespace
}  // namespace rcdnn::accel
