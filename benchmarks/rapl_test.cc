// RaplMeter on fake powercap trees written by the test: absent, present,
// sub-zones ignored, a counter that cannot be read, a wrapped counter.
#include "benchmarks/rapl.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace rcdnn::benchmarks {
namespace {

namespace fs = std::filesystem;

class RaplTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    root_ = fs::path(tmp ? tmp : "/tmp") / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void Write(const std::string& relative, const std::string& text) {
    fs::create_directories((root_ / relative).parent_path());
    std::ofstream(root_ / relative) << text;
  }
  void AddZone(const std::string& zone, const std::string& name, uint64_t energy, uint64_t range) {
    Write(zone + "/name", name + "\n");
    Write(zone + "/energy_uj", std::to_string(energy) + "\n");
    Write(zone + "/max_energy_range_uj", std::to_string(range) + "\n");
  }
  fs::path root_;
};

TEST_F(RaplTest, MissingRootMeansNotMeasured) {
  const RaplMeter meter((root_ / "absent").string());
  EXPECT_FALSE(meter.available());
  EXPECT_NE(meter.description().find("no RAPL package zones"), std::string::npos);
  EXPECT_FALSE(meter.Read().has_value());
}

TEST_F(RaplTest, EmptyRootOrOtherZonesMeanNotMeasured) {
  Write("intel-rapl/enabled", "1\n");  // the control type folder, not a zone
  AddZone("dtpm:0", "dtpm", 5, 10);      // another powercap driver
  const RaplMeter meter(root_.string());
  EXPECT_FALSE(meter.available());
  EXPECT_FALSE(meter.Read().has_value());
}

TEST_F(RaplTest, ReadsPackageZonesAndIgnoresSubZones) {
  AddZone("intel-rapl:0", "package-0", 1000, 1u << 30);
  AddZone("intel-rapl:0:0", "core", 900, 1u << 30);  // part of package 0: not added again
  AddZone("intel-rapl:1", "package-1", 50, 1u << 30);
  const RaplMeter meter(root_.string());
  ASSERT_TRUE(meter.available());
  EXPECT_EQ(meter.description(), "RAPL package-0 (intel-rapl:0) + package-1 (intel-rapl:1)");
  const auto before = meter.Read();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(*before, (std::vector<uint64_t>{1000, 50}));
  Write("intel-rapl:0/energy_uj", "1600\n");
  Write("intel-rapl:1/energy_uj", "80\n");
  const auto after = meter.Read();
  ASSERT_TRUE(after.has_value());
  EXPECT_DOUBLE_EQ(meter.DeltaUj(*before, *after), 600 + 30);
}

TEST_F(RaplTest, AmdZonesCount) {
  AddZone("amd-rapl:0", "package", 7, 100);
  EXPECT_TRUE(RaplMeter(root_.string()).available());
}

TEST_F(RaplTest, CorrectsOneWrap) {
  AddZone("intel-rapl:0", "package-0", 0, 1000);
  const RaplMeter meter(root_.string());
  ASSERT_TRUE(meter.available());
  // 900 -> wraps at 1000 -> 150: 100 + 150 = 250 uJ.
  EXPECT_DOUBLE_EQ(meter.DeltaUj({900}, {150}), 250);
}

TEST_F(RaplTest, UnreadableCounterMeansNotMeasured) {
  // energy_uj as a folder: open succeeds, reading a number fails (as a file
  // the kernel restricts to root does for an unprivileged user).
  Write("intel-rapl:0/name", "package-0\n");
  fs::create_directories(root_ / "intel-rapl:0" / "energy_uj");
  const RaplMeter meter(root_.string());
  EXPECT_FALSE(meter.available());
  EXPECT_NE(meter.description().find("not readable"), std::string::npos);
}

}  // namespace
}  // namespace rcdnn::benchmarks
