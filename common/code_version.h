// Which code produced a result: recorded with every run and in every model
// file, and part of each run's identity (results::RunKey).
#pragma once

#include <string>

namespace rcdnn {

// RCDNN_CODE_VERSION when it is set and non-empty (a release or a CI job may
// name its commit this way); otherwise "exe-sha256:" and the first 16 hex
// digits of the SHA-256 of the running executable, or "unknown" where the
// executable cannot be read.
//
// Why the executable's digest and not the git commit: experiments are cached
// Bazel actions, and any input that changes on every commit would make every
// commit retrain every model. The tool binary changes exactly when its code
// (or the build flags) change, which is exactly when Bazel reruns the action,
// so the digest names the code without costing a cache hit.
std::string CodeVersion();

// The digest part alone, for a given file: "exe-sha256:" + 16 hex digits.
// Throws rcdnn::Error naming the file if it cannot be read.
std::string ExecutableVersion(const std::string& executable_path);

}  // namespace rcdnn
