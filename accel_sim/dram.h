// One off-chip DDR3 channel (the paper's "off-chip DDR3 DRAM", §5.1), modelled
// per transfer, not per command.
//
// Contract: a transfer moves `bytes` contiguous bytes that start at a row
// boundary with the bank precharged or holding another row (a row miss):
//   time = rows * (tRP + tRCD) + CL + bursts * burst_time
//   rows = ceil(bursts * burst_bytes / row_bytes), bursts = ceil(bytes / burst_bytes)
//   burst_time = burst_bytes / peak bandwidth (5 ns for 64 B at 12.8 GB/s)
// Rows are opened one after another (no bank-level overlap) and writes are
// timed like reads: a conservative, simple model (README, fidelity). Bytes
// are counted at burst granularity: what crosses the pins.
#pragma once

#include <cstdint>

namespace rcdnn::accel {

struct DramConfig {
  double peak_bandwidth_gb_s = 12.8;  // DDR3-1600, 64-bit channel
  double tck_ns = 1.25;               // 800 MHz I/O clock
  int cl_cycles = 11;                 // CAS latency
  int trcd_cycles = 11;               // activate to read
  int trp_cycles = 11;                // precharge
  int burst_bytes = 64;               // BL8 x 8 bytes
  int row_bytes = 8192;               // 1 KB page x 8 devices
  double energy_pj_per_bit = 70.0;    // I/O + core, an estimate (tech file)
};

struct DramStats {
  int64_t read_bytes = 0;
  int64_t write_bytes = 0;
  int64_t bursts = 0;
  int64_t row_activations = 0;
  int64_t transfers = 0;
  double busy_ns = 0;
  int64_t Bytes() const { return read_bytes + write_bytes; }
  void Add(const DramStats& other, int64_t times = 1);
};

class Dram {
 public:
  explicit Dram(const DramConfig& config);

  const DramConfig& config() const { return config_; }
  double BurstNs() const { return config_.burst_bytes / config_.peak_bandwidth_gb_s; }
  // Time of one transfer of `bytes` (0 for 0 bytes); counts nothing.
  double TransferNs(int64_t bytes) const;
  // Perform a transfer: returns its time in ns and counts it.
  double Read(int64_t bytes);
  double Write(int64_t bytes);

  const DramStats& stats() const { return stats_; }
  void ResetStats() { stats_ = DramStats(); }

 private:
  double Transfer(int64_t bytes, bool write);
  DramConfig config_;
  DramStats stats_;
};

}  // namespace rcdnn::accel
