// One setting of a run's configuration, as its tool recorded it: the tools
// write `config_json` as a JSON object of strings (e.g. the platform timers'
// "energy_source", "platform.cpu_model").
#pragma once

#include <optional>
#include <string>

#include "results/store.h"

namespace rcdnn::analysis {

// The string value of top-level `key` in the run's config_json; nothing when
// the config is not a JSON object, lacks the key, or holds a non-string there.
std::optional<std::string> RunConfigValue(const results::RunRow& run, const std::string& key);

}  // namespace rcdnn::analysis
