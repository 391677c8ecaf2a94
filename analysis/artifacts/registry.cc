#include "analysis/artifacts/artifacts.h"

namespace rcdnn::analysis {

const std::vector<ArtifactEntry>& AllArtifacts() {
  using namespace artifacts;
  static const std::vector<ArtifactEntry> entries = {
      // id       title (the paper's caption, shortened)                                   function
      {"table1", "Table 1: hardware characteristics per arithmetic and bit width",          Table1},
      {"table2", "Table 2: breakdown of the accelerator by component",                      Table2},
      {"table3", "Table 3: benchmark network architectures",                                Table3},
      {"table4", "Table 4: energy and time per image on the accelerator",                   Table4},
      {"table5", "Table 5: energy and time per image on an embedded GPU / CPU",             Table5},
      {"table6", "Table 6: additional storage vs Big/Little",                               Table6},
      {"table7", "Table 7: number of increments, fractions and score-margin thresholds",    Table7},
      {"table8", "Table 8: accuracy and energy per increment",                              Table8},
      {"table9", "Table 9: energy savings and accuracy drop of the dynamic configuration",  Table9},
      {"fig6",   "Figure 6: golden models' validation accuracy vs relative runtime",        Fig6},
      {"fig7",   "Figure 7: top-2 score margin histograms, correct and wrong inferences",   Fig7},
      {"fig8",   "Figure 8: the accelerator tile as simulated (block diagram)",             Fig8},
      {"fig9",   "Figure 9: training schemes compared (validation accuracy)",               Fig9},
      {"fig10",  "Figure 10: test accuracy, incremental (golden init) vs golden",           Fig10},
      {"fig11",  "Figure 11: feedback controller under an energy budget",                   Fig11},
      // Beyond the paper: the related systems on the same harness (issue 8).
      {"pareto", "Related systems: accuracy against energy and latency, every method",      Pareto},
  };
  return entries;
}

const ArtifactEntry* FindArtifact(const std::string& id) {
  for (const ArtifactEntry& entry : AllArtifacts()) {
    if (entry.id == id) return &entry;
  }
  return nullptr;
}

std::string ArtifactIds() {
  std::string ids;
  for (const ArtifactEntry& entry : AllArtifacts()) ids += (ids.empty() ? "" : ", ") + entry.id;
  return ids;
}

}  // namespace rcdnn::analysis
