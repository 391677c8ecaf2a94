// DyVEDeep's three effort knobs as one setting, and their text form.
//
// Every knob is off (std::nullopt) or on with a dimensionless threshold:
//
//   sat=T      saturation prediction and early termination (neuron level).
//              A conv/fc neuron whose output only reaches the network through
//              a ReLU accumulates its first `check` fraction of inputs, then
//              stops (output 0) when  partial + T * bound < 0, where
//              bound = L1(remaining weights) * max|remaining inputs| bounds
//              what the rest of the sum can add. T >= 1: only provably
//              negative neurons stop (exact up to float rounding); T = 0: the
//              sign of the partial sum decides.
//   check=F    the fraction of inputs accumulated before the check, (0, 1];
//              0.5 when absent. Only with sat.
//   sample=T   significance-driven selective sampling (feature level), T in
//              [0, 1]: a conv layer computes its outputs on the even-even
//              grid; an off-grid output whose 2 or 4 grid neighbours span at
//              most T x (range of that output channel's grid values) is their
//              mean instead of being computed.
//   sim=T      similarity-based feature-map approximation (layer level), T in
//              [0, 1]: an input channel of a conv layer whose max - min is at
//              most T x (max - min of the whole layer input) is replaced by
//              its mean, so its contribution is mean x kernel sum.
//
// Text: "off", or comma-separated key=value pairs, e.g. "sat=0.5,check=0.25,sim=0.05".
// A list of settings is separated by ';'.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rcdnn::models::dyvedeep {

struct KnobSettings {
  std::optional<double> saturation;  // threshold T >= 0
  double saturation_check = 0.5;     // fraction of inputs before the check, (0, 1]
  std::optional<double> sampling;    // threshold in [0, 1]
  std::optional<double> similarity;  // threshold in [0, 1]

  bool AllOff() const { return !saturation && !sampling && !similarity; }
  // Short readable label: "off", "sat0.5", "sat0.5@0.25+sample0.1+sim0.05".
  std::string Label() const;
};

// Throws rcdnn::Error naming the offending key or value and the accepted syntax.
void ValidateKnobSettings(const KnobSettings& settings);

// Parses one setting ("off" or key=value pairs). Throws rcdnn::Error.
KnobSettings ParseKnobSettings(const std::string& text);

// Parses a ';'-separated list; labels must be unique. Throws rcdnn::Error.
std::vector<KnobSettings> ParseKnobSettingsList(const std::string& text);

// The default sweep, off to aggressive, each knob alone then combined.
const char* DefaultSweepText();

}  // namespace rcdnn::models::dyvedeep
