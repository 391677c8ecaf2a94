// Figure 11: Algorithm 2's feedback controller tracking an imposed energy
// budget over time (the paper: LeNet/MNIST on the accelerator). Drawn from
// the runtime-scheme analysis' trace metrics: fig11_budget_energy (method
// "controller") and fig11_energy_uj or fig11_relative_macs (methods
// "controller-<policy>"), each keyed "image=<index>".
#include <cstdlib>
#include <map>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis::artifacts {
namespace {

// method -> image index -> value.
std::map<std::string, std::map<long, double>> Trace(const StoreView& store, const std::string& name,
                                                    const std::string& network, std::set<int64_t>* runs) {
  results::MetricFilter filter;
  filter.name = name;
  filter.network = network;
  std::map<std::string, std::map<long, double>> trace;
  // Figure 11 runs the 4 uniform increments' controller (a budget is given only there).
  const ModelSet& uniform = ModelSets().back();
  for (const results::MetricRow& row : store.Query(filter)) {
    if (row.metric.key.rfind("image=", 0) != 0 || !uniform.Holds(row.metric.method)) continue;
    trace[row.metric.method][std::strtol(row.metric.key.c_str() + 6, nullptr, 10)] = row.metric.value;
    runs->insert(row.run_id);
  }
  return trace;
}

Series ToSeries(const std::string& title, const std::map<long, double>& points, Series::Style style) {
  Series s{title, {}, {}, {}, style};
  for (const auto& [image, value] : points) {
    s.x.push_back(static_cast<double>(image));
    s.y.push_back(value);
  }
  return s;
}

}  // namespace

ArtifactOutput Fig11(const ArtifactContext& context) {
  ArtifactOutput out;
  Figure figure{"fig11", "Figure 11: energy per image under an imposed energy budget (Algorithm 2)", {}, 1, 900, 480};
  Table data{"fig11", "Figure 11 data", {"network", "series", "image", "value", "unit"}, {}, {}};
  for (const PaperNetwork& network : PaperNetworks()) {
    std::set<int64_t> runs;
    const auto budget = Trace(context.store, "fig11_budget_energy", network.id, &runs);
    std::string unit = "uJ";
    auto energy = Trace(context.store, "fig11_energy_uj", network.id, &runs);
    if (energy.empty()) {
      energy = Trace(context.store, "fig11_relative_macs", network.id, &runs);
      unit = "relative MACs";
    }
    if (budget.empty() || energy.empty()) {
      if (network.id == "lenet") {
        out.missing.push_back({"no controller trace of LeNet (metrics fig11_budget_energy, method controller, and "
                               "fig11_energy_uj or fig11_relative_macs, methods controller-<policy>; key image=<i>)",
                               ShardsCommand(network, context.profile) + "; its runtime-scheme analysis runs Algorithm 2 on "
                               "artifacts/budgets/lenet.budget"});
      }
      continue;
    }
    out.run_ids.insert(runs.begin(), runs.end());
    Panel panel{NetworkOnDataset(network.id, DatasetLabel(context.store, runs)), "image (time)",
                "energy per image (" + unit + ")", {}, std::nullopt, std::nullopt, 0, std::nullopt};
    for (const auto& [method, points] : budget) {
      panel.series.push_back(ToSeries("imposed energy budget", points, Series::Style::kSteps));
      for (const auto& [image, value] : points) {
        data.rows.push_back({network.paper_name, "budget", std::to_string(image), FormatNumber(value, Significant(6)), unit});
      }
    }
    for (const auto& [method, points] : energy) {
      panel.series.push_back(ToSeries(method, points, Series::Style::kSteps));
      for (const auto& [image, value] : points) {
        data.rows.push_back({network.paper_name, method, std::to_string(image), FormatNumber(value, Significant(6)), unit});
      }
    }
    figure.panels.push_back(std::move(panel));
  }
  if (!figure.panels.empty()) {
    out.figures.push_back(std::move(figure));
    out.tables.push_back(std::move(data));
  }
  return out;
}

}  // namespace rcdnn::analysis::artifacts
