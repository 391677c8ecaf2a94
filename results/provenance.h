// Where a run's provenance comes from: the machine, the clock, the code
// version, and the run's identity (its key).
#pragma once

#include <string>

#include "results/store.h"

namespace rcdnn::results {

// gethostname(), or "unknown-host".
std::string Hostname();

// The "model name" line of /proc/cpuinfo, or "unknown CPU" where there is none.
std::string CpuModel();

// "<hostname> / <CPU model>", the form stored in runs.machine.
std::string MachineDescription();

// The current time as "YYYY-MM-DDTHH:MM:SSZ".
std::string NowIso8601Utc();

// A RunInfo with machine, code_version (rcdnn::CodeVersion()) and started_at filled in; the caller
// adds target, profile, data set, seed, threads, config and run_key.
RunInfo CurrentMachineInfo();

// A run's identity: lowercase hex SHA-256 over the code version, the target
// label and the canonical config text (each length-prefixed, so no two
// different triples hash the same bytes). The config text must already be
// canonical (e.g. JSON with sorted keys, no insignificant whitespace) and
// hold everything that changes the result: profile, data set, seed, ...
std::string RunKey(const std::string& code_version, const std::string& target,
                   const std::string& canonical_config);

}  // namespace rcdnn::results
