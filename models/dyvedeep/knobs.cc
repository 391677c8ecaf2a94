#include "models/dyvedeep/knobs.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "common/error.h"

namespace rcdnn::models::dyvedeep {
namespace {

constexpr const char* kSyntax =
    "expected 'off' or comma-separated sat=T, check=F, sample=T, sim=T (e.g. 'sat=0.5,check=0.25,sim=0.05')";

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\n") - begin + 1);
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    const size_t end = text.find(separator, begin);
    parts.push_back(Trim(text.substr(begin, end == std::string::npos ? std::string::npos : end - begin)));
    if (end == std::string::npos) return parts;
    begin = end + 1;
  }
}

double ParseNumber(const std::string& value, const std::string& key, const std::string& setting) {
  errno = 0;
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || errno != 0 || !std::isfinite(number)) {
    throw Error("knob setting '" + setting + "': value '" + value + "' of '" + key + "' is not a number (" +
                kSyntax + ")");
  }
  return number;
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g", value);
  return text;
}

}  // namespace

std::string KnobSettings::Label() const {
  if (AllOff()) return "off";
  std::string label;
  auto add = [&label](const std::string& part) { label += (label.empty() ? "" : "+") + part; };
  if (saturation) add("sat" + Number(*saturation) + (saturation_check != 0.5 ? "@" + Number(saturation_check) : ""));
  if (sampling) add("sample" + Number(*sampling));
  if (similarity) add("sim" + Number(*similarity));
  return label;
}

void ValidateKnobSettings(const KnobSettings& s) {
  const std::string label = s.Label();
  if (s.saturation && !(*s.saturation >= 0)) {
    throw Error("knob setting '" + label + "': sat threshold " + Number(*s.saturation) + " must be >= 0");
  }
  if (!(s.saturation_check > 0 && s.saturation_check <= 1)) {
    throw Error("knob setting '" + label + "': check fraction " + Number(s.saturation_check) + " must be in (0, 1]");
  }
  if (s.sampling && !(*s.sampling >= 0 && *s.sampling <= 1)) {
    throw Error("knob setting '" + label + "': sample threshold " + Number(*s.sampling) + " must be in [0, 1]");
  }
  if (s.similarity && !(*s.similarity >= 0 && *s.similarity <= 1)) {
    throw Error("knob setting '" + label + "': sim threshold " + Number(*s.similarity) + " must be in [0, 1]");
  }
}

KnobSettings ParseKnobSettings(const std::string& raw) {
  const std::string text = Trim(raw);
  KnobSettings settings;
  if (text == "off") return settings;
  if (text.empty()) throw Error(std::string("empty knob setting (") + kSyntax + ")");
  std::set<std::string> seen;
  bool check_given = false;
  for (const std::string& pair : Split(text, ',')) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos) {
      throw Error("knob setting '" + text + "': '" + pair + "' is not key=value (" + kSyntax + ")");
    }
    const std::string key = Trim(pair.substr(0, eq)), value = Trim(pair.substr(eq + 1));
    if (!seen.insert(key).second) throw Error("knob setting '" + text + "': key '" + key + "' given twice");
    const double number = ParseNumber(value, key, text);
    if (key == "sat") {
      settings.saturation = number;
    } else if (key == "check") {
      settings.saturation_check = number;
      check_given = true;
    } else if (key == "sample") {
      settings.sampling = number;
    } else if (key == "sim") {
      settings.similarity = number;
    } else {
      throw Error("knob setting '" + text + "': unknown key '" + key + "' (" + kSyntax + ")");
    }
  }
  if (check_given && !settings.saturation) {
    throw Error("knob setting '" + text + "': 'check' needs 'sat' (it is the saturation knob's checkpoint)");
  }
  ValidateKnobSettings(settings);
  return settings;
}

std::vector<KnobSettings> ParseKnobSettingsList(const std::string& text) {
  std::vector<KnobSettings> list;
  std::set<std::string> labels;
  for (const std::string& part : Split(text, ';')) {
    if (part.empty()) continue;  // tolerate a trailing ';'
    KnobSettings settings = ParseKnobSettings(part);
    if (!labels.insert(settings.Label()).second) {
      throw Error("knob settings list: setting '" + settings.Label() + "' appears twice");
    }
    list.push_back(settings);
  }
  if (list.empty()) throw Error(std::string("knob settings list '") + text + "' is empty (" + kSyntax + ")");
  return list;
}

const char* DefaultSweepText() {
  return "off;"
         "sat=1;sat=0.3;sat=0;"
         "sample=0.05;sample=0.2;"
         "sim=0.05;sim=0.2;"
         "sat=0.3,sample=0.05,sim=0.05;"
         "sat=0,sample=0.2,sim=0.2";
}

}  // namespace rcdnn::models::dyvedeep
