// Figure 6: validation accuracy of the golden models (one trained per width)
// against relative runtime, every network in one plot.
#include <algorithm>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Fig6(const ArtifactContext& context) {
  ArtifactOutput out;
  Panel panel{"Golden models: validation accuracy vs relative runtime",
              "relative runtime (MACs of the width / MACs of the full network)", "validation accuracy", {}, 0, 1.05,
              std::nullopt, std::nullopt};
  Table data{"fig6", "Figure 6 data: golden models, validation accuracy per width",
             {"network", "data set", "width", "channels x/y", "relative runtime", "accuracy (val)"}, {}, {}};
  std::vector<std::string> present;
  for (const PaperNetwork& n : PaperNetworks()) present.push_back(n.id);
  for (const std::string& network : InPaperOrder(context.store.NetworksWith("accuracy"))) {
    if (std::find(present.begin(), present.end(), network) == present.end()) present.push_back(network);
  }
  for (const std::string& network : present) {
    const std::vector<CurvePoint> points = AccuracyCurve(context.store, network, "golden", "val");
    if (points.empty()) {
      out.missing.push_back(MissingShards(context, network, "no golden validation accuracy of " + PaperName(network) +
                                                       " (metrics accuracy and relative_macs, method golden, split val)"));
      continue;
    }
    AddRuns(&out, points);
    std::vector<std::string> widths;
    for (const CurvePoint& p : points) widths.push_back(p.width);
    const int full = FullFirstWidth(context, network, widths);
    std::set<int64_t> runs;
    for (const CurvePoint& p : points) runs.insert(p.run_id);
    const std::string dataset = DatasetLabel(context.store, runs);
    Series series{NetworkOnDataset(network, dataset), {}, {}, {}, Series::Style::kLinesPoints};
    for (const CurvePoint& p : points) {
      series.x.push_back(p.relative_macs);
      series.y.push_back(p.accuracy);
      series.labels.push_back(ChannelsLabel(p.width, full));
      data.rows.push_back({PaperName(network), dataset, p.width, ChannelsLabel(p.width, full),
                           FormatNumber(p.relative_macs, Fixed(4)), FormatNumber(p.accuracy, Fixed(4))});
    }
    panel.series.push_back(std::move(series));
  }
  if (!panel.series.empty()) {
    out.figures.push_back(Figure{"fig6", "Figure 6", {panel}, 1, 800, 520});
    out.tables.push_back(data);
  }
  out.notes.push_back("Relative runtime is measured as relative multiply-accumulates of the forward pass (a proxy "
                      "for the paper's forward-pass runtime). Point labels x/y: channels of the first layer / full.");
  return out;
}

}  // namespace rcdnn::analysis::artifacts
