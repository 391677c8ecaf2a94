// Table 8: test accuracy of each increment of incremental training (with
// golden initialisation), the golden model of the same width beside it, and
// the increment's energy per image on the accelerator.
//
// The paper's Table 8 uses Table 7's increments (e.g. LeNet 0.25, 0.30, 1).
// Ours shows the models trained at our Table 7 optimum first, then the 4
// uniform increments of Figures 9 and 10. A paper cell is compared only
// where one of the paper's increments has our fraction.
#include <cmath>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Table8(const ArtifactContext& context) {
  ArtifactOutput out;
  const Comparison acc{"Acc.", Fixed(4), false}, golden_acc{"Acc. golden", Fixed(4), false},
      energy{"E (uJ)", Significant(5), true}, power_time{"E as P×T (uJ)", Significant(5), true};
  Table table{"table8", "Table 8: test accuracy per increment (golden model of the same width) and energy",
              {"network", "data set", "models", "method", "incr", "widths", "channels x/y", "paper incr"}, {}, {}};
  Append(&table.header, acc.Header());
  Append(&table.header, golden_acc.Header());
  Append(&table.header, energy.Header());
  Append(&table.header, power_time.Header());
  bool any_energy = false, any_power_time = false;
  for (const PaperNetwork& network : PaperNetworks()) {
    bool any_set = false;
    for (const ModelSet& models : ModelSets()) {
      std::string method = models.Method("incremental_golden_init");
      std::vector<CurvePoint> points = AccuracyCurve(context.store, network.id, method, "test");
      if (points.empty()) {
        method = models.Method("incremental");
        points = AccuracyCurve(context.store, network.id, method, "test");
      }
      if (points.empty()) continue;
      any_set = true;
      AddRuns(&out, points);
      const std::vector<CurvePoint> golden =
          AccuracyCurve(context.store, network.id, models.Method("golden"), "test");
      AddRuns(&out, golden);
      std::vector<std::string> widths;
      for (const CurvePoint& p : points) widths.push_back(p.width);
      const int full = FullFirstWidth(context, network.id, widths);
      for (const CurvePoint& p : points) {
        const int increment = p.increment.value_or(0);
        const double fraction = static_cast<double>(FirstWidth(p.width)) / full;
        // The paper's increment with this fraction, if any (channel counts are
        // rounded, so fractions match within half a channel).
        std::string paper_row, paper_text = "(none at this fraction)";
        for (int j = 1; j <= 4; ++j) {
          const std::string name = network.paper_name + " incr " + std::to_string(j);
          const PaperValue* f = context.paper.Find("table7", name, "fraction");
          if (f && std::abs(*f->number - fraction) <= 0.5 / full + 1e-9) {
            paper_row = name;
            paper_text = std::to_string(j) + " (fraction " + f->text + ")";
          }
        }
        auto paper = [&](const char* column) -> std::optional<double> {
          const PaperValue* v = paper_row.empty() ? nullptr : context.paper.Find("table8", paper_row, column);
          return v ? v->number : std::nullopt;
        };
        std::optional<double> golden_value;
        for (const CurvePoint& g : golden) {
          if (g.width == p.width) golden_value = g.accuracy;
        }
        // The accelerator's energy of the width (accel_sim's Table 4 run), else
        // the runtime analysis' per-increment energy from its cost file.
        const WidthCost cost = CostOfWidth(context.store, network.id, kAcceleratorMethod, p.width);
        std::optional<double> energy_uj = cost.energy_uj;
        out.run_ids.insert(cost.run_ids.begin(), cost.run_ids.end());
        if (!energy_uj) energy_uj = context.store.Value("energy_uj", network.id, p.width, method, "", "", increment);
        any_energy = any_energy || energy_uj.has_value();
        any_power_time = any_power_time || cost.paper_convention_energy_uj.has_value();
        std::vector<std::string> row = {network.paper_name, DatasetLabel(context.store, {p.run_id}), models.label,
                                        method, std::to_string(increment), p.width, ChannelsLabel(p.width, full),
                                        paper_text};
        Append(&row, acc.Cells(paper("Acc."), p.accuracy));
        Append(&row, golden_acc.Cells(paper("Acc. golden"), golden_value));
        Append(&row, energy.Cells(paper("E"), energy_uj));
        Append(&row, power_time.Cells(paper("E"), cost.paper_convention_energy_uj));
        table.rows.push_back(row);
      }
    }
    if (!any_set) {
      out.missing.push_back(MissingShards(context, network.id, "no test accuracy of incremental training of " +
                                                          network.paper_name));
    }
  }
  if (!any_energy) {
    out.missing.push_back({std::string("no accelerator energy per width (metric energy_uj, method ") +
                               kAcceleratorMethod + ", key total): the E column is empty",
                           "bazel run //accel_sim:table4 -- --db <shard.db>  (then pass the shard to render --shards)"});
  }
  table.notes.push_back("Models: 'Table 7 optimum' = trained with the increments our Table 7 sweep chose (golden "
                        "initialisation; its golden models at the same widths), as the paper's Table 8 is; '4 uniform "
                        "increments' = the 25/50/75/100% models of Figures 9 and 10. Paper cells appear where one of "
                        "the paper's increments (its Table 7) has our increment's fraction.");
  table.notes.push_back("E is our accelerator model's energy per image, on-chip and DRAM (Table 4's E); 'E as P×T' "
                        "counts it as the paper does, the design's power times the time (Table 4's 'E as P×T'), and "
                        "is the column to compare with the paper's E.");
  if (any_energy && !any_power_time) {
    out.missing.push_back({"no power x time energy of the widths (metric energy_paper_convention_uj, method " +
                               std::string(kAcceleratorMethod) + ", key total): the 'E as P×T' column is empty",
                           "bazel build //artifacts:accel_sim //artifacts:<net>_shards  (the accelerator's runs of "
                           "the uniform widths and of the Table 7 optimum's)"});
  }
  NoteStandIns(&table);
  if (!table.rows.empty()) out.tables.push_back(table);
  return out;
}

}  // namespace rcdnn::analysis::artifacts
