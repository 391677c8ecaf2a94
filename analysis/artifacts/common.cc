#include "analysis/artifacts/common.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "analysis/networks.h"
#include "analysis/run_config.h"
#include "common/error.h"
#include "models/spec/shapes.h"

namespace rcdnn::analysis::artifacts {

std::vector<CurvePoint> AccuracyCurve(const StoreView& store, const std::string& network, const std::string& method,
                                      const std::string& split) {
  results::MetricFilter filter;
  filter.network = network;
  filter.method = method;
  filter.split = split;
  filter.name = "relative_macs";
  std::map<std::pair<std::string, int>, double> runtime;
  for (const results::MetricRow& row : store.Query(filter)) {
    runtime[{row.metric.width, row.metric.increment.value_or(-1)}] = row.metric.value;
  }
  filter.name = "accuracy";
  std::vector<CurvePoint> points;
  for (const results::MetricRow& row : store.Query(filter)) {
    const results::Metric& m = row.metric;
    if (!m.key.empty()) continue;  // a scheme's accuracy (e.g. Algorithm 3), not one width's
    const auto it = runtime.find({m.width, m.increment.value_or(-1)});
    if (it == runtime.end()) continue;
    // One point per width: another tool may restate a width's accuracy
    // under another increment number; the first stored one is kept.
    const bool seen = std::any_of(points.begin(), points.end(), [&](const CurvePoint& p) { return p.width == m.width; });
    if (!seen) points.push_back({m.width, m.increment, it->second, m.value, row.run_id});
  }
  std::stable_sort(points.begin(), points.end(),
                   [](const CurvePoint& a, const CurvePoint& b) { return a.relative_macs < b.relative_macs; });
  return points;
}

std::vector<std::string> InPaperOrder(std::vector<std::string> present) {
  std::vector<std::string> ordered;
  for (const PaperNetwork& n : PaperNetworks()) {
    const auto it = std::find(present.begin(), present.end(), n.id);
    if (it != present.end()) {
      ordered.push_back(n.id);
      present.erase(it);
    }
  }
  std::sort(present.begin(), present.end());
  ordered.insert(ordered.end(), present.begin(), present.end());
  return ordered;
}

std::string DatasetLabel(const StoreView& store, const std::set<int64_t>& run_ids) {
  std::vector<std::string> names;
  for (int64_t id : run_ids) {
    const std::string& name = store.Run(id).info.dataset_display_name;
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string label;
  for (const std::string& name : names) label += (label.empty() ? "" : "; ") + name;
  return label;
}

std::string NetworkOnDataset(const std::string& network, const std::string& dataset_display_name) {
  return PaperName(network) + (dataset_display_name.empty() ? "" : " on " + dataset_display_name);
}

int FirstWidth(const std::string& width) {
  char* end = nullptr;
  const long value = std::strtol(width.c_str(), &end, 10);
  if (end == width.c_str() || (*end != ',' && *end != '\0') || value < 1) {
    throw Error("malformed width '" + width + "' in the results store (expected channel counts like 5,13,125)");
  }
  return static_cast<int>(value);
}

std::optional<models::NetSpec> TryLoadSpec(const ArtifactContext& context, const std::string& network) {
  const std::string path = context.spec_dir + "/" + network + ".net";
  if (!std::ifstream(path)) return std::nullopt;
  return models::LoadNetSpec(path);
}

int FullFirstWidth(const ArtifactContext& context, const std::string& network, const std::vector<std::string>& widths) {
  if (const auto spec = TryLoadSpec(context, network)) {
    for (int index : spec->SlicedLayerIndices()) return spec->layers[index].outputs;
  }
  int full = 1;
  for (const std::string& w : widths) full = std::max(full, FirstWidth(w));
  return full;
}

std::string ChannelsLabel(const std::string& width, int full_first_width) {
  return std::to_string(FirstWidth(width)) + "/" + std::to_string(full_first_width);
}

Missing MissingShards(const ArtifactContext& context, const std::string& network, const std::string& what) {
  const PaperNetwork* n = FindPaperNetwork(network);
  if (n == nullptr) return {what, "(no producer known for network '" + network + "')"};
  return {what, ShardsCommand(*n, context.profile)};
}

void NoteStandIns(Table* table) {
  const auto column = std::find(table->header.begin(), table->header.end(), "data set");
  if (column == table->header.end()) return;
  const size_t c = column - table->header.begin();
  for (const auto& row : table->rows) {
    if (row[c].find("stand-in") != std::string::npos) {
      table->notes.push_back("Rows measured on a stand-in data set (" + row[c] +
                             ") sit beside the paper's numbers on the original data set: their differences reflect "
                             "the data sets as well as the methods.");
      return;
    }
  }
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : separator) + p;
  return text;
}

bool ModelSet::Holds(const std::string& method) const {
  static const std::string kTable7Prefix = ModelSets()[0].method_prefix;
  if (!method_prefix.empty()) return method.rfind(method_prefix, 0) == 0;
  return method.rfind(kTable7Prefix, 0) != 0;
}

const std::vector<ModelSet>& ModelSets() {
  static const std::vector<ModelSet> sets = {{"table7_", "Table 7 optimum"}, {"", "4 uniform increments"}};
  return sets;
}

std::string TrainedFractions(const StoreView& store, const std::string& network, const ModelSet& set,
                             std::set<int64_t>* runs) {
  results::MetricFilter filter;
  filter.name = "table7_trained_fraction";
  filter.network = network;
  std::map<int, double> by_increment;
  for (const results::MetricRow& row : store.Query(filter)) {
    if (!set.Holds(row.metric.method) || !row.metric.increment) continue;
    by_increment[*row.metric.increment] = row.metric.value;
    if (runs) runs->insert(row.run_id);
  }
  std::string text;
  for (const auto& [increment, fraction] : by_increment) {
    text += (text.empty() ? "" : ", ") + FormatNumber(fraction, Significant(3));
  }
  return text;
}

std::optional<ModelSet> PaperSettingModels(const StoreView& store, const std::string& network) {
  for (const ModelSet& set : ModelSets()) {
    if (store.Value("energy_savings_pct", network, "", set.Method("opportunistic"), "test", kPaperScheme,
                    std::nullopt)) {
      return set;
    }
  }
  return std::nullopt;
}

void AddRuns(ArtifactOutput* output, const std::vector<CurvePoint>& points) {
  for (const CurvePoint& p : points) output->run_ids.insert(p.run_id);
}


void AddCurveFigure(const ArtifactContext& context, const std::string& id, const std::string& title,
                    const std::vector<MethodCurve>& curves, const std::string& split, ArtifactOutput* out) {
  Figure figure{id, title, {}, 1, 620, 480};
  Table data{id, title + ": data",
             {"network", "data set", "method", "increment", "width", "channels x/y", "relative runtime",
              "accuracy (" + split + ")"},
             {}, {}};
  std::vector<std::string> networks;
  for (const PaperNetwork& n : PaperNetworks()) networks.push_back(n.id);
  for (const std::string& n : InPaperOrder(context.store.NetworksWith("accuracy"))) {
    if (std::find(networks.begin(), networks.end(), n) == networks.end()) networks.push_back(n);
  }
  std::string methods;
  for (const MethodCurve& c : curves) methods += (methods.empty() ? "" : ", ") + c.method;
  for (const std::string& network : networks) {
    std::vector<std::vector<CurvePoint>> per_curve;
    std::vector<std::string> widths;
    std::set<int64_t> runs;
    for (const MethodCurve& c : curves) {
      per_curve.push_back(AccuracyCurve(context.store, network, c.method, split));
      for (const CurvePoint& p : per_curve.back()) {
        widths.push_back(p.width);
        runs.insert(p.run_id);
      }
    }
    if (runs.empty()) {
      out->missing.push_back(MissingShards(context, network, "no " + split + " accuracy of " + PaperName(network) +
                                                        " for methods " + methods +
                                                        " (metrics accuracy and relative_macs)"));
      continue;
    }
    out->run_ids.insert(runs.begin(), runs.end());
    const int full = FullFirstWidth(context, network, widths);
    const std::string dataset = DatasetLabel(context.store, runs);
    Panel panel{NetworkOnDataset(network, dataset), "relative runtime (relative MACs)", "accuracy (" + split + ")",
                {}, 0, 1.05, std::nullopt, std::nullopt};
    std::string absent;
    for (size_t k = 0; k < curves.size(); ++k) {
      if (per_curve[k].empty()) {
        absent += (absent.empty() ? "" : ", ") + curves[k].method;
        continue;
      }
      Series series{curves[k].legend, {}, {}, {}, curves[k].style};
      for (const CurvePoint& p : per_curve[k]) {
        series.x.push_back(p.relative_macs);
        series.y.push_back(p.accuracy);
        if (curves[k].labels) series.labels.push_back(ChannelsLabel(p.width, full));
        data.rows.push_back({PaperName(network), DatasetLabel(context.store, {p.run_id}), curves[k].method,
                             p.increment ? std::to_string(*p.increment) : "", p.width, ChannelsLabel(p.width, full),
                             FormatNumber(p.relative_macs, Fixed(4)), FormatNumber(p.accuracy, Fixed(4))});
      }
      panel.series.push_back(std::move(series));
    }
    if (!absent.empty()) {
      out->missing.push_back(MissingShards(context, network, PaperName(network) + " lacks " + split + " accuracy of " + absent));
    }
    figure.panels.push_back(std::move(panel));
  }
  if (figure.panels.empty()) return;
  figure.columns = std::min<int>(3, figure.panels.size());
  out->figures.push_back(std::move(figure));
  out->tables.push_back(std::move(data));
}


WidthCost CostOfWidth(const StoreView& store, const std::string& network, const std::string& platform,
                      const std::string& width) {
  WidthCost cost;
  for (const auto& [name, target] : {std::pair{"time_us", &cost.time_us}, std::pair{"energy_uj", &cost.energy_uj},
                                     std::pair{"energy_paper_convention_uj", &cost.paper_convention_energy_uj}}) {
    results::MetricFilter filter;
    filter.name = name;
    filter.network = network;
    filter.method = platform;
    for (const results::MetricRow& row : store.Query(filter)) {
      if (row.metric.width != width || row.metric.key != "total") continue;
      *target = row.metric.value;
      cost.run_ids.insert(row.run_id);
      break;
    }
  }
  return cost;
}

ArtifactOutput PlatformTable(const ArtifactContext& context, const std::string& id, const std::string& title,
                             const std::string& paper_table, const std::string& platform, PlatformKind kind,
                             const Missing& producer) {
  ArtifactOutput out;
  const bool model = kind == PlatformKind::kAcceleratorModel;
  const Comparison time{"T (us)", Significant(5), true}, energy{"E (uJ)", Significant(5), true},
      power_time{"E as P×T (uJ)", Significant(5), true};
  Table table{id, title, {"network", "increment", "fraction", "widths"}, {}, {}};
  Append(&table.header, time.Header());
  Append(&table.header, energy.Header());
  if (model) Append(&table.header, power_time.Header());
  bool any = false;
  for (const PaperNetwork& network : PaperNetworks()) {
    const std::optional<models::NetSpec> spec = TryLoadSpec(context, network.id);
    for (int increment = 1; increment <= 4; ++increment) {
      const std::string row_name = network.paper_name + " incr " + std::to_string(increment);
      const PaperValue* paper_t = context.paper.Find(paper_table, row_name, "T");
      const PaperValue* paper_e = context.paper.Find(paper_table, row_name, "E");
      std::string width;
      WidthCost cost;
      if (spec) {
        width = models::WidthsToString(models::UniformWidths(*spec, increment / 4.0));
        cost = CostOfWidth(context.store, network.id, platform, width);
      }
      any = any || cost.time_us || cost.energy_uj;
      out.run_ids.insert(cost.run_ids.begin(), cost.run_ids.end());
      std::vector<std::string> row = {network.paper_name, std::to_string(increment),
                                      FormatNumber(increment / 4.0, Fixed(2)), width};
      Append(&row, time.Cells(paper_t ? paper_t->number : std::nullopt, cost.time_us));
      Append(&row, energy.Cells(paper_e ? paper_e->number : std::nullopt, cost.energy_uj));
      if (model) {
        Append(&row, power_time.Cells(paper_e ? paper_e->number : std::nullopt, cost.paper_convention_energy_uj));
      }
      table.rows.push_back(row);
    }
  }
  if (!any) {
    out.missing.push_back({"no " + platform + " results: metrics time_us and energy_uj (and energy_paper_convention_uj) "
                           "with method '" + platform + "' and key 'total', per network and width. " + producer.what,
                           producer.command});
  }
  table.notes.push_back("Increment i deploys the uniform fraction i/4 of the channels (4 increments, Section 5.2).");
  if (model) {
    table.notes.push_back("E is our model's energy (on-chip and DRAM); 'E as P×T' is the paper's way of counting it, "
                          "the design's power times the time (Table 4's E equals 1213.4 mW × T).");
  } else {
    // The timer records its energy counter, or why there was none, with the run.
    std::set<std::string> sources;
    for (const int64_t run_id : out.run_ids) {
      sources.insert(RunConfigValue(context.store.Run(run_id), "energy_source")
                         .value_or("the run records no energy source"));
    }
    for (const std::string& source : sources) table.notes.push_back("E (ours): " + source + ".");
  }
  out.tables.push_back(table);
  return out;
}

}  // namespace rcdnn::analysis::artifacts
