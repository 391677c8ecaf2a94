#include "models/runtime/big_little.h"

#include "common/error.h"

namespace rcdnn::models::runtime {
namespace {

std::vector<Rung> Rungs(const BigLittleNetwork& little, const BigLittleNetwork& big, bool validation) {
  const PredictionSet* l = validation ? little.validation : little.test;
  const PredictionSet* b = validation ? big.validation : big.test;
  if (l == nullptr || b == nullptr) {
    throw Error(std::string("Big/Little: missing ") + (validation ? "validation" : "test") + " predictions");
  }
  return {Rung{l, little.fraction, little.energy, little.time}, Rung{b, big.fraction, big.energy, big.time}};
}

}  // namespace

TunedScheme RunBigLittle(const BigLittleNetwork& little, const BigLittleNetwork& big, ThresholdCriterion criterion,
                         const ThresholdSearchOptions& options) {
  return TuneOnValidationRunOnTest(Rungs(little, big, true), Rungs(little, big, false), Reuse::kNone, criterion,
                                   options);
}

EscalationResult RunBigLittleAt(const BigLittleNetwork& little, const BigLittleNetwork& big, double threshold) {
  return RunEscalation(Rungs(little, big, false), {threshold}, Reuse::kNone);
}

}  // namespace rcdnn::models::runtime
