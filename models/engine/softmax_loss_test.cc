#include "models/engine/softmax_loss.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.h"
#include "models/engine/reference_layers.h"
#include "models/engine/test_util.h"

namespace rcdnn::models {
namespace {

using testing::CentralDifference;
using testing::GradientNear;
using testing::Random;

class SoftmaxLossTest : public ::testing::TestWithParam<int> {};

TEST_P(SoftmaxLossTest, LossAndGradientMatchReference) {
  const int classes = GetParam(), n = 5;
  Random random(41);
  const std::vector<float> logits = random.Vector(n * classes, -4.0f, 4.0f);
  std::vector<uint8_t> labels(n);
  for (int i = 0; i < n; ++i) labels[i] = static_cast<uint8_t>(random.Int(classes));
  std::vector<float> dlogits(logits.size());
  const double loss = SoftmaxCrossEntropy(logits.data(), labels.data(), n, classes, 1.0f / n, dlogits.data());

  std::vector<double> ref(logits.begin(), logits.end());
  auto mean_loss = [&] {
    double total = 0;
    for (int i = 0; i < n; ++i) {
      total += ReferenceCrossEntropy(std::vector<double>(ref.begin() + i * classes, ref.begin() + (i + 1) * classes),
                                     labels[i]);
    }
    return total / n;
  };
  EXPECT_NEAR(loss / n, mean_loss(), 1e-6);
  for (size_t i = 0; i < ref.size(); ++i) {
    EXPECT_TRUE(GradientNear(dlogits[i], CentralDifference(&ref[i], mean_loss), 1e-6, 1e-4)) << i;
  }
  // Without dlogits only the loss is computed.
  EXPECT_EQ(SoftmaxCrossEntropy(logits.data(), labels.data(), n, classes, 1.0f, nullptr), loss);
}

INSTANTIATE_TEST_SUITE_P(Classes, SoftmaxLossTest, ::testing::Values(1, 2, 10, 17));

TEST(SoftmaxTest, LargeLogitsStayFinite) {
  const float logits[] = {1000.0f, 999.0f, -1000.0f};
  float p[3];
  Softmax(logits, 3, p);
  EXPECT_NEAR(p[0], 1 / (1 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(p[1], std::exp(-1.0) / (1 + std::exp(-1.0)), 1e-6);
  EXPECT_EQ(p[2], 0.0f);
  const uint8_t label = 2;
  const double loss = SoftmaxCrossEntropy(logits, &label, 1, 3, 1.0f, nullptr);
  EXPECT_NEAR(loss, 2000.0 + std::log(1 + std::exp(-1.0)), 1e-3);
}

struct MarginCase {
  std::vector<float> scores;
  int top_class;
  float margin;
  const char* why;
};

TEST(TopTwoMarginTest, Table) {
  const double e = std::exp(1.0);
  const MarginCase cases[] = {
      {{0, 0}, 0, 0.0f, "a tie: the first index wins, margin 0"},
      {{1, 0}, 0, static_cast<float>((e - 1) / (e + 1)), "two classes: p1 - p2 = tanh(1/2)"},
      {{0, 1, 1}, 1, 0.0f, "tie for the top between 1 and 2: class 1, margin 0"},
      {{0, 0, std::log(2.0f)}, 2, 0.25f, "p = 1/4, 1/4, 1/2"},
      {{5}, 0, 1.0f, "one class: margin 1"},
      {{-1000, 1000, 0}, 1, 1.0f, "saturated"},
      {{3, 3, 3, 3, 4}, 4, static_cast<float>((e - 1) / (e + 4)), "second is the first of a tie"},
  };
  for (const MarginCase& c : cases) {
    int top = -1;
    float margin = -1;
    TopTwoMargin(c.scores.data(), static_cast<int>(c.scores.size()), &top, &margin);
    EXPECT_EQ(top, c.top_class) << c.why;
    EXPECT_NEAR(margin, c.margin, 1e-6) << c.why;
  }
}

TEST(TopTwoMarginTest, EqualsDifferenceOfSoftmaxProbabilities) {
  Random random(43);
  for (int trial = 0; trial < 50; ++trial) {
    const std::vector<float> scores = random.Vector(10, -5, 5);
    std::vector<float> p(10);
    Softmax(scores.data(), 10, p.data());
    std::vector<float> sorted = p;
    std::sort(sorted.rbegin(), sorted.rend());
    int top;
    float margin;
    TopTwoMargin(scores.data(), 10, &top, &margin);
    EXPECT_EQ(p[top], sorted[0]);
    EXPECT_NEAR(margin, sorted[0] - sorted[1], 1e-6);
  }
}

TEST(TopTwoMarginTest, RejectsNoClasses) {
  int top;
  float margin;
  EXPECT_THROW(TopTwoMargin(nullptr, 0, &top, &margin), Error);
}

}  // namespace
}  // namespace rcdnn::models
