// A fake powercap tree for tests: one package zone (intel-rapl:0) whose
// energy_uj counter either stays put or, while a FakeRaplZone is advancing,
// grows by 1000 uJ every millisecond. Each new value replaces the file whole
// (write, then rename), so a reader never sees half a number.
//
//   FakeRaplZone zone(dir, 123456);   // dir/intel-rapl:0/{name,energy_uj,max_energy_range_uj}
//   zone.StartAdvancing();            // a thread moves the counter until the zone is destroyed
//   ... MeasureCpu(..., options with powercap_root = dir) ...
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace rcdnn::benchmarks {

class FakeRaplZone {
 public:
  FakeRaplZone(const std::string& powercap_root, uint64_t initial_uj);
  ~FakeRaplZone();
  FakeRaplZone(const FakeRaplZone&) = delete;
  FakeRaplZone& operator=(const FakeRaplZone&) = delete;

  void StartAdvancing();

 private:
  std::string counter_path_;
  uint64_t initial_uj_;
  std::atomic<bool> stop_{false};
  std::thread advancer_;
};

}  // namespace rcdnn::benchmarks
