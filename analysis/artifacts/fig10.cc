// Figure 10: test accuracy against relative runtime of incremental training
// with golden initialisation (4 increments) and the golden models, one panel
// per network ((a) MNIST, (b) SVHN, (c) CIFAR-10 in the paper).
#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Fig10(const ArtifactContext& context) {
  ArtifactOutput out;
  AddCurveFigure(context, "fig10", "Figure 10: test accuracy, incremental (golden init) vs golden",
                 {{"incremental_golden_init", "incremental training, golden init", Series::Style::kLinesPoints, true},
                  {"golden", "golden models (one per width)", Series::Style::kLinesPoints, false}},
                 "test", &out);
  out.notes.push_back("Relative runtime is relative MACs; point labels x/y: channels of the first layer / full.");
  return out;
}

}  // namespace rcdnn::analysis::artifacts
