#include "benchmarks/rapl.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

namespace rcdnn::benchmarks {
namespace {

namespace fs = std::filesystem;

std::optional<uint64_t> ReadCounter(const std::string& path) {
  std::ifstream in(path);
  uint64_t value = 0;
  if (!(in >> value)) return std::nullopt;
  return value;
}

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

RaplMeter::RaplMeter(const std::string& powercap_root) {
  static const std::regex kPackageZone("(intel|amd)-rapl:[0-9]+");
  std::error_code error;
  std::vector<std::string> names;
  if (fs::is_directory(powercap_root, error)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(powercap_root, error)) {
      const std::string name = entry.path().filename().string();
      if (std::regex_match(name, kPackageZone)) names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) {
    description_ = "no RAPL package zones under " + powercap_root;
    return;
  }
  std::vector<Zone> zones;
  std::string described;
  for (const std::string& name : names) {
    const std::string dir = powercap_root + "/" + name;
    Zone zone{dir + "/energy_uj", 0};
    const std::optional<uint64_t> range = ReadCounter(dir + "/max_energy_range_uj");
    if (!ReadCounter(zone.energy_path)) {
      description_ = "RAPL zone " + name + " is present but " + zone.energy_path +
                     " is not readable (permissions?)";
      return;
    }
    zone.max_range_uj = range.value_or(0);
    zones.push_back(zone);
    const std::string label = ReadLine(dir + "/name");
    described += (described.empty() ? "" : " + ") + (label.empty() ? name : label + " (" + name + ")");
  }
  zones_ = std::move(zones);
  description_ = "RAPL " + described;
}

std::optional<std::vector<uint64_t>> RaplMeter::Read() const {
  if (zones_.empty()) return std::nullopt;
  std::vector<uint64_t> values;
  for (const Zone& zone : zones_) {
    const std::optional<uint64_t> value = ReadCounter(zone.energy_path);
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  return values;
}

double RaplMeter::DeltaUj(const std::vector<uint64_t>& before, const std::vector<uint64_t>& after) const {
  double total = 0;
  for (size_t z = 0; z < zones_.size() && z < before.size() && z < after.size(); ++z) {
    if (after[z] >= before[z]) {
      total += static_cast<double>(after[z] - before[z]);
    } else {  // wrapped once at max_energy_range_uj
      total += static_cast<double>(zones_[z].max_range_uj - before[z]) + static_cast<double>(after[z]);
    }
  }
  return total;
}

}  // namespace rcdnn::benchmarks
