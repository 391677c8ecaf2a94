#include "analysis/run_config.h"

#include <nlohmann/json.hpp>

namespace rcdnn::analysis {

std::optional<std::string> RunConfigValue(const results::RunRow& run, const std::string& key) {
  // Older and hand-made runs hold other text: not JSON is "no such setting".
  const nlohmann::json config = nlohmann::json::parse(run.info.config_json, nullptr, /*allow_exceptions=*/false);
  if (!config.is_object()) return std::nullopt;
  const auto it = config.find(key);
  if (it == config.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace rcdnn::analysis
