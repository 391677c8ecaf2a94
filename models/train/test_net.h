// A tiny network and a learnable synthetic data set for the trainer tests:
// class c of 3 lights up a different quadrant pattern of an 8x8 image.
#pragma once

#include <cstdint>
#include <random>

#include "models/data/dataset.h"
#include "models/spec/net_spec.h"
#include "models/train/solver_config.h"

namespace rcdnn::models::testing {

inline NetSpec TinySpec() {
  return ParseNetSpec(
      "network tiny\n"
      "input channels=1 height=8 width=8\n"
      "conv name=conv1 filters=8 kernel=3 stride=1 pad=1\n"
      "relu name=relu1\n"
      "pool name=pool1 op=max kernel=2 stride=2 pad=0\n"
      "fc name=ip1 outputs=12\n"
      "relu name=relu2\n"
      "fc name=ip2 outputs=3\n",
      "tiny.net");
}

// A fixed-rate SGD solver for the tiny network, `iterations` steps.
inline SolverConfig TinySolver(int64_t iterations) {
  SolverConfig config;
  config.base_lr = 0.05;
  config.momentum = 0.9;
  config.weight_decay = 0.0005;
  config.lr_policy = "fixed";
  config.batch_size = 16;
  config.max_iter = iterations;
  return config;
}

inline data::ImageSet SyntheticImages(int n, uint64_t seed) {
  data::ImageSet set;
  set.channels = 1;
  set.height = set.width = 8;
  set.images.resize(static_cast<size_t>(n) * 64);
  set.labels.resize(n);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < n; ++i) {
    const int label = static_cast<int>(rng() % 3);
    set.labels[i] = static_cast<uint8_t>(label);
    for (int p = 0; p < 64; ++p) {
      const int y = p / 8, x = p % 8;
      const bool lit = label == 0 ? y < 4 : label == 1 ? x < 4 : (x + y) % 2 == 0;
      const float noise = static_cast<float>(static_cast<int64_t>(rng() % 1000) - 500) / 1000.0f;
      set.images[static_cast<size_t>(i) * 64 + p] = (lit ? 1.0f : 0.0f) + 0.6f * noise;
    }
  }
  return set;
}

}  // namespace rcdnn::models::testing
