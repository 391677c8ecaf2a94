#include "accel_sim/roofline.h"

#include <gtest/gtest.h>

#include "accel_sim/simulator.h"
#include "common/error.h"

namespace rcdnn::accel {
namespace {

TEST(Roofline, LenetConv1AtFullWidthByHand) {
  const models::NetSpec spec = models::LoadNetSpec("models/spec/lenet.net");
  const TechConfig tech = LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  SimOptions options;
  options.num_images = 3;
  const SimResult r = SimulateAnalytical(spec, models::FullWidths(spec), tech, options);
  const std::vector<LayerRoofline> rows = Roofline(spec, tech, r);
  ASSERT_EQ(rows.size(), 6u);  // relu1 has no row
  EXPECT_EQ(rows[0].layer, "conv1");
  // 20 x 24 x 24 outputs x 25 MACs = 288,000 MACs = 1125 cycles of 256 lanes.
  EXPECT_NEAR(rows[0].compute_floor_ns, 3 * 1125 * 3.99, 1e-6);
  EXPECT_DOUBLE_EQ(rows[0].dram_floor_ns, r.layers[0].dram_bytes / 12.8);
  EXPECT_EQ(rows[1].layer, "pool1");
  // 20 x 12 x 12 outputs x 4 window elements / 16 lanes = 720 cycles.
  EXPECT_NEAR(rows[1].compute_floor_ns, 3 * 720 * 3.99, 1e-6);
}

TEST(Roofline, SimulatedTimeIsNeverBelowTheFloor) {
  for (const char* tech_path : {"accel_sim/tech/fixed32_16.tech", "accel_sim/tech/fixed16_10.tech"}) {
    const TechConfig tech = LoadTechConfig(tech_path);
    for (const char* path : {"models/spec/lenet.net", "models/spec/convnets.net", "models/spec/alexnet.net"}) {
      const models::NetSpec spec = models::LoadNetSpec(path);
      for (double f : {0.25, 0.5, 0.75, 1.0}) {
        const SimResult r = SimulateAnalytical(spec, models::UniformWidths(spec, f), tech);
        for (const LayerRoofline& row : Roofline(spec, tech, r)) {
          EXPECT_GT(row.FloorNs(), 0) << spec.name << " " << row.layer;
          EXPECT_GE(row.Ratio(), 1.0 - 1e-12) << spec.name << " " << row.layer << " at " << f;
        }
      }
    }
  }
}

TEST(Roofline, AResultOfAnotherNetworkIsRefused) {
  const TechConfig tech = LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  const models::NetSpec lenet = models::LoadNetSpec("models/spec/lenet.net");
  const models::NetSpec alexnet = models::LoadNetSpec("models/spec/alexnet.net");
  const SimResult r = SimulateAnalytical(lenet, models::FullWidths(lenet), tech);
  EXPECT_THROW(Roofline(alexnet, tech, r), Error);
}

}  // namespace
}  // namespace rcdnn::accel
