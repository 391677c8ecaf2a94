#include "models/precision/formats.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "common/error.h"
#include "common/parse_number.h"

namespace rcdnn::precision {

int IntegerBits(double max_abs) {
  if (!(max_abs >= 1.0)) return 0;
  return static_cast<int>(std::floor(std::log2(max_abs))) + 1;
}

accel::FixedPointFormat FormatForRange(int bits, double max_abs) {
  if (bits < 2 || bits > 32) throw Error("precision: " + std::to_string(bits) + " bits is outside [2, 32]");
  const int f = std::clamp(bits - 1 - IntegerBits(max_abs), 0, std::min(bits - 1, kMaxRangeFractionBits));
  return accel::FixedPointFormat{bits, f};
}

namespace {

int ParseInt(const std::string& item, const std::string& flag, const std::string& text) {
  const std::optional<int> value = ParseWholeInt(item);
  if (!value) throw Error("--" + flag + ": '" + item + "' in '" + text + "' is not an integer");
  return *value;
}

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    items.push_back(item);
  }
  if (!text.empty() && text.back() == ',') items.push_back("");
  return items;
}

}  // namespace

std::vector<int> ParseBitList(const std::string& text, const std::string& flag) {
  if (text.empty()) throw Error("--" + flag + " is empty: give bit widths such as 4,6,8,10,12,16");
  std::vector<int> bits;
  for (const std::string& item : SplitComma(text)) {
    const int b = ParseInt(item, flag, text);
    if (b < 2 || b > 32) throw Error("--" + flag + ": " + item + " bits is outside [2, 32]");
    if (std::find(bits.begin(), bits.end(), b) != bits.end()) {
      throw Error("--" + flag + ": " + item + " is listed twice in '" + text + "'");
    }
    bits.push_back(b);
  }
  std::sort(bits.begin(), bits.end());
  return bits;
}

accel::FixedPointFormat ParseFormat(const std::string& text, const std::string& flag) {
  std::string body = text;
  if (!body.empty() && body.front() == '<') {
    if (body.back() != '>') throw Error("--" + flag + ": '" + text + "' is not a format <n,f>");
    body = body.substr(1, body.size() - 2);
  }
  const std::vector<std::string> items = SplitComma(body);
  if (items.size() != 2) throw Error("--" + flag + ": '" + text + "' is not a format <n,f> (e.g. <16,10>)");
  const accel::FixedPointFormat format{ParseInt(items[0], flag, text), ParseInt(items[1], flag, text)};
  accel::ValidateFormat(format, "--" + flag + " " + text);
  return format;
}

PrecisionSpace::PrecisionSpace(int num_layers, std::vector<int> candidate_bits, ValueRanges ranges)
    : num_layers_(num_layers), bits_(std::move(candidate_bits)), ranges_(std::move(ranges)) {
  if (num_layers_ < 1) throw Error("precision space: the network has no conv/fc layer");
  if (bits_.empty()) throw Error("precision space: no candidate bit widths");
  for (int b : bits_) FormatForRange(b, 0.0);  // checks [2, 32]
  if (!std::is_sorted(bits_.begin(), bits_.end())) throw Error("precision space: candidate bits must ascend");
  if (static_cast<int>(ranges_.weights.size()) != num_layers_ ||
      static_cast<int>(ranges_.activations.size()) != num_layers_ + 1) {
    throw Error("precision space: " + std::to_string(ranges_.weights.size()) + " weight ranges and " +
                std::to_string(ranges_.activations.size()) + " activation ranges for " + std::to_string(num_layers_) +
                " layers (need L and L + 1)");
  }
  for (const auto* list : {&ranges_.weights, &ranges_.activations}) {
    for (double r : *list) {
      if (!std::isfinite(r) || r < 0) throw Error("precision space: a value range is negative or not finite");
    }
  }
}

void PrecisionSpace::Check(const Genome& genome) const {
  if (static_cast<int>(genome.size()) != NumGenes()) {
    throw Error("precision genome has " + std::to_string(genome.size()) + " genes, the network needs " +
                std::to_string(NumGenes()));
  }
  for (int g : genome) {
    if (g < 0 || g >= static_cast<int>(bits_.size())) {
      throw Error("precision genome: candidate index " + std::to_string(g) + " out of range");
    }
  }
}

accel::Precision PrecisionSpace::ToPrecision(const Genome& genome) const {
  Check(genome);
  accel::Precision p;
  p.input = FormatForRange(bits_[genome[num_layers_]], ranges_.activations[0]);
  for (int l = 0; l < num_layers_; ++l) {
    p.layers.push_back({FormatForRange(bits_[genome[l]], ranges_.weights[l]),
                        FormatForRange(bits_[genome[num_layers_ + 1 + l]], ranges_.activations[l + 1])});
  }
  return p;
}

Genome PrecisionSpace::Uniform(int bits) const {
  const auto it = std::find(bits_.begin(), bits_.end(), bits);
  if (it == bits_.end()) throw Error("precision space: " + std::to_string(bits) + " bits is not a candidate");
  return Genome(NumGenes(), static_cast<int>(it - bits_.begin()));
}

std::string PrecisionSpace::Label(const Genome& genome) const {
  Check(genome);
  std::string label = "w";
  for (int l = 0; l < num_layers_; ++l) label += (l ? "." : "") + std::to_string(bits_[genome[l]]);
  label += "-a";
  for (int a = 0; a <= num_layers_; ++a) label += (a ? "." : "") + std::to_string(bits_[genome[num_layers_ + a]]);
  return label;
}

accel::Precision UniformRangePrecision(int bits, const ValueRanges& ranges) {
  accel::Precision p;
  if (ranges.activations.size() != ranges.weights.size() + 1) throw Error("precision: ranges of wrong lengths");
  p.input = FormatForRange(bits, ranges.activations[0]);
  for (size_t l = 0; l < ranges.weights.size(); ++l) {
    p.layers.push_back({FormatForRange(bits, ranges.weights[l]), FormatForRange(bits, ranges.activations[l + 1])});
  }
  return p;
}

}  // namespace rcdnn::precision
