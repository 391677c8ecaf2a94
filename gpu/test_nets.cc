#include "gpu/test_nets.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace rcdnn::gpu::test_nets {
namespace {

// Uniform in [-1, 1) from the top 24 bits of one draw.
float Uniform(std::mt19937_64& rng) { return static_cast<float>(rng() >> 40) / 8388608.0f - 1.0f; }

}  // namespace

models::NetParams TestParams(const models::NetSpec& spec, int heads) {
  models::NetParams params = models::ZerosLike(spec, heads);
  std::mt19937_64 rng(5);
  auto fill = [&](models::LayerParams* layer) {
    const float scale = std::sqrt(3.0f / static_cast<float>(layer->weights.cols()));
    for (int64_t i = 0; i < layer->weights.size(); ++i) layer->weights.data()[i] = scale * Uniform(rng);
    for (int64_t i = 0; i < layer->bias.size(); ++i) layer->bias[i] = 0.1f * Uniform(rng);
  };
  for (models::LayerParams& layer : params.sliced) fill(&layer);
  for (models::LayerParams& layer : params.heads) fill(&layer);
  return params;
}

std::vector<float> TestImages(const models::NetSpec& spec, int n) {
  std::mt19937_64 rng(9);
  std::vector<float> images(int64_t{n} * spec.input_channels * spec.input_height * spec.input_width);
  for (float& v : images) v = Uniform(rng);
  return images;
}

std::vector<models::Widths> WidthsToTest(const models::NetSpec& spec) {
  std::vector<models::Widths> all;
  for (double fraction : {0.25, 0.5, 0.75, 1.0}) all.push_back(models::UniformWidths(spec, fraction));
  models::Widths odd;
  const models::Widths full = models::FullWidths(spec);
  for (size_t j = 0; j < full.size(); ++j) odd.push_back(j == 0 ? 1 : (full[j] / 3) | 1);
  all.push_back(odd);
  return all;
}

void ExpectLogitsNear(const std::vector<float>& actual, const models::RowMatrix& expected) {
  ASSERT_EQ(actual.size(), static_cast<size_t>(expected.size()));
  const float scale = std::max(1.0f, expected.cwiseAbs().maxCoeff());
  const int classes = static_cast<int>(expected.cols());
  for (int i = 0; i < expected.rows(); ++i) {
    for (int c = 0; c < classes; ++c) {
      EXPECT_NEAR(actual[i * classes + c], expected(i, c), 1e-4f * scale) << "image " << i << " class " << c;
    }
  }
}

}  // namespace rcdnn::gpu::test_nets
