// GPU energy and platform facts from NVML (the driver's management library),
// loaded at run time with dlopen: no NVML headers or link-time library are
// needed (this machine's CUDA install has neither), and a machine without the
// NVIDIA driver simply reports NVML as unavailable.
//
// Energy, in order of preference:
//  1. nvmlDeviceGetTotalEnergyConsumption: the board's energy counter (mJ
//     since the driver loaded; Volta and newer). Energy of a workload = counter
//     after - counter before. The counter updates every few tens of ms, so
//     the workload must run for a second or more (energy_seconds).
//  2. nvmlDeviceGetPowerUsage sampled every `sample_ms` by a second thread
//     while the workload runs: mean power x wall time. Labelled as sampling.
//  3. Neither: not measured (nullopt), never estimated.
// Both cover the whole board (idle and memory power included), as the
// paper's TX1 board measurement did.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace rcdnn::gpu {

class Nvml {
 public:
  static constexpr char kLibrary[] = "libnvidia-ml.so.1";
  static constexpr int kClockGraphics = 0, kClockSm = 1, kClockMemory = 2;  // nvmlClockType_t

  // Loads `library`, initialises NVML and opens the device whose PCI bus id
  // is `pci_bus_id` (as cudaDeviceGetPCIBusId gives it), else device 0.
  // Never throws: failures leave available() false with a reason.
  explicit Nvml(const std::string& pci_bus_id, const std::string& library = kLibrary);
  ~Nvml();
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  bool available() const { return device_ != nullptr; }
  const std::string& reason() const { return reason_; }        // why not available
  const std::string& device_match() const { return match_; }  // how the device was found

  std::optional<uint64_t> TotalEnergyMj() const;
  std::optional<double> PowerWatts() const;
  std::optional<unsigned> ClockMhz(int clock_type) const;     // current
  std::optional<unsigned> MaxClockMhz(int clock_type) const;
  std::string DriverVersion() const;  // "" when unknown
  std::string DeviceName() const;     // "" when unknown

 private:
  struct Api;
  void* library_ = nullptr;
  Api* api_ = nullptr;
  void* device_ = nullptr;  // nvmlDevice_t
  bool initialised_ = false;
  std::string reason_, match_;
};

struct EnergyResult {
  std::optional<double> uj_per_image;
  std::string source;  // what the number is, or why there is none
  std::string key;     // "nvml-energy-counter" | "nvml-power-sampling" | ""
};

// Runs `run` once (it returns the number of images it processed) under the
// best meter `nvml` offers, as described above.
EnergyResult MeasureEnergy(const Nvml& nvml, const std::function<int64_t()>& run, int sample_ms = 20);

}  // namespace rcdnn::gpu
