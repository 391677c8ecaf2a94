// Per-layer forward time of one sub-network on the CPU: which layer dominates
// a width's latency (used to explain a width that is slower than a wider one).
// Each layer of the spec runs on its own (MakeLayer, no ReLU fusion), batch 1,
// at the width's shapes, with `warmup` untimed and `repetitions` timed calls.
// The sum of the layers is close to, not equal to, a Network::Forward: the
// network fuses ReLUs and shares buffers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "benchmarks/timing.h"
#include "models/engine/params.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::benchmarks {

struct LayerTime {
  std::string layer;  // LayerSpec::name
  std::string kind;   // LayerKindName
  int64_t macs = 0;
  LatencyStats stats;
};

std::vector<LayerTime> ProfileLayers(const models::NetSpec& spec, const models::NetParams& params,
                                     const models::Widths& widths, int head, int warmup, int repetitions);

}  // namespace rcdnn::benchmarks
