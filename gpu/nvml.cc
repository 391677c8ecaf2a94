#include "gpu/nvml.h"

#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace rcdnn::gpu {
namespace {

// The few NVML entry points used, with nvml.h's C signatures (nvmlReturn_t
// is a C enum: int; nvmlDevice_t an opaque pointer; NVML_SUCCESS is 0).
using Return = int;
using Device = void*;
constexpr Return kSuccess = 0;

}  // namespace

struct Nvml::Api {
  Return (*init)() = nullptr;
  Return (*shutdown)() = nullptr;
  const char* (*error_string)(Return) = nullptr;
  Return (*by_index)(unsigned, Device*) = nullptr;
  Return (*by_pci_bus_id)(const char*, Device*) = nullptr;
  Return (*total_energy)(Device, unsigned long long*) = nullptr;  // NOLINT(runtime/int): NVML's type
  Return (*power_usage)(Device, unsigned*) = nullptr;
  Return (*clock_info)(Device, int, unsigned*) = nullptr;
  Return (*max_clock_info)(Device, int, unsigned*) = nullptr;
  Return (*driver_version)(char*, unsigned) = nullptr;
  Return (*device_name)(Device, char*, unsigned) = nullptr;
};

namespace {

template <typename F>
bool Bind(void* library, const char* name, F* function) {
  *function = reinterpret_cast<F>(dlsym(library, name));
  return *function != nullptr;
}

}  // namespace

Nvml::Nvml(const std::string& pci_bus_id, const std::string& library) {
  library_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) {
    const char* why = dlerror();
    reason_ = "cannot load " + library + " (no NVIDIA driver?): " + (why ? why : "unknown error");
    return;
  }
  api_ = new Api;
  Api& a = *api_;
  const bool required = Bind(library_, "nvmlInit_v2", &a.init) && Bind(library_, "nvmlShutdown", &a.shutdown) &&
                        Bind(library_, "nvmlDeviceGetHandleByIndex_v2", &a.by_index);
  if (!required) {
    reason_ = library + " lacks nvmlInit_v2, nvmlShutdown or nvmlDeviceGetHandleByIndex_v2";
    return;
  }
  // Optional: each missing one only makes its query unavailable.
  Bind(library_, "nvmlErrorString", &a.error_string);
  Bind(library_, "nvmlDeviceGetHandleByPciBusId_v2", &a.by_pci_bus_id);
  Bind(library_, "nvmlDeviceGetTotalEnergyConsumption", &a.total_energy);
  Bind(library_, "nvmlDeviceGetPowerUsage", &a.power_usage);
  Bind(library_, "nvmlDeviceGetClockInfo", &a.clock_info);
  Bind(library_, "nvmlDeviceGetMaxClockInfo", &a.max_clock_info);
  Bind(library_, "nvmlSystemGetDriverVersion", &a.driver_version);
  Bind(library_, "nvmlDeviceGetName", &a.device_name);
  const Return init = a.init();
  if (init != kSuccess) {
    reason_ = std::string("nvmlInit_v2 failed: ") + (a.error_string ? a.error_string(init) : std::to_string(init));
    return;
  }
  initialised_ = true;
  Device device = nullptr;
  if (!pci_bus_id.empty() && a.by_pci_bus_id != nullptr && a.by_pci_bus_id(pci_bus_id.c_str(), &device) == kSuccess) {
    match_ = "PCI bus id " + pci_bus_id;
  } else if (a.by_index(0, &device) == kSuccess) {
    match_ = pci_bus_id.empty() ? "NVML device 0" : "NVML device 0 (PCI bus id " + pci_bus_id + " not matched)";
  } else {
    reason_ = "NVML found no device";
    return;
  }
  device_ = device;
}

Nvml::~Nvml() {
  if (initialised_) api_->shutdown();
  delete api_;
  if (library_ != nullptr) dlclose(library_);
}

std::optional<uint64_t> Nvml::TotalEnergyMj() const {
  unsigned long long mj = 0;  // NOLINT(runtime/int): NVML's type
  if (!available() || api_->total_energy == nullptr || api_->total_energy(device_, &mj) != kSuccess) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(mj);
}

std::optional<double> Nvml::PowerWatts() const {
  unsigned mw = 0;
  if (!available() || api_->power_usage == nullptr || api_->power_usage(device_, &mw) != kSuccess) {
    return std::nullopt;
  }
  return mw / 1000.0;
}

std::optional<unsigned> Nvml::ClockMhz(int clock_type) const {
  unsigned mhz = 0;
  if (!available() || api_->clock_info == nullptr || api_->clock_info(device_, clock_type, &mhz) != kSuccess) {
    return std::nullopt;
  }
  return mhz;
}

std::optional<unsigned> Nvml::MaxClockMhz(int clock_type) const {
  unsigned mhz = 0;
  if (!available() || api_->max_clock_info == nullptr ||
      api_->max_clock_info(device_, clock_type, &mhz) != kSuccess) {
    return std::nullopt;
  }
  return mhz;
}

std::string Nvml::DriverVersion() const {
  char text[96] = {};
  if (!initialised_ || api_->driver_version == nullptr || api_->driver_version(text, sizeof(text)) != kSuccess) {
    return "";
  }
  return text;
}

std::string Nvml::DeviceName() const {
  char text[96] = {};
  if (!available() || api_->device_name == nullptr || api_->device_name(device_, text, sizeof(text)) != kSuccess) {
    return "";
  }
  return text;
}

EnergyResult MeasureEnergy(const Nvml& nvml, const std::function<int64_t()>& run, int sample_ms) {
  using Clock = std::chrono::steady_clock;
  EnergyResult result;
  if (!nvml.available()) {
    result.source = nvml.reason();
    run();
    return result;
  }
  if (const std::optional<uint64_t> before = nvml.TotalEnergyMj()) {
    const int64_t images = run();
    const std::optional<uint64_t> after = nvml.TotalEnergyMj();
    if (!after || images <= 0) {
      result.source = "NVML total energy counter could not be read after the run";
    } else if (*after <= *before) {
      // The counter updates every few tens of ms: a still counter is a window
      // too short to meter, not a run that cost nothing.
      result.source = "NVML total energy counter did not advance over the run (" + std::to_string(images) +
                      " images); run longer (--energy-seconds) to meter it";
    } else {
      result.uj_per_image = static_cast<double>(*after - *before) * 1000.0 / static_cast<double>(images);
      result.source = "NVML total energy counter (nvmlDeviceGetTotalEnergyConsumption), whole board";
      result.key = "nvml-energy-counter";
    }
    return result;
  }
  if (!nvml.PowerWatts()) {
    result.source = "NVML reports neither a total energy counter nor power on this device";
    run();
    return result;
  }
  // Sampling thread: power readings until the run ends.
  std::atomic<bool> done{false};
  double watts_sum = 0;
  int64_t samples = 0;
  std::thread sampler([&] {
    while (!done.load()) {
      if (const std::optional<double> watts = nvml.PowerWatts()) {
        watts_sum += *watts;
        ++samples;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(sample_ms));
    }
  });
  const Clock::time_point start = Clock::now();
  int64_t images = 0;
  try {
    images = run();
  } catch (...) {
    done = true;
    sampler.join();
    throw;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  sampler.join();
  if (samples > 0 && images > 0) {
    result.uj_per_image = watts_sum / static_cast<double>(samples) * seconds * 1e6 / static_cast<double>(images);
    result.source = "NVML power sampled every " + std::to_string(sample_ms) +
                    " ms (nvmlDeviceGetPowerUsage; mean power x time), whole board; no energy counter on this device";
    result.key = "nvml-power-sampling";
  } else {
    result.source = "NVML power could not be sampled during the run";
  }
  return result;
}

}  // namespace rcdnn::gpu
