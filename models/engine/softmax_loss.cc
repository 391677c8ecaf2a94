#include "models/engine/softmax_loss.h"

#include <cmath>
#include <string>

#include "common/error.h"

namespace rcdnn::models {

void Softmax(const float* logits, int classes, float* probabilities) {
  float max = logits[0];
  for (int c = 1; c < classes; ++c) max = logits[c] > max ? logits[c] : max;
  double sum = 0.0;
  for (int c = 0; c < classes; ++c) {
    probabilities[c] = std::exp(logits[c] - max);
    sum += probabilities[c];
  }
  const float inverse = static_cast<float>(1.0 / sum);
  for (int c = 0; c < classes; ++c) probabilities[c] *= inverse;
}

double SoftmaxCrossEntropy(const float* logits, const uint8_t* labels, int n, int classes, float grad_scale,
                           float* dlogits) {
  double loss = 0.0;
  for (int i = 0; i < n; ++i) {
    const float* row = logits + int64_t{i} * classes;
    float max = row[0];
    for (int c = 1; c < classes; ++c) max = row[c] > max ? row[c] : max;
    double sum = 0.0;
    for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(row[c]) - max);
    // -log p[label] = log(sum) - (row[label] - max)
    loss += std::log(sum) - (static_cast<double>(row[labels[i]]) - max);
    if (dlogits == nullptr) continue;
    float* grad = dlogits + int64_t{i} * classes;
    const double inverse = 1.0 / sum;
    for (int c = 0; c < classes; ++c) {
      const double p = std::exp(static_cast<double>(row[c]) - max) * inverse;
      grad[c] = static_cast<float>((p - (c == labels[i] ? 1.0 : 0.0)) * grad_scale);
    }
  }
  return loss;
}

void TopTwoMargin(const float* scores, int classes, int* top_class, float* margin) {
  if (classes < 1) throw Error("TopTwoMargin: classes is " + std::to_string(classes) + ", must be >= 1");
  int top = 0;
  for (int c = 1; c < classes; ++c) top = scores[c] > scores[top] ? c : top;
  *top_class = top;
  if (classes == 1) {
    *margin = 1.0f;
    return;
  }
  int second = top == 0 ? 1 : 0;
  for (int c = 0; c < classes; ++c) {
    if (c != top && scores[c] > scores[second]) second = c;
  }
  // p1 - p2 = (1 - exp(s2 - s1)) / sum_j exp(s_j - s1), all terms <= 1.
  double sum = 0.0;
  for (int c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(scores[c]) - scores[top]);
  *margin = static_cast<float>(-std::expm1(static_cast<double>(scores[second]) - scores[top]) / sum);
}

}  // namespace rcdnn::models
