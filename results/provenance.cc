#include "results/provenance.h"

#include <unistd.h>

#include <ctime>
#include <fstream>

#include "common/code_version.h"
#include "common/sha256.h"

namespace rcdnn::results {

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "unknown-host";
  return name;
}

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    if (start != std::string::npos) return line.substr(start);
  }
  return "unknown CPU";
}

std::string MachineDescription() { return Hostname() + " / " + CpuModel(); }

std::string NowIso8601Utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

RunInfo CurrentMachineInfo() {
  RunInfo info;
  info.machine = MachineDescription();
  info.code_version = CodeVersion();
  info.started_at = NowIso8601Utc();
  return info;
}

std::string RunKey(const std::string& code_version, const std::string& target,
                   const std::string& canonical_config) {
  Sha256 hasher;
  hasher.Update("rcdnn-run-key-v1\n");
  for (const std::string* part : {&code_version, &target, &canonical_config}) {
    hasher.Update(std::to_string(part->size()) + ":");
    hasher.Update(*part);
  }
  return hasher.HexDigest();
}

}  // namespace rcdnn::results
