#include "models/runtime/cost_model.h"

#include <cmath>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "models/runtime/parse_util.h"

namespace rcdnn::models::runtime {

int CostModel::Find(const Widths& w) const {
  for (size_t i = 0; i < widths.size(); ++i) {
    if (widths[i] == w) return static_cast<int>(i);
  }
  return -1;
}

double CostModel::EnergyOf(const Widths& w) const {
  const int i = Find(w);
  if (i < 0) {
    throw Error("cost model " + description + " has no entry for width " + WidthsToString(w) +
                " (a measured cost file prices the model's increments only)");
  }
  return energy[i];
}

double CostModel::TimeOf(const Widths& w) const {
  if (!HasTime()) throw Error("cost model " + description + " has no time column (time_us)");
  const int i = Find(w);
  if (i < 0) throw Error("cost model " + description + " has no entry for width " + WidthsToString(w));
  return time[i];
}

CostModel RelativeMacsCost(const NetSpec& spec, const std::vector<Widths>& widths) {
  CostModel cost;
  cost.description = "relative MACs (spec " + spec.name + ")";
  cost.relative_macs = true;
  const double full = static_cast<double>(TotalMacs(InferShapes(spec, FullWidths(spec))));
  for (const Widths& w : widths) {
    ValidateWidths(spec, w);
    const double relative = static_cast<double>(TotalMacs(InferShapes(spec, w))) / full;
    cost.widths.push_back(w);
    cost.energy.push_back(relative);
    cost.time.push_back(relative);
  }
  return cost;
}

double RelativeMacsOfFraction(const NetSpec& spec, double fraction) {
  return RelativeMacsCost(spec, {UniformWidths(spec, fraction)}).energy[0];
}

double ReusableShare(const NetSpec& spec, const Widths& below, const Widths& above) {
  ValidateWidths(spec, below);
  ValidateWidths(spec, above);
  for (size_t j = 0; j < below.size(); ++j) {
    if (below[j] > above[j]) {
      throw Error("reuse: width " + WidthsToString(below) + " is not inside " + WidthsToString(above));
    }
  }
  const std::vector<LayerShape> shapes = InferShapes(spec, below);
  const int64_t total = TotalMacs(shapes);
  if (total <= 0) return 0;
  // What `below` computed in its first two sliced layers is exactly the first
  // layer's old channels and the second layer's old-from-old partial sums.
  const std::vector<int> sliced = spec.SlicedLayerIndices();
  int64_t reusable = 0;
  for (size_t j = 0; j < sliced.size() && j < 2; ++j) reusable += shapes[sliced[j]].macs;
  return static_cast<double>(reusable) / static_cast<double>(total);
}

double ReusableShareOfFractions(const NetSpec& spec, double below, double above) {
  return ReusableShare(spec, UniformWidths(spec, below), UniformWidths(spec, above));
}

CostModel ParseCostFile(const std::string& text, const std::string& source_name,
                        const std::vector<Widths>& increment_widths) {
  const int n = static_cast<int>(increment_widths.size());
  if (n == 0) throw Error("cost file " + source_name + ": the model has no increments to price");
  CostModel cost;
  cost.description = "measured (" + source_name + ")";
  cost.widths = increment_widths;
  std::vector<double> energy(n, -1.0), time(n, -1.0);
  std::istringstream in(text);
  std::string raw;
  int line_number = 0;
  int columns = 0;  // 2 or 3 once the header is read
  while (std::getline(in, raw)) {
    ++line_number;
    const std::string line = StripLine(raw);
    if (line.empty()) continue;
    const std::string where = source_name + ":" + std::to_string(line_number);
    std::vector<std::string> fields = SplitCsvLine(line, where);
    for (std::string& f : fields) f = StripLine(f);
    if (columns == 0) {
      if (fields == std::vector<std::string>{"increment", "energy_uj", "time_us"}) {
        columns = 3;
      } else if (fields == std::vector<std::string>{"increment", "energy_uj"}) {
        columns = 2;
      } else {
        throw Error(where + ": bad header '" + line + "', expected 'increment,energy_uj,time_us' (time optional)");
      }
      continue;
    }
    if (static_cast<int>(fields.size()) != columns) {
      throw Error(where + ": expected " + std::to_string(columns) + " comma-separated fields, got " +
                  std::to_string(fields.size()));
    }
    const int64_t increment = ParseInt(fields[0], where, "increment");
    if (increment < 1 || increment > n) {
      throw Error(where + ": increment " + fields[0] + " is outside 1.." + std::to_string(n) +
                  " (the model has " + std::to_string(n) + " increments)");
    }
    if (energy[increment - 1] >= 0) throw Error(where + ": increment " + fields[0] + " is given twice");
    const double e = ParseDouble(fields[1], where, "energy_uj");
    if (!(e > 0)) throw Error(where + ": energy_uj " + fields[1] + " must be > 0");
    energy[increment - 1] = e;
    if (columns == 3) {
      const double t = ParseDouble(fields[2], where, "time_us");
      if (!(t > 0)) throw Error(where + ": time_us " + fields[2] + " must be > 0");
      time[increment - 1] = t;
    }
  }
  if (columns == 0) throw Error("cost file " + source_name + " is empty (expected 'increment,energy_uj,time_us')");
  for (int i = 0; i < n; ++i) {
    if (energy[i] < 0) {
      throw Error("cost file " + source_name + " has no line for increment " + std::to_string(i + 1) + " of " +
                  std::to_string(n));
    }
  }
  cost.energy = energy;
  if (columns == 3) cost.time = time;
  return cost;
}

CostModel ReadCostFile(const std::string& path, const std::vector<Widths>& increment_widths) {
  return ParseCostFile(ReadFileToString(path), path, increment_widths);
}

}  // namespace rcdnn::models::runtime
