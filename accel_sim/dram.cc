#include "accel_sim/dram.h"

#include "common/error.h"

namespace rcdnn::accel {

void DramStats::Add(const DramStats& other, int64_t times) {
  read_bytes += other.read_bytes * times;
  write_bytes += other.write_bytes * times;
  bursts += other.bursts * times;
  row_activations += other.row_activations * times;
  transfers += other.transfers * times;
  busy_ns += other.busy_ns * static_cast<double>(times);
}

Dram::Dram(const DramConfig& config) : config_(config) {
  if (!(config_.peak_bandwidth_gb_s > 0) || !(config_.tck_ns > 0) || config_.burst_bytes <= 0 ||
      config_.row_bytes < config_.burst_bytes) {
    throw Error("dram: bandwidth, tCK and burst size must be positive and a row must hold a burst");
  }
}

static int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

double Dram::TransferNs(int64_t bytes) const {
  if (bytes <= 0) return 0.0;
  const int64_t bursts = CeilDiv(bytes, config_.burst_bytes);
  const int64_t rows = CeilDiv(bursts * config_.burst_bytes, config_.row_bytes);
  const double row_miss_ns = (config_.trp_cycles + config_.trcd_cycles) * config_.tck_ns;
  return rows * row_miss_ns + config_.cl_cycles * config_.tck_ns + bursts * BurstNs();
}

double Dram::Transfer(int64_t bytes, bool write) {
  if (bytes <= 0) return 0.0;
  const int64_t bursts = CeilDiv(bytes, config_.burst_bytes);
  const double ns = TransferNs(bytes);
  (write ? stats_.write_bytes : stats_.read_bytes) += bursts * config_.burst_bytes;
  stats_.bursts += bursts;
  stats_.row_activations += CeilDiv(bursts * config_.burst_bytes, config_.row_bytes);
  ++stats_.transfers;
  stats_.busy_ns += ns;
  return ns;
}

double Dram::Read(int64_t bytes) { return Transfer(bytes, false); }
double Dram::Write(int64_t bytes) { return Transfer(bytes, true); }

}  // namespace rcdnn::accel
