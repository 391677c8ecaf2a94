#include "accel_sim/margin_controller.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

TEST(MarginController, TopTwoMargin) {
  const MarginDecision d = TopTwoMargin({0.1, 0.7, 0.2, 0.65});
  EXPECT_EQ(d.top_class, 1);
  EXPECT_NEAR(d.margin, 0.05, 1e-12);
  const MarginDecision tie = TopTwoMargin({0.4, 0.4, 0.2});
  EXPECT_EQ(tie.top_class, 0);  // lowest index wins a tie
  EXPECT_DOUBLE_EQ(tie.margin, 0.0);
  EXPECT_DOUBLE_EQ(TopTwoMargin({3.0}).margin, 0.0);
  EXPECT_THROW(TopTwoMargin({}), Error);
}

TEST(MarginController, EachActivationCosts12ns) {
  MarginController controller(MarginControllerConfig{});
  EXPECT_DOUBLE_EQ(controller.LatencyNs(), 12.0);
  controller.Act(std::vector<float>{1.0f, 3.0f, 2.0f});
  const MarginDecision d = controller.Act(std::vector<int32_t>{1024, 3072, 2048}, FixedPointFormat{16, 10});
  EXPECT_EQ(d.top_class, 1);
  EXPECT_DOUBLE_EQ(d.margin, 1.0);  // (3072 - 2048) x 2^-10
  controller.Count(3);
  EXPECT_EQ(controller.stats().activations, 5);
  EXPECT_DOUBLE_EQ(controller.stats().busy_ns, 60.0);
}

}  // namespace
}  // namespace rcdnn::accel
