// What one forward pass of a sub-network costs: energy (and time where known)
// per increment, either measured (a file from the accelerator simulator or a
// CPU/GPU measurement, the paper's Tables 4 and 5) or, when none is given,
// the sub-network's multiply-accumulates relative to the full network's
// ("relative MACs", used for both energy and time). Every report names the
// cost model it used (CostModel::description).
//
// Cost file format (CSV; '#' comments and blank lines allowed):
//
//   increment,energy_uj,time_us
//   1,5.59,4.61
//   2,17.48,14.43
//
// The time column may be left out of the header (then the model has no
// time). Increments must be exactly 1..N for the model's N increments;
// energies and times must be finite and > 0.
#pragma once

#include <string>
#include <vector>

#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models::runtime {

struct CostModel {
  std::string description;  // "relative MACs (spec lenet)" or "measured (<path>)"
  bool relative_macs = false;
  std::vector<Widths> widths;  // one entry per sub-network it can price
  std::vector<double> energy;  // energy_uj, or relative MACs
  std::vector<double> time;    // time_us, or relative MACs; empty when unknown

  bool HasTime() const { return !time.empty(); }
  const char* EnergyUnit() const { return relative_macs ? "relative MACs" : "uJ"; }
  const char* TimeUnit() const { return relative_macs ? "relative MACs" : "us"; }
  // Store metric names carry the unit: energy_uj / time_us, or relative_macs.
  std::string EnergyMetricName() const { return relative_macs ? "relative_macs" : "energy_uj"; }
  std::string TimeMetricName() const { return relative_macs ? "relative_macs" : "time_us"; }

  // Index of `w`, or -1.
  int Find(const Widths& w) const;
  // Throw rcdnn::Error naming the width when the model cannot price it.
  double EnergyOf(const Widths& w) const;
  double TimeOf(const Widths& w) const;  // also throws when there is no time
};

// MACs(w) / MACs(full width) for each of `widths` (energy and time alike).
CostModel RelativeMacsCost(const NetSpec& spec, const std::vector<Widths>& widths);

// Relative MACs of the uniform fraction f in (0, 1] (for the Eq. 1 sweep).
double RelativeMacsOfFraction(const NetSpec& spec, double fraction);

// Reuse (opportunistic.h Reuse::kReuse): the share of sub-network `below`'s
// multiply-accumulates whose results stay valid when the hardware widens it
// to `above` (each width of `below` <= `above`'s). Incremental training keeps
// every weight of the smaller increment but trains the new channels' weights
// into the old channels too (Algorithm 1 connects each new channel "to all
// channels in the layers ahead and behind"), so only two results survive:
// the first sliced layer's old output channels (their inputs are the image)
// and the second sliced layer's old-to-old partial sums (their inputs are
// those channels); every later layer's old channels see changed inputs and
// are recomputed. The share prices reuse in `below`'s cost at its average
// cost per MAC. Throws rcdnn::Error when `below` is wider than `above`.
double ReusableShare(const NetSpec& spec, const Widths& below, const Widths& above);
double ReusableShareOfFractions(const NetSpec& spec, double below, double above);

// Parses a cost file for a model whose increment i (1-based) has width
// increment_widths[i - 1]. Throws rcdnn::Error "<source>:<line>: ..." for a
// malformed line, a bad header, an increment outside 1..N or given twice, a
// non-positive or non-finite value; "<source> ..." when it is empty or lacks
// an increment.
CostModel ParseCostFile(const std::string& text, const std::string& source_name,
                        const std::vector<Widths>& increment_widths);
CostModel ReadCostFile(const std::string& path, const std::vector<Widths>& increment_widths);

}  // namespace rcdnn::models::runtime
