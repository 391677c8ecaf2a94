#include "benchmarks/fake_rapl_zone.h"

#include <chrono>
#include <filesystem>
#include <fstream>

namespace rcdnn::benchmarks {

FakeRaplZone::FakeRaplZone(const std::string& powercap_root, uint64_t initial_uj)
    : counter_path_(powercap_root + "/intel-rapl:0/energy_uj"), initial_uj_(initial_uj) {
  std::filesystem::create_directories(powercap_root + "/intel-rapl:0");
  std::ofstream(powercap_root + "/intel-rapl:0/name") << "package-0\n";
  std::ofstream(powercap_root + "/intel-rapl:0/max_energy_range_uj") << "262143328850\n";
  std::ofstream(counter_path_) << initial_uj << "\n";
}

FakeRaplZone::~FakeRaplZone() {
  stop_ = true;
  if (advancer_.joinable()) advancer_.join();
}

void FakeRaplZone::StartAdvancing() {
  advancer_ = std::thread([this] {
    const std::string next = counter_path_ + ".next";
    for (uint64_t uj = initial_uj_ + 1000; !stop_; uj += 1000) {
      std::ofstream(next) << uj << "\n";
      std::filesystem::rename(next, counter_path_);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
}

}  // namespace rcdnn::benchmarks
