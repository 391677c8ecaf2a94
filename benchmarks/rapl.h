// CPU package energy from the Linux powercap interface (RAPL counters), where
// the kernel exposes it and this process may read it.
//
// Zones read: the top-level package zones of the powercap root,
// "intel-rapl:<N>" or "amd-rapl:<N>" (AMD Zen packages appear under the
// intel-rapl driver on most kernels). Their sub-zones (cores, dram) are parts
// of a package and are not added again. Each zone's `energy_uj` is a
// free-running counter that wraps at `max_energy_range_uj`; Delta() corrects
// one wrap per zone, so reads must be closer together than a wrap (minutes).
//
// What it measures: the whole package (every core, the uncore, idle power and
// other processes), not only the timed code. There is no fallback estimate:
// where no zone is readable, available() is false and callers report the
// energy as NOT MEASURED.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rcdnn::benchmarks {

inline constexpr char kDefaultPowercapRoot[] = "/sys/class/powercap";

class RaplMeter {
 public:
  // Looks for package zones under `powercap_root` (a parameter so that tests
  // can point it at a fake tree); never throws.
  explicit RaplMeter(const std::string& powercap_root = kDefaultPowercapRoot);

  bool available() const { return !zones_.empty(); }
  // "RAPL package-0 (intel-rapl:0)", or why energy is not measured:
  // "no RAPL zones under /sys/class/powercap".
  const std::string& description() const { return description_; }

  // One counter value (uJ) per zone; nullopt when unavailable or a read fails.
  std::optional<std::vector<uint64_t>> Read() const;

  // Energy (uJ) summed over zones between two Read()s, one wrap corrected.
  double DeltaUj(const std::vector<uint64_t>& before, const std::vector<uint64_t>& after) const;

 private:
  struct Zone {
    std::string energy_path;  // <zone>/energy_uj
    uint64_t max_range_uj = 0;
  };
  std::vector<Zone> zones_;
  std::string description_;
};

}  // namespace rcdnn::benchmarks
