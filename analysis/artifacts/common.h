// Helpers the artifact functions share: accuracy curves joined with their
// relative runtime, labels, data-set names and specs.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analysis/artifact.h"
#include "models/spec/net_spec.h"

namespace rcdnn::analysis::artifacts {

// The key of the runtime analysis' results in the paper's setting (Tables 7
// and 9): thresholds maximising energy saving x accuracy on validation, every
// escalation a fresh forward pass (models/runtime/analysis.cc).
inline constexpr char kPaperScheme[] = "criterion=product;reuse=no-reuse";

// The two sets of trained models the runtime tables (7, 8, 9) are drawn
// from. The paper draws Tables 8 and 9 from models trained with the
// increments of its Table 7; ours sit in the store with every method
// prefixed "table7_" (artifacts/defs.bzl), beside the 4-increment models of
// Figures 9 and 10 (no prefix).
struct ModelSet {
  std::string method_prefix;  // "table7_" or ""
  std::string label;          // for a table's "models" column

  std::string Method(const std::string& method) const { return method_prefix + method; }
  // Whether a store method belongs to this set.
  bool Holds(const std::string& method) const;
};
// The paper's set first: the Table 7 optimum, then the 4 uniform increments.
const std::vector<ModelSet>& ModelSets();

// The uniform fractions of the set's trained incremental model, from the
// runtime analysis' table7_trained_fraction metrics ("0.25, 1"; "" when
// absent), and the runs they came from.
std::string TrainedFractions(const StoreView& store, const std::string& network, const ModelSet& set,
                             std::set<int64_t>* runs = nullptr);

// The first set (in ModelSets() order) with the paper-setting Table 9 result
// (energy_savings_pct of <prefix>opportunistic, key kPaperScheme, test) for
// the network; nothing when neither has one.
std::optional<ModelSet> PaperSettingModels(const StoreView& store, const std::string& network);

// "a, b, c" with separator ", ".
std::string Join(const std::vector<std::string>& parts, const std::string& separator);

// One point of an accuracy-versus-runtime curve.
struct CurvePoint {
  std::string width;  // active channels per sliced layer, "5,13,125"
  std::optional<int> increment;
  double relative_macs = 0;  // the paper's "relative runtime": MACs of the width / MACs of the full width
  double accuracy = 0;
  int64_t run_id = 0;
};

// The `accuracy` metrics of (network, method, split), each joined with the
// `relative_macs` metric of the same width, increment, method and split
// (points without one are left out), one point per width, sorted by
// relative_macs.
std::vector<CurvePoint> AccuracyCurve(const StoreView& store, const std::string& network, const std::string& method,
                                      const std::string& split);

// `present` in the paper's order (LeNet, ConvNets, ALEXnet), then any other
// network alphabetically.
std::vector<std::string> InPaperOrder(std::vector<std::string> present);

// The distinct display names of the data sets of these runs, joined by "; "
// ("" for none).
std::string DatasetLabel(const StoreView& store, const std::set<int64_t>& run_ids);

// "LeNet on Fashion-MNIST (stand-in for MNIST)"; "LeNet" when the data set is unknown.
std::string NetworkOnDataset(const std::string& network, const std::string& dataset_display_name);

// The first number of a width "5,13,125"; throws rcdnn::Error for a malformed width.
int FirstWidth(const std::string& width);

// The network's spec from <spec_dir>/<network>.net, or nothing where it
// cannot be read.
std::optional<models::NetSpec> TryLoadSpec(const ArtifactContext& context, const std::string& network);

// The full first-layer channel count: from the spec where it can be read,
// else the largest first width among `widths`.
int FullFirstWidth(const ArtifactContext& context, const std::string& network, const std::vector<std::string>& widths);

// The paper's "x/y" point label: first-layer channels of the width over the full network's.
std::string ChannelsLabel(const std::string& width, int full_first_width);

// A Missing entry for a paper network whose accuracy shards are absent.
Missing MissingShards(const ArtifactContext& context, const std::string& network, const std::string& what);

// When a row's "data set" cell names a stand-in ("... (stand-in for MNIST)"),
// adds a note that its paper comparison spans two data sets.
void NoteStandIns(Table* table);

// Adds every run of `rows` to `output.run_ids`.
void AddRuns(ArtifactOutput* output, const std::vector<CurvePoint>& points);


// One curve of a per-network accuracy figure.
struct MethodCurve {
  std::string method;  // the store's method, e.g. "incremental_golden_init"
  std::string legend;  // e.g. "incremental training, golden init"
  Series::Style style = Series::Style::kLinesPoints;
  bool labels = false;  // x/y channel labels at its points
};

// A figure with one panel per network (paper networks first): accuracy on
// `split` against relative runtime, one series per method that has points.
// Also fills the figure's data table (<id>.csv) and, for each paper network
// without any of these methods, a Missing entry.
void AddCurveFigure(const ArtifactContext& context, const std::string& id, const std::string& title,
                    const std::vector<MethodCurve>& curves, const std::string& split, ArtifactOutput* out);


// Per-image cost of one width on one platform, from the metrics `time_us`,
// `energy_uj` and `energy_paper_convention_uj` (power x time, how the paper
// counts E) with method = the platform (the accelerator's technology name,
// "fixed32_16", or "gpu" / "cpu"), the width's channel counts and key "total"
// (any split and increment). This is what accel_sim's table4 tool writes.
struct WidthCost {
  std::optional<double> time_us, energy_uj, paper_convention_energy_uj;
  std::set<int64_t> run_ids;
};
WidthCost CostOfWidth(const StoreView& store, const std::string& network, const std::string& platform,
                      const std::string& width);

// The accelerator configuration of the paper's Section 5.2 results (<32,16> fixed point).
inline constexpr char kAcceleratorMethod[] = "fixed32_16";

// Where a platform table's numbers come from: the accelerator model (its E,
// and the paper's power x time convention beside it), or a platform timed and
// metered on this machine (its E as its counter read it, or nothing).
enum class PlatformKind { kAcceleratorModel, kMeasured };

// Tables 4 and 5: T (us) and E (uJ) per increment (uniform fractions 1/4 ..
// 4/4) of every paper network on `platform`, beside `paper_table`'s values.
// A measured platform's table says how its energy was metered, or why not
// (the runs' recorded energy_source).
ArtifactOutput PlatformTable(const ArtifactContext& context, const std::string& id, const std::string& title,
                             const std::string& paper_table, const std::string& platform, PlatformKind kind,
                             const Missing& producer);

}  // namespace rcdnn::analysis::artifacts
