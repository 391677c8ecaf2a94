// Figure 7: histograms of the top-2 score margin of the golden models on the
// validation set, correct inferences (top row) and wrong ones (bottom row),
// one line per width; one column per network (the paper shows CIFAR-10 only).
#include <algorithm>
#include <cstdlib>
#include <map>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"
#include "common/error.h"

namespace rcdnn::analysis::artifacts {
namespace {

// The left edge of a bin from its key "bin=0.05".
double BinLow(const std::string& key) {
  if (key.rfind("bin=", 0) != 0) throw Error("margin histogram metric with key '" + key + "' (expected bin=<low>)");
  char* end = nullptr;
  const double low = std::strtod(key.c_str() + 4, &end);
  if (*end != '\0') throw Error("margin histogram metric with key '" + key + "' (expected bin=<low>)");
  return low;
}

// width -> (bin low -> count), and the runs they came from.
std::map<std::string, std::map<double, double>> Histograms(const StoreView& store, const std::string& name,
                                                           const std::string& network, std::set<int64_t>* runs) {
  results::MetricFilter filter;
  filter.name = name;
  filter.network = network;
  filter.method = "golden";
  filter.split = "val";
  std::map<std::string, std::map<double, double>> out;
  for (const results::MetricRow& row : store.Query(filter)) {
    out[row.metric.width][BinLow(row.metric.key)] += row.metric.value;
    runs->insert(row.run_id);
  }
  return out;
}

}  // namespace

ArtifactOutput Fig7(const ArtifactContext& context) {
  ArtifactOutput out;
  Figure figure{"fig7", "Figure 7: top-2 score margin of golden models (validation set)", {}, 1, 560, 400};
  Table data{"fig7", "Figure 7 data: images per score-margin bin, golden models, validation set",
             {"network", "data set", "width", "channels x/y", "bin low", "correct", "wrong"}, {}, {}};
  std::vector<Panel> top, bottom;
  std::vector<std::string> networks = {"lenet", "convnets", "alexnet"};
  for (const std::string& n : InPaperOrder(context.store.NetworksWith("margin_hist_correct"))) {
    if (std::find(networks.begin(), networks.end(), n) == networks.end()) networks.push_back(n);
  }
  for (const std::string& network : networks) {
    std::set<int64_t> runs;
    const auto correct = Histograms(context.store, "margin_hist_correct", network, &runs);
    const auto wrong = Histograms(context.store, "margin_hist_wrong", network, &runs);
    if (correct.empty() || wrong.empty()) {
      out.missing.push_back(MissingShards(context, network, "no margin histograms of " + PaperName(network) +
                                                       " (metrics margin_hist_correct / margin_hist_wrong, method "
                                                       "golden, split val, key bin=<low>)"));
      continue;
    }
    out.run_ids.insert(runs.begin(), runs.end());
    const std::string dataset = DatasetLabel(context.store, runs);
    std::vector<std::string> widths;
    for (const auto& [width, bins] : correct) widths.push_back(width);
    std::sort(widths.begin(), widths.end(),
              [](const std::string& a, const std::string& b) { return FirstWidth(a) < FirstWidth(b); });
    const int full = FullFirstWidth(context, network, widths);
    const std::string label = NetworkOnDataset(network, dataset);
    Panel panel_correct{label + ": correct inferences", "score margin (top-1 minus top-2 softmax score)", "images",
                        {}, 0, 1, 0, std::nullopt};
    Panel panel_wrong{label + ": wrong inferences", "score margin (top-1 minus top-2 softmax score)", "images",
                      {}, 0, 1, 0, std::nullopt};
    for (const std::string& width : widths) {
      const std::string channels = ChannelsLabel(width, full);
      Series c{"channels " + channels, {}, {}, {}, Series::Style::kSteps};
      Series w = c;
      for (const auto& [low, count] : correct.at(width)) {
        c.x.push_back(low);
        c.y.push_back(count);
      }
      const auto wrong_it = wrong.find(width);
      if (wrong_it != wrong.end()) {
        for (const auto& [low, count] : wrong_it->second) {
          w.x.push_back(low);
          w.y.push_back(count);
        }
      }
      for (const auto& [low, count] : correct.at(width)) {
        double wrong_count = 0;
        if (wrong_it != wrong.end() && wrong_it->second.count(low)) wrong_count = wrong_it->second.at(low);
        data.rows.push_back({PaperName(network), dataset, width, channels, FormatNumber(low, Significant(4)),
                             FormatNumber(count, Significant(12)), FormatNumber(wrong_count, Significant(12))});
      }
      panel_correct.series.push_back(std::move(c));
      if (!w.x.empty()) panel_wrong.series.push_back(std::move(w));
    }
    top.push_back(std::move(panel_correct));
    if (!panel_wrong.series.empty()) bottom.push_back(std::move(panel_wrong));
  }
  if (!top.empty()) {
    // Row-major grid: the correct panels on the top row, the wrong ones below.
    figure.columns = static_cast<int>(top.size());
    if (bottom.size() != top.size()) bottom.clear();  // a network without wrong inferences: top row only
    figure.panels = top;
    figure.panels.insert(figure.panels.end(), bottom.begin(), bottom.end());
    out.figures.push_back(std::move(figure));
    out.tables.push_back(std::move(data));
  }
  out.notes.push_back("The paper shows CIFAR-10 only; here every network whose histograms are stored. Bins are "
                      "0.05 wide; x/y = channels of the first layer / full network.");
  return out;
}

}  // namespace rcdnn::analysis::artifacts
