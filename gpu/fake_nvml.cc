// A stand-in for libnvidia-ml.so.1 with the entry points gpu/nvml.cc uses,
// for nvml_test on machines without an NVIDIA driver. Scripted readings:
//   total energy: 5000 mJ, +1000 mJ on every read;
//   power: 250 W; clocks: SM 1980 MHz (max 1980), memory 2619 MHz;
//   driver "999.01", device "Fake GPU".
// FAKE_NVML_NO_ENERGY=1 makes the energy counter NOT_SUPPORTED (3);
// FAKE_NVML_NO_POWER=1 makes power NOT_SUPPORTED too;
// FAKE_NVML_STILL_ENERGY=1 keeps the energy counter from advancing.
#include <cstdlib>
#include <cstring>

namespace {

int DeviceToken;  // the one device's handle points here
unsigned long long energy_mj = 5000;  // NOLINT(runtime/int): NVML's type
constexpr int kSuccess = 0, kNotSupported = 3, kNotFound = 6;

bool Set(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && std::strcmp(value, "1") == 0;
}

int CopyText(const char* text, char* out, unsigned length) {
  if (std::strlen(text) + 1 > length) return 7;  // NVML_ERROR_INSUFFICIENT_SIZE
  std::strcpy(out, text);
  return kSuccess;
}

}  // namespace

extern "C" {

int nvmlInit_v2() { return kSuccess; }
int nvmlShutdown() { return kSuccess; }
const char* nvmlErrorString(int result) { return result == kSuccess ? "Success" : "Fake error"; }

int nvmlDeviceGetHandleByIndex_v2(unsigned index, void** device) {
  if (index != 0) return kNotFound;
  *device = &DeviceToken;
  return kSuccess;
}

int nvmlDeviceGetHandleByPciBusId_v2(const char* bus_id, void** device) {
  if (std::strcmp(bus_id, "0000:17:00.0") != 0) return kNotFound;
  *device = &DeviceToken;
  return kSuccess;
}

int nvmlDeviceGetTotalEnergyConsumption(void*, unsigned long long* mj) {  // NOLINT(runtime/int)
  if (Set("FAKE_NVML_NO_ENERGY")) return kNotSupported;
  *mj = energy_mj;
  if (!Set("FAKE_NVML_STILL_ENERGY")) energy_mj += 1000;
  return kSuccess;
}

int nvmlDeviceGetPowerUsage(void*, unsigned* mw) {
  if (Set("FAKE_NVML_NO_POWER")) return kNotSupported;
  *mw = 250000;
  return kSuccess;
}

int nvmlDeviceGetClockInfo(void*, int type, unsigned* mhz) {
  *mhz = type == 2 ? 2619 : 1980;
  return kSuccess;
}

int nvmlDeviceGetMaxClockInfo(void*, int type, unsigned* mhz) {
  *mhz = type == 2 ? 2619 : 1980;
  return kSuccess;
}

int nvmlSystemGetDriverVersion(char* version, unsigned length) { return CopyText("999.01", version, length); }

int nvmlDeviceGetName(void*, char* name, unsigned length) { return CopyText("Fake GPU", name, length); }

}  // extern "C"
