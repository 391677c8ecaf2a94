// Figure 9: validation accuracy against relative runtime for the golden
// models, incremental training, incremental training with golden
// initialisation and channel shutdown of the full golden model, plus the
// budget-matched golden control (the full network trained for as many
// iterations as all increments together). The paper shows ALEXnet; every
// network with these results gets a panel.
#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Fig9(const ArtifactContext& context) {
  ArtifactOutput out;
  AddCurveFigure(context, "fig9", "Figure 9: validation accuracy of the training schemes",
                 {{"golden", "golden models (one per width)", Series::Style::kLinesPoints, true},
                  {"incremental", "incremental training", Series::Style::kLinesPoints, false},
                  {"incremental_golden_init", "incremental training, golden init", Series::Style::kLinesPoints, false},
                  {"shutdown", "channel shutdown of the full golden model", Series::Style::kLinesPoints, false},
                  {"budget_golden", "full golden, budget-matched iterations", Series::Style::kPoints, false}},
                 "val", &out);
  out.notes.push_back("Budget-matched golden: the full network trained for as many iterations as the four "
                      "increments together (not in the paper; it separates the effect of incremental training from "
                      "that of a longer schedule).");
  out.notes.push_back("Relative runtime is relative MACs; point labels x/y: channels of the first layer / full.");
  return out;
}

}  // namespace rcdnn::analysis::artifacts
