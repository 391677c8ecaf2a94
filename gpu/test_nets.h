// Test inputs shared by the GPU path's tests: weights and images from fixed
// seeds, and the sub-networks worth comparing against the CPU engine.
#pragma once

#include <vector>

#include "models/engine/params.h"
#include "models/spec/net_spec.h"

namespace rcdnn::gpu::test_nets {

// Weights uniform in +-sqrt(3 / fan_in) and biases in +-0.1 (InitParams's
// biases are zero and alexnet's conv1 gaussian is tiny: neither would test
// much), from a fixed seed.
models::NetParams TestParams(const models::NetSpec& spec, int heads);

// n images of uniform values in [-1, 1), from a fixed seed.
std::vector<float> TestImages(const models::NetSpec& spec, int n);

// Uniform widths 25/50/75/100 %, then tail widths (one channel in the first
// sliced layer, odd counts after it).
std::vector<models::Widths> WidthsToTest(const models::NetSpec& spec);

// Every value of `actual` (n x classes, row-major) within 1e-4 of the
// largest |expected| (at least 1) of the CPU engine's logits.
void ExpectLogitsNear(const std::vector<float>& actual, const models::RowMatrix& expected);

}  // namespace rcdnn::gpu::test_nets
