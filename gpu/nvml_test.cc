// Nvml and MeasureEnergy against a missing library and a scripted fake
// (libfake_nvml.so): runs on machines without an NVIDIA driver.
#include "gpu/nvml.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

namespace rcdnn::gpu {
namespace {

std::string FakeLibrary() {
  return std::string(std::getenv("TEST_SRCDIR")) + "/" + std::getenv("TEST_WORKSPACE") + "/gpu/libfake_nvml.so";
}

class NvmlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("FAKE_NVML_NO_ENERGY");
    unsetenv("FAKE_NVML_NO_POWER");
    unsetenv("FAKE_NVML_STILL_ENERGY");
  }
};

TEST_F(NvmlTest, MissingLibraryIsNotAvailableAndEnergyIsNotMeasured) {
  const Nvml nvml("", "/nonexistent/libnvidia-ml.so.1");
  EXPECT_FALSE(nvml.available());
  EXPECT_NE(nvml.reason().find("cannot load /nonexistent/libnvidia-ml.so.1"), std::string::npos) << nvml.reason();
  EXPECT_FALSE(nvml.TotalEnergyMj().has_value());
  EXPECT_FALSE(nvml.PowerWatts().has_value());
  EXPECT_EQ(nvml.DriverVersion(), "");
  int runs = 0;
  const EnergyResult energy = MeasureEnergy(nvml, [&] { return int64_t{++runs}; });
  EXPECT_EQ(runs, 1);  // the workload still runs once
  EXPECT_FALSE(energy.uj_per_image.has_value());
  EXPECT_EQ(energy.source, nvml.reason());
  EXPECT_EQ(energy.key, "");
}

TEST_F(NvmlTest, ReadsTheDeviceFoundByPciBusId) {
  const Nvml nvml("0000:17:00.0", FakeLibrary());
  ASSERT_TRUE(nvml.available()) << nvml.reason();
  EXPECT_EQ(nvml.device_match(), "PCI bus id 0000:17:00.0");
  EXPECT_EQ(nvml.DriverVersion(), "999.01");
  EXPECT_EQ(nvml.DeviceName(), "Fake GPU");
  EXPECT_EQ(nvml.ClockMhz(Nvml::kClockSm), 1980u);
  EXPECT_EQ(nvml.ClockMhz(Nvml::kClockMemory), 2619u);
  EXPECT_EQ(nvml.MaxClockMhz(Nvml::kClockSm), 1980u);
  EXPECT_DOUBLE_EQ(*nvml.PowerWatts(), 250.0);
  const uint64_t first = *nvml.TotalEnergyMj();
  EXPECT_EQ(*nvml.TotalEnergyMj(), first + 1000);
}

TEST_F(NvmlTest, FallsBackToDeviceZeroWhenTheBusIdIsUnknown) {
  const Nvml nvml("0000:99:00.0", FakeLibrary());
  ASSERT_TRUE(nvml.available());
  EXPECT_EQ(nvml.device_match(), "NVML device 0 (PCI bus id 0000:99:00.0 not matched)");
}

TEST_F(NvmlTest, EnergyFromTheTotalEnergyCounter) {
  const Nvml nvml("", FakeLibrary());
  // The fake counter advances 1000 mJ between two reads: 1 J over 10 images.
  const EnergyResult energy = MeasureEnergy(nvml, [] { return int64_t{10}; });
  ASSERT_TRUE(energy.uj_per_image.has_value()) << energy.source;
  EXPECT_DOUBLE_EQ(*energy.uj_per_image, 100000.0);
  EXPECT_EQ(energy.key, "nvml-energy-counter");
  EXPECT_NE(energy.source.find("nvmlDeviceGetTotalEnergyConsumption"), std::string::npos);
}

TEST_F(NvmlTest, ACounterThatDidNotAdvanceIsNotMeasuredAsZero) {
  setenv("FAKE_NVML_STILL_ENERGY", "1", 1);
  const Nvml nvml("0000:17:00.0", FakeLibrary());
  const EnergyResult energy = MeasureEnergy(nvml, [] { return int64_t{10}; });
  EXPECT_FALSE(energy.uj_per_image.has_value());
  EXPECT_EQ(energy.key, "");
  EXPECT_NE(energy.source.find("did not advance"), std::string::npos) << energy.source;
}

TEST_F(NvmlTest, PowerSamplingWhereThereIsNoCounter) {
  setenv("FAKE_NVML_NO_ENERGY", "1", 1);
  const Nvml nvml("", FakeLibrary());
  const auto start = std::chrono::steady_clock::now();
  const EnergyResult energy = MeasureEnergy(
      nvml,
      [] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        return int64_t{4};
      },
      5);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(energy.uj_per_image.has_value()) << energy.source;
  EXPECT_EQ(energy.key, "nvml-power-sampling");
  EXPECT_NE(energy.source.find("sampled every 5 ms"), std::string::npos) << energy.source;
  // 250 W over the run's wall time (at least 0.2 s, at most the measured span), per image.
  EXPECT_GE(*energy.uj_per_image, 250.0 * 0.2 * 1e6 / 4 * 0.999);
  EXPECT_LE(*energy.uj_per_image, 250.0 * seconds * 1e6 / 4);
}

TEST_F(NvmlTest, NotMeasuredWithoutCounterOrPower) {
  setenv("FAKE_NVML_NO_ENERGY", "1", 1);
  setenv("FAKE_NVML_NO_POWER", "1", 1);
  const Nvml nvml("", FakeLibrary());
  ASSERT_TRUE(nvml.available());
  const EnergyResult energy = MeasureEnergy(nvml, [] { return int64_t{1}; });
  EXPECT_FALSE(energy.uj_per_image.has_value());
  EXPECT_EQ(energy.key, "");
  EXPECT_NE(energy.source.find("neither"), std::string::npos) << energy.source;
}

}  // namespace
}  // namespace rcdnn::gpu
