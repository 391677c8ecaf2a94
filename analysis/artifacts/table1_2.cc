// Tables 1 and 2: the synthesised accelerator's area, power and delay per
// arithmetic (Table 1) and per component (Table 2). They are inputs of our
// accelerator model: the technology files accel_sim/tech/*.tech take them
// from the paper, and accel_sim's table4 tool stores them (metrics
// table1_area_mm2 / table1_power_mw / table1_delay_ns and table2_area_um2 /
// table2_power_mw with key component=<name>, method = technology name). The
// "ours" columns therefore check that the model runs on the paper's numbers;
// 65 nm synthesis itself is not reproduced.
#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"

namespace rcdnn::analysis::artifacts {
namespace {

const Missing kProducer{"no technology metrics (table1_* / table2_*) of accel_sim's technology files",
                        "bazel run //accel_sim:table4 -- --db <shard.db>  (then pass the shard to render --shards)"};

std::optional<double> TechValue(const ArtifactContext& context, const std::string& name, const std::string& tech,
                                const std::string& key, ArtifactOutput* out) {
  results::MetricFilter filter;
  filter.name = name;
  filter.method = tech;
  for (const results::MetricRow& row : context.store.Query(filter)) {
    if (row.metric.key != key) continue;
    out->run_ids.insert(row.run_id);
    return row.metric.value;
  }
  return std::nullopt;
}

const char kNote[] = "An input of the accelerator model: 'ours' is the value our technology file (accel_sim/tech) "
                     "carries, so a difference means the model does not run on the paper's number; synthesis in 65 nm "
                     "is not reproduced.";

}  // namespace

ArtifactOutput Table1(const ArtifactContext& context) {
  ArtifactOutput out;
  out.reproduced = false;
  const Comparison value{"value", Significant(6), false};
  Table table{"table1", "Table 1: hardware characteristics per arithmetic and bit width",
              {"design", "technology file", "quantity", "unit"}, {}, {}};
  Append(&table.header, value.Header());
  const std::pair<const char*, const char*> designs[] = {
      {"Floating Point", "float32"}, {"Fixed Point <32,16>", "fixed32_16"}, {"Fixed Point <16,10>", "fixed16_10"}};
  const std::pair<const char*, const char*> quantities[] = {
      {"Area", "table1_area_mm2"}, {"Power", "table1_power_mw"}, {"Delay", "table1_delay_ns"}};
  bool any = false;
  for (const auto& [design, tech] : designs) {
    for (const auto& [column, metric] : quantities) {
      const PaperValue* paper = context.paper.Find("table1", design, column);
      const std::optional<double> ours = TechValue(context, metric, tech, "", &out);
      any = any || ours.has_value();
      std::vector<std::string> row = {design, tech, column, paper ? paper->unit : ""};
      Append(&row, value.Cells(paper ? paper->number : std::nullopt, ours));
      table.rows.push_back(row);
    }
  }
  if (!any) out.missing.push_back(kProducer);
  table.notes.push_back(kNote);
  out.tables.push_back(table);
  return out;
}

ArtifactOutput Table2(const ArtifactContext& context) {
  ArtifactOutput out;
  out.reproduced = false;
  const Comparison value{"value", Significant(6), false};
  Table table{"table2", "Table 2: breakdown of the <32,16> fixed-point accelerator by component",
              {"component", "quantity", "unit"}, {}, {}};
  Append(&table.header, value.Header());
  // The paper's rows and our technology file's component keys ("" where it has none).
  const std::pair<const char*, const char*> components[] = {
      {"Total", "total"},      {"Combinational", "combinational"},       {"Buffer/Inverter", ""},
      {"Registers", "registers"}, {"Memory", "memory"},                   {"Sb (Weights Buffer)", "sb"},
      {"Bin (Input Buffer)", "bin"}, {"Bout (Output Buffer)", "bout"},   {"NFU (Functional Unit)", "nfu"},
      {"Control Logic", "control"}};
  const std::string tech = kAcceleratorMethod;
  const auto total_area = TechValue(context, "table2_area_um2", tech, "component=total", &out);
  const auto total_power = TechValue(context, "table2_power_mw", tech, "component=total", &out);
  bool any = false;
  for (const auto& [component, key] : components) {
    for (const char* column : {"Area", "Area %", "Power", "Power %"}) {
      const PaperValue* paper = context.paper.Find("table2", component, column);
      if (paper == nullptr) continue;
      std::optional<double> ours;
      if (*key != '\0') {
        const bool area = std::string(column).rfind("Area", 0) == 0;
        const auto v = TechValue(context, area ? "table2_area_um2" : "table2_power_mw", tech,
                                 std::string("component=") + key, &out);
        const auto total = area ? total_area : total_power;
        const bool percent = std::string(column).find('%') != std::string::npos;
        if (v && (!percent || (total && *total > 0))) ours = percent ? 100.0 * *v / *total : *v;
      }
      any = any || ours.has_value();
      std::vector<std::string> row = {component, column, paper->unit};
      // Areas in whole um2, percentages with the paper's two decimals.
      const Comparison format{"value",
                              paper->unit == "um2" ? Fixed(0) : paper->unit == "%" ? Fixed(2) : Significant(6), false};
      std::vector<std::string> cells = format.Cells(paper->number, ours);
      if (!paper->number) cells[0] = paper->text;  // "Neg."
      Append(&row, cells);
      table.rows.push_back(row);
    }
  }
  if (!any) out.missing.push_back(kProducer);
  table.notes.push_back(kNote);
  table.notes.push_back("The paper prints the Registers and Memory areas as 14,133,270 um2, the Total; their Area (%) "
                        "cells imply about 91,866 and 12,821,702 um2.");
  out.tables.push_back(table);
  return out;
}

}  // namespace rcdnn::analysis::artifacts
