// Table 3: the benchmark networks' architectures. Ours are the spec files
// models/spec/<network>.net; each layer the paper lists is compared with the
// spec's, and the MACs and parameter counts each width gives are added.
#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/networks.h"
#include "models/spec/shapes.h"

namespace rcdnn::analysis::artifacts {
namespace {

// A layer as Table 3 writes it: "conv 5×5×20", "maxpool 2×2", "innerproduct 500".
std::string Describe(const models::LayerSpec& layer, const models::LayerShape& shape) {
  const std::string k = std::to_string(layer.kernel) + "×" + std::to_string(layer.kernel);
  switch (layer.kind) {
    case models::LayerKind::kConv: return "conv " + k + "×" + std::to_string(layer.outputs);
    case models::LayerKind::kMaxPool: return "maxpool " + k;
    case models::LayerKind::kAvgPool: return "avgpool " + k;
    case models::LayerKind::kFc: return "innerproduct " + std::to_string(shape.out_channels);
    case models::LayerKind::kRelu: return "relu";
  }
  return "?";
}

std::string InputText(const models::NetSpec& spec) {
  std::string text = std::to_string(spec.input_height) + "×" + std::to_string(spec.input_width);
  return spec.input_channels == 1 ? text : text + "×" + std::to_string(spec.input_channels);
}

std::string ShapeText(const models::LayerShape& s) {
  return std::to_string(s.out_channels) + "×" + std::to_string(s.out_height) + "×" + std::to_string(s.out_width);
}

int64_t Params(const std::vector<models::LayerShape>& shapes) {
  int64_t total = 0;
  for (const models::LayerShape& s : shapes) total += s.weight_count + s.bias_count;
  return total;
}

}  // namespace

ArtifactOutput Table3(const ArtifactContext& context) {
  ArtifactOutput out;
  Table layers{"table3", "Table 3: benchmark network architectures (paper) against models/spec (ours), full width",
               {"network", "paper row", "paper", "ours", "same", "output C×H×W", "MACs", "parameters"}, {}, {}};
  Table widths{"table3_widths", "Table 3 (added): MACs and parameters per uniform width",
               {"network", "fraction", "widths", "MACs", "relative MACs", "parameters", "relative parameters"}, {}, {}};
  int mismatches = 0;
  for (const PaperNetwork& network : PaperNetworks()) {
    const std::optional<models::NetSpec> spec = TryLoadSpec(context, network.id);
    if (!spec) {
      out.missing.push_back({"no spec file " + context.spec_dir + "/" + network.id + ".net",
                             "render --spec-dir <folder holding " + network.id + ".net> (models/spec)"});
      continue;
    }
    const auto full_shapes = models::InferShapes(*spec, models::FullWidths(*spec));
    // Our rows: the input, then every layer Table 3 lists (it omits ReLUs).
    std::vector<std::pair<std::string, const models::LayerShape*>> ours = {{InputText(*spec), nullptr}};
    for (size_t i = 0; i < spec->layers.size(); ++i) {
      if (spec->layers[i].kind == models::LayerKind::kRelu) continue;
      ours.push_back({Describe(spec->layers[i], full_shapes[i]), &full_shapes[i]});
    }
    std::vector<const PaperValue*> paper;
    for (const PaperValue* v : context.paper.OfTable("table3")) {
      if (v->column == network.paper_name) paper.push_back(v);
    }
    const size_t n = std::max(ours.size(), paper.size());
    for (size_t i = 0; i < n; ++i) {
      const std::string paper_text = i < paper.size() ? paper[i]->text : "";
      const std::string our_text = i < ours.size() ? ours[i].first : "";
      const models::LayerShape* shape = i < ours.size() ? ours[i].second : nullptr;
      const bool same = paper_text == our_text;
      mismatches += same ? 0 : 1;
      layers.rows.push_back({network.paper_name, i < paper.size() ? paper[i]->row : "", paper_text, our_text,
                             same ? "yes" : "no", shape ? ShapeText(*shape) : "",
                             shape ? std::to_string(shape->macs) : "",
                             shape ? std::to_string(shape->weight_count + shape->bias_count) : ""});
    }
    const int64_t full_macs = models::TotalMacs(full_shapes), full_params = Params(full_shapes);
    layers.rows.push_back({network.paper_name, "total", "", "", "", "", std::to_string(full_macs),
                           std::to_string(full_params)});
    for (double fraction : {0.25, 0.5, 0.75, 1.0}) {
      const models::Widths w = models::UniformWidths(*spec, fraction);
      const auto shapes = models::InferShapes(*spec, w);
      const int64_t macs = models::TotalMacs(shapes), params = Params(shapes);
      widths.rows.push_back({network.paper_name, FormatNumber(fraction, Fixed(2)), models::WidthsToString(w),
                             std::to_string(macs), FormatNumber(static_cast<double>(macs) / full_macs, Fixed(4)),
                             std::to_string(params), FormatNumber(static_cast<double>(params) / full_params, Fixed(4))});
    }
  }
  layers.notes.push_back("ReLU layers, which Table 3 does not list, are left out; every choice Table 3 leaves "
                         "implicit (stride, padding, non-linearities) is stated in the spec file's comments.");
  layers.notes.push_back(std::to_string(mismatches) + " listed layer(s) differ from the paper's text.");
  widths.notes.push_back("Channels = round(fraction × full), halves up, at least 1; the classifier keeps its outputs. "
                         "Parameters = weights + biases.");
  out.tables = {layers, widths};
  out.notes.push_back("Table 3 is an input of the reproduction (the spec files), so it holds no measured value; the "
                      "comparison checks that the specs list the layers the paper lists.");
  return out;
}

}  // namespace rcdnn::analysis::artifacts
