#include "models/train/solver_config.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/parse_number.h"

namespace rcdnn::models {
namespace {

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

struct Where {
  const std::string& source;
  int line;
  [[noreturn]] void Fail(const std::string& message) const {
    throw Error(source + ":" + std::to_string(line) + ": " + message);
  }
  double Number(const std::string& key, const std::string& value) const {
    const std::optional<double> parsed = ParseWholeDouble(value);
    if (!parsed || !std::isfinite(*parsed)) Fail("'" + key + "' must be a number, got '" + value + "'");
    return *parsed;
  }
  double NonNegative(const std::string& key, const std::string& value) const {
    const double parsed = Number(key, value);
    if (parsed < 0) Fail("'" + key + "' must not be negative, got '" + value + "'");
    return parsed;
  }
  int64_t Count(const std::string& key, const std::string& value, int64_t minimum) const {
    const double parsed = Number(key, value);
    if (parsed != std::floor(parsed) || parsed < minimum || parsed > 1e12) {
      Fail("'" + key + "' must be an integer >= " + std::to_string(minimum) + ", got '" + value + "'");
    }
    return static_cast<int64_t>(parsed);
  }
};

// "key=value" tokens after a leading word, e.g. "layer ip1 bias_lr_mult=2".
std::map<std::string, std::string> KeyValues(std::istringstream& in, const Where& where) {
  std::map<std::string, std::string> values;
  for (std::string token; in >> token;) {
    const auto eq = token.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == token.size()) {
      where.Fail("expected key=value, got '" + token + "'");
    }
    if (!values.emplace(token.substr(0, eq), token.substr(eq + 1)).second) {
      where.Fail("'" + token.substr(0, eq) + "' given twice");
    }
  }
  return values;
}

}  // namespace

double SolverConfig::LearningRate(int64_t iter) const {
  if (lr_policy == "fixed") return base_lr;
  if (lr_policy == "inv") return base_lr * std::pow(1.0 + gamma * static_cast<double>(iter), -power);
  if (lr_policy == "step") return base_lr * std::pow(gamma, static_cast<double>(iter / stepsize));
  // multistep
  int passed = 0;
  for (int64_t step : stepvalues) passed += iter >= step ? 1 : 0;
  return base_lr * std::pow(gamma, passed);
}

LayerMultipliers SolverConfig::MultipliersFor(const std::string& layer_name) const {
  const auto it = layers.find(layer_name);
  return it == layers.end() ? LayerMultipliers{} : it->second;
}

ProfileSettings SolverConfig::Profile(const std::string& profile) const {
  if (profile == "paper") return ProfileSettings{};
  const auto it = profiles.find(profile);
  if (it == profiles.end()) {
    std::string known = "paper";
    for (const auto& [name, settings] : profiles) known += ", " + name;
    throw Error("unknown profile '" + profile + "' (this solver knows: " + known + ")");
  }
  return it->second;
}

SolverConfig SolverConfig::ForProfile(const std::string& profile) const {
  return Stretched(Profile(profile).iter_scale);
}

SolverConfig SolverConfig::Stretched(double scale) const {
  SolverConfig scaled = *this;
  auto scale_count = [scale](int64_t count) {
    return std::max<int64_t>(1, static_cast<int64_t>(std::llround(static_cast<double>(count) * scale)));
  };
  scaled.max_iter = scale_count(max_iter);
  if (stepsize > 0) scaled.stepsize = scale_count(stepsize);
  for (int64_t& step : scaled.stepvalues) step = scale_count(step);
  return scaled;
}

std::string SolverConfig::CanonicalText() const {
  std::ostringstream out;
  out.precision(17);
  out << "base_lr=" << base_lr << "\nmomentum=" << momentum << "\nweight_decay=" << weight_decay
      << "\nlr_policy=" << lr_policy << "\ngamma=" << gamma << "\npower=" << power << "\nstepsize=" << stepsize
      << "\nstepvalues=";
  for (size_t i = 0; i < stepvalues.size(); ++i) out << (i ? "," : "") << stepvalues[i];
  out << "\nbatch_size=" << batch_size << "\nmax_iter=" << max_iter << "\n";
  for (const auto& [name, m] : layers) {
    out << "layer " << name << " " << m.weight_lr_mult << " " << m.weight_decay_mult << " " << m.bias_lr_mult << " "
        << m.bias_decay_mult << "\n";
  }
  return out.str();
}

SolverConfig ParseSolverConfig(const std::string& text, const std::string& source_name) {
  SolverConfig config;
  std::set<std::string> seen;
  std::istringstream in(text);
  int line_number = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++line_number;
    const std::string line = Trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    const Where where{source_name, line_number};
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "layer" || first == "profile") {
      std::string name;
      if (!(words >> name) || name.find('=') != std::string::npos) where.Fail("expected '" + first + " <name> key=value ...'");
      const auto values = KeyValues(words, where);
      if (first == "layer") {
        LayerMultipliers m;
        for (const auto& [key, value] : values) {
          if (key == "weight_lr_mult") m.weight_lr_mult = static_cast<float>(where.NonNegative(key, value));
          else if (key == "weight_decay_mult") m.weight_decay_mult = static_cast<float>(where.NonNegative(key, value));
          else if (key == "bias_lr_mult") m.bias_lr_mult = static_cast<float>(where.NonNegative(key, value));
          else if (key == "bias_decay_mult") m.bias_decay_mult = static_cast<float>(where.NonNegative(key, value));
          else where.Fail("unknown layer multiplier '" + key + "'");
        }
        if (!config.layers.emplace(name, m).second) where.Fail("layer '" + name + "' given twice");
      } else {
        if (name == "paper") where.Fail("the 'paper' profile is the file's own settings and cannot be redefined");
        ProfileSettings p;
        for (const auto& [key, value] : values) {
          if (key == "iter_scale") {
            p.iter_scale = where.Number(key, value);
            if (!(p.iter_scale > 0 && p.iter_scale <= 1)) where.Fail("iter_scale must be in (0, 1]");
          } else if (key == "train_subset") {
            p.train_subset = where.Count(key, value, 1);
          } else if (key == "eval_subset") {
            p.eval_subset = where.Count(key, value, 1);
          } else {
            where.Fail("unknown profile setting '" + key + "'");
          }
        }
        if (!config.profiles.emplace(name, p).second) where.Fail("profile '" + name + "' given twice");
      }
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos) where.Fail("expected 'key = value', 'layer ...' or 'profile ...'");
    const std::string key = Trim(line.substr(0, eq));
    const std::string value = Trim(line.substr(eq + 1));
    if (value.empty()) where.Fail("'" + key + "' has no value");
    if (!seen.insert(key).second) where.Fail("'" + key + "' given twice");
    if (key == "base_lr") config.base_lr = where.NonNegative(key, value);
    else if (key == "momentum") config.momentum = where.NonNegative(key, value);
    else if (key == "weight_decay") config.weight_decay = where.NonNegative(key, value);
    else if (key == "gamma") config.gamma = where.NonNegative(key, value);
    else if (key == "power") config.power = where.NonNegative(key, value);
    else if (key == "stepsize") config.stepsize = where.Count(key, value, 1);
    else if (key == "batch_size") config.batch_size = static_cast<int>(where.Count(key, value, 1));
    else if (key == "max_iter") config.max_iter = where.Count(key, value, 1);
    else if (key == "lr_policy") {
      if (value != "fixed" && value != "inv" && value != "step" && value != "multistep") {
        where.Fail("lr_policy must be fixed, inv, step or multistep, got '" + value + "'");
      }
      config.lr_policy = value;
    } else if (key == "stepvalues") {
      std::istringstream steps(value);
      for (std::string step; std::getline(steps, step, ',');) {
        config.stepvalues.push_back(where.Count("stepvalues", Trim(step), 1));
      }
      if (!std::is_sorted(config.stepvalues.begin(), config.stepvalues.end())) where.Fail("stepvalues must increase");
    } else {
      where.Fail("unknown solver key '" + key + "'");
    }
  }
  if (config.momentum >= 1) throw Error(source_name + ": momentum must be below 1");
  if (config.lr_policy == "step" && config.stepsize <= 0) throw Error(source_name + ": lr_policy step needs stepsize");
  if (config.lr_policy == "multistep" && config.stepvalues.empty()) {
    throw Error(source_name + ": lr_policy multistep needs stepvalues");
  }
  return config;
}

SolverConfig LoadSolverConfig(const std::string& path) {
  return ParseSolverConfig(ReadFileToString(path), path);
}

}  // namespace rcdnn::models
