// The comparison of issue 8: the paper's incremental training beside the
// related systems (DyVEDeep's effort knobs, Yang & Fan's sub-nets, slimmable
// joint training, Peluso & Calimera's precision search, uniform fixed point)
// on the same networks, data, accelerator model and CPU engine.
//
// Every method's tool writes the same metrics per operating point (see
// models/subnets/README.md): pareto_accuracy (split test), pareto_energy_uj
// (accelerator, per image), pareto_latency_us (CPU batch 1, per image) and
// pareto_macs, with key "point=<label>". This artifact draws, per network,
// accuracy against energy and against latency, and tabulates each method's
// best point under a few energy budgets.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis::artifacts {
namespace {

struct MethodInfo {
  const char* method;
  const char* legend;
};

// The methods in the order the legend and the table list them.
constexpr MethodInfo kMethods[] = {
    {"incremental", "incremental training (Tann et al.)"},
    {"slimmable", "slimmable joint training"},
    {"yang_fan_multipath", "Yang & Fan, multi-path"},
    {"yang_fan_singlepath", "Yang & Fan, single-path"},
    {"dyvedeep", "DyVEDeep effort knobs"},
    {"peluso_calimera", "Peluso & Calimera precision search"},
    {"uniform_fixed_point", "uniform fixed point"},
};

// Energy budgets, as fractions of the reference (full-network) energy.
constexpr double kBudgetFractions[] = {0.25, 0.5, 0.75, 1.0};

std::string Legend(const std::string& method) {
  for (const MethodInfo& m : kMethods) {
    if (method == m.method) return m.legend;
  }
  return method;
}

int MethodRank(const std::string& method) {
  int rank = 0;
  for (const MethodInfo& m : kMethods) {
    if (method == m.method) return rank;
    ++rank;
  }
  return rank;
}

struct Point {
  std::string method, label, width;
  double accuracy = 0;
  std::optional<double> energy_uj, latency_us, macs;
  int64_t run_id = 0;
};

// network -> its points, methods in kMethods order, each method's points in
// the order its tool wrote them.
std::map<std::string, std::vector<Point>> CollectPoints(const StoreView& store) {
  using Id = std::tuple<std::string, std::string, std::string>;  // network, method, key
  std::map<Id, Point> points;
  std::vector<Id> order;
  results::MetricFilter filter;
  filter.name = "pareto_accuracy";
  for (const results::MetricRow& row : store.Query(filter)) {
    const results::Metric& m = row.metric;
    if (m.split != "test") continue;
    const Id id{m.network, m.method, m.key};
    if (!points.count(id)) order.push_back(id);
    Point& p = points[id];
    p.method = m.method;
    p.label = m.key.rfind("point=", 0) == 0 ? m.key.substr(6) : m.key;
    p.width = m.width;
    p.accuracy = m.value;
    p.run_id = row.run_id;
  }
  for (const auto& [name, field] : {std::pair{"pareto_energy_uj", &Point::energy_uj},
                                    std::pair{"pareto_latency_us", &Point::latency_us},
                                    std::pair{"pareto_macs", &Point::macs}}) {
    filter.name = name;
    for (const results::MetricRow& row : store.Query(filter)) {
      const auto it = points.find(Id{row.metric.network, row.metric.method, row.metric.key});
      if (it != points.end()) it->second.*field = row.metric.value;
    }
  }
  std::map<std::string, std::vector<Point>> by_network;
  for (const Id& id : order) by_network[std::get<0>(id)].push_back(points[id]);
  for (auto& [network, list] : by_network) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Point& a, const Point& b) { return MethodRank(a.method) < MethodRank(b.method); });
  }
  return by_network;
}

// The full network's energy the budgets are fractions of: the widest point of
// the paper's incremental model where it is there, else the costliest point.
std::optional<double> ReferenceEnergy(const std::vector<Point>& points, std::string* what) {
  std::optional<double> incremental, any;
  for (const Point& p : points) {
    if (!p.energy_uj) continue;
    if (p.method == "incremental") incremental = std::max(incremental.value_or(0), *p.energy_uj);
    any = std::max(any.value_or(0), *p.energy_uj);
  }
  *what = incremental ? "the full-width incremental model's energy" : "the costliest point's energy";
  return incremental ? incremental : any;
}

std::string Cell(const std::optional<double>& value, NumberFormat format) {
  return value ? FormatNumber(*value, format) : "";
}

}  // namespace

ArtifactOutput Pareto(const ArtifactContext& context) {
  ArtifactOutput out;
  const std::map<std::string, std::vector<Point>> by_network = CollectPoints(context.store);
  if (by_network.empty()) {
    out.missing.push_back({"no operating points of any method (metrics pareto_accuracy / pareto_energy_uj / "
                           "pareto_latency_us / pareto_macs, key point=<label>)",
                           "bazel run --config=" + context.profile +
                               " //artifacts:pareto (trains and measures every method)"});
    return out;
  }
  Table budgets{"pareto", "Best operating point of each method under an accelerator energy budget",
                {"network", "data set", "budget (x full)", "budget (uJ)", "method", "accuracy", "energy (uJ)",
                 "CPU latency (us)", "MACs", "point"},
                {},
                {}};
  Table all{"pareto_points", "Every method's operating points (accuracy on the test split)",
            {"network", "data set", "method", "point", "widths", "accuracy", "energy (uJ)", "CPU latency (us)", "MACs"},
            {},
            {}};
  std::vector<std::string> networks;
  for (const auto& [network, points] : by_network) networks.push_back(network);
  for (const std::string& network : InPaperOrder(networks)) {
    const std::vector<Point>& points = by_network.at(network);
    std::set<int64_t> runs;
    for (const Point& p : points) runs.insert(p.run_id);
    out.run_ids.insert(runs.begin(), runs.end());
    const std::string dataset = DatasetLabel(context.store, runs);

    std::vector<std::string> methods;  // in kMethods order
    for (const Point& p : points) {
      if (std::find(methods.begin(), methods.end(), p.method) == methods.end()) methods.push_back(p.method);
      all.rows.push_back({PaperName(network), dataset, p.method, p.label, p.width, FormatNumber(p.accuracy, Fixed(4)),
                          Cell(p.energy_uj, Significant(5)), Cell(p.latency_us, Significant(4)),
                          Cell(p.macs, Fixed(0))});
    }
    std::string absent;
    for (const MethodInfo& m : kMethods) {
      if (std::find(methods.begin(), methods.end(), m.method) == methods.end()) {
        absent += (absent.empty() ? "" : ", ") + std::string(m.method);
      }
    }
    if (!absent.empty()) {
      out.missing.push_back({"no operating points of " + PaperName(network) + " for " + absent,
                             "bazel run --config=" + context.profile + " //artifacts:pareto (its " + network +
                                 " shards; the data set must be available)"});
    }

    Figure figure{"pareto_" + network,
                  "Accuracy against cost, every method: " + NetworkOnDataset(PaperName(network), dataset),
                  {},
                  2};
    Panel energy_panel{"accelerator energy per image", "energy (uJ, accel_sim)", "test accuracy", {}, {}, {}, {}, {}};
    Panel latency_panel{"CPU latency per image (batch 1)", "latency (us)", "test accuracy", {}, {}, {}, {}, {}};
    for (const std::string& method : methods) {
      Series by_energy{Legend(method), {}, {}, {}, Series::Style::kPoints};
      Series by_latency = by_energy;
      for (const Point& p : points) {
        if (p.method != method) continue;
        if (p.energy_uj) {
          by_energy.x.push_back(*p.energy_uj);
          by_energy.y.push_back(p.accuracy);
        }
        if (p.latency_us) {
          by_latency.x.push_back(*p.latency_us);
          by_latency.y.push_back(p.accuracy);
        }
      }
      if (!by_energy.x.empty()) energy_panel.series.push_back(by_energy);
      if (!by_latency.x.empty()) latency_panel.series.push_back(by_latency);
    }
    for (Panel* panel : {&energy_panel, &latency_panel}) {
      if (!panel->series.empty()) figure.panels.push_back(*panel);
    }
    if (!figure.panels.empty()) {
      figure.columns = static_cast<int>(figure.panels.size());
      out.figures.push_back(figure);
    }

    std::string reference_what;
    const std::optional<double> reference = ReferenceEnergy(points, &reference_what);
    if (!reference) continue;
    for (const double fraction : kBudgetFractions) {
      const double budget = fraction * *reference;
      for (const std::string& method : methods) {
        const Point* best = nullptr;
        for (const Point& p : points) {
          if (p.method != method || !p.energy_uj || *p.energy_uj > budget * (1 + 1e-9)) continue;
          if (best == nullptr || p.accuracy > best->accuracy ||
              (p.accuracy == best->accuracy && *p.energy_uj < *best->energy_uj)) {
            best = &p;
          }
        }
        std::vector<std::string> row = {PaperName(network), dataset, FormatNumber(fraction, Fixed(2)),
                                         FormatNumber(budget, Significant(5)), method};
        if (best == nullptr) {
          Append(&row, {"(none within budget)", "", "", "", ""});
        } else {
          Append(&row, {FormatNumber(best->accuracy, Fixed(4)), Cell(best->energy_uj, Significant(5)),
                        Cell(best->latency_us, Significant(4)), Cell(best->macs, Fixed(0)), best->label});
        }
        budgets.rows.push_back(row);
      }
    }
    budgets.notes.push_back(PaperName(network) + ": budgets are fractions of " + reference_what + " (" +
                            FormatNumber(*reference, Significant(5)) + " uJ).");
  }
  budgets.notes.push_back(
      "Energy: accel_sim's component-wise model (on-chip and DRAM) per image, at <32,16> fixed point except for the "
      "precision methods, which are priced at their own per-layer precisions. Latency: this machine's CPU engine, "
      "batch 1, one thread (the precision methods have none: the engine computes in float). Accuracy: each tool's "
      "test split (the profile's subset).");
  NoteStandIns(&budgets);
  NoteStandIns(&all);
  out.tables.push_back(budgets);
  out.tables.push_back(all);
  return out;
}

}  // namespace rcdnn::analysis::artifacts
