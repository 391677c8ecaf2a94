#include "accel_sim/dram.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace rcdnn::accel {
namespace {

// DDR3-1600 11-11-11: tRP + tRCD = 27.5 ns per row, CL = 13.75 ns, 5 ns per 64-byte burst.
constexpr double kRowMissNs = 27.5, kClNs = 13.75, kBurstNs = 5.0;

TEST(Dram, TransferTimeIsRowMissesPlusCasPlusBursts) {
  const Dram dram(DramConfig{});
  EXPECT_DOUBLE_EQ(dram.BurstNs(), kBurstNs);
  EXPECT_DOUBLE_EQ(dram.TransferNs(0), 0.0);
  EXPECT_DOUBLE_EQ(dram.TransferNs(1), kRowMissNs + kClNs + kBurstNs);  // one burst at least
  EXPECT_DOUBLE_EQ(dram.TransferNs(64), kRowMissNs + kClNs + kBurstNs);
  EXPECT_DOUBLE_EQ(dram.TransferNs(8192), kRowMissNs + kClNs + 128 * kBurstNs);  // one full row
  EXPECT_DOUBLE_EQ(dram.TransferNs(8193), 2 * kRowMissNs + kClNs + 129 * kBurstNs);
  // Streaming approaches the peak: 1 MB at 12.8 GB/s is 81.92 us plus 128 row misses.
  EXPECT_NEAR(dram.TransferNs(1 << 20), 81920 + 128 * kRowMissNs + kClNs, 1e-6);
}

TEST(Dram, CountsBurstGranularBytesAndEnergyInputs) {
  Dram dram(DramConfig{});
  const double read_ns = dram.Read(100);  // two bursts
  const double write_ns = dram.Write(8192 * 2);
  EXPECT_EQ(dram.stats().read_bytes, 128);
  EXPECT_EQ(dram.stats().write_bytes, 16384);
  EXPECT_EQ(dram.stats().bursts, 2 + 256);
  EXPECT_EQ(dram.stats().row_activations, 1 + 2);
  EXPECT_EQ(dram.stats().transfers, 2);
  EXPECT_DOUBLE_EQ(dram.stats().busy_ns, read_ns + write_ns);
  EXPECT_EQ(dram.stats().Bytes(), 16512);
}

TEST(Dram, DoublingBandwidthHalvesOnlyTheBursts) {
  DramConfig fast;
  fast.peak_bandwidth_gb_s = 25.6;
  const Dram base(DramConfig{}), doubled(fast);
  const int64_t bytes = 4096;
  EXPECT_DOUBLE_EQ(base.TransferNs(bytes) - doubled.TransferNs(bytes), 64 * kBurstNs / 2);
}

TEST(Dram, RejectsNonsenseConfig) {
  DramConfig bad;
  bad.peak_bandwidth_gb_s = 0;
  EXPECT_THROW(Dram{bad}, Error);
}

}  // namespace
}  // namespace rcdnn::accel
