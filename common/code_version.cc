#include "common/code_version.h"

#include <cstdlib>

#include "common/error.h"
#include "common/sha256.h"

namespace rcdnn {

std::string ExecutableVersion(const std::string& executable_path) {
  return "exe-sha256:" + Sha256OfFile(executable_path).substr(0, 16);
}

std::string CodeVersion() {
  const char* version = std::getenv("RCDNN_CODE_VERSION");
  if (version != nullptr && version[0] != '\0') return version;
  // The executable does not change while it runs: hash it once.
  static const std::string kOwnVersion = [] {
    try {
      return ExecutableVersion("/proc/self/exe");
    } catch (const Error&) {
      return std::string("unknown");
    }
  }();
  return kOwnVersion;
}

}  // namespace rcdnn
