// Shared by the simulator tests: the paper's three networks, small networks
// written inline, the technology files, and seeded random weights.
#pragma once

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "accel_sim/simulator.h"
#include "accel_sim/tech_config.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::accel::testing {

inline TechConfig Tech32() { return LoadTechConfig("accel_sim/tech/fixed32_16.tech"); }
inline TechConfig Tech16() { return LoadTechConfig("accel_sim/tech/fixed16_10.tech"); }
inline TechConfig TechFloat() { return LoadTechConfig("accel_sim/tech/float32.tech"); }

inline std::vector<models::NetSpec> PaperNetworks() {
  return {models::LoadNetSpec("models/spec/lenet.net"), models::LoadNetSpec("models/spec/convnets.net"),
          models::LoadNetSpec("models/spec/alexnet.net")};
}

// Table 4's four increments.
inline const std::vector<double>& PaperFractions() {
  static const std::vector<double> fractions = {0.25, 0.5, 0.75, 1.0};
  return fractions;
}

inline models::NetSpec Spec(const std::string& text) { return models::ParseNetSpec(text, "test.net"); }

// Every weight and bias of this network fits Sb at once (10,304 weights of
// 20,480 words), every activation fits Bin / Bout: from the second image on,
// conv2 touches no DRAM at all.
inline models::NetSpec OnChipNet() {
  return Spec(
      "network onchip\n"
      "input channels=4 height=8 width=8\n"
      "conv name=conv1 filters=16 kernel=3 stride=1 pad=0\n"
      "relu name=relu1\n"
      "conv name=conv2 filters=32 kernel=3 stride=1 pad=0\n"
      "relu name=relu2\n"
      "fc name=ip1 outputs=10\n");
}

// A small conv net with every layer kind, odd channel counts (tails) and
// padding, for the bit-accurate tests.
inline models::NetSpec MixedNet() {
  return Spec(
      "network mixed\n"
      "input channels=3 height=13 width=13\n"
      "conv name=conv1 filters=17 kernel=3 stride=1 pad=1\n"
      "relu name=relu1\n"
      "pool name=pool1 op=max kernel=3 stride=2 pad=0\n"
      "conv name=conv2 filters=20 kernel=3 stride=1 pad=1\n"
      "relu name=relu2\n"
      "pool name=pool2 op=avg kernel=3 stride=2 pad=0\n"
      "fc name=ip1 outputs=33\n"
      "relu name=relu3\n"
      "fc name=ip2 outputs=10\n");
}

// He-style weights (std sqrt(2 / fan_in)) and small biases: activations of
// order one, the magnitudes a trained ReLU network has.
inline NetWeights RandomWeights(const models::NetSpec& spec, uint64_t seed, double scale = 1.0) {
  std::mt19937_64 rng(seed);
  const std::vector<models::LayerShape> full = models::InferShapes(spec, models::FullWidths(spec));
  NetWeights weights;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    if (!spec.layers[i].HasWeights()) continue;
    LayerWeights w;
    w.layer = spec.layers[i].name;
    w.rows = full[i].out_channels;
    w.cols = static_cast<int>(full[i].weight_count / w.rows);
    std::normal_distribution<float> dist(0.0f, static_cast<float>(scale * std::sqrt(2.0 / w.cols)));
    std::uniform_real_distribution<float> bias(-0.1f, 0.1f);
    for (int64_t j = 0; j < full[i].weight_count; ++j) w.weights.push_back(dist(rng));
    for (int r = 0; r < w.rows; ++r) w.biases.push_back(bias(rng));
    weights.layers.push_back(std::move(w));
  }
  return weights;
}

inline std::vector<float> RandomImage(const models::NetSpec& spec, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  std::vector<float> image(int64_t{spec.input_channels} * spec.input_height * spec.input_width);
  for (float& v : image) v = pixel(rng);
  return image;
}

}  // namespace rcdnn::accel::testing
