// A forward-only network with DyVEDeep's effort knobs, on the engine's
// channel-sliced parameters (any Widths, any head, as models::Network).
//
//   KnobbedNetwork net(model.spec, model.params);
//   KnobWorkspace workspace;
//   KnobStats stats;
//   net.Forward(images, n, widths, head, ParseKnobSettings("sat=0.5,sim=0.05"), &workspace, &stats, logits);
//
// Plan: the engine's (network.h): a ReLU directly after a conv/fc layer is
// fused into it, other ReLUs run in place, the classifier is never fused.
// A layer on which no knob acts runs the engine's own layer (models/engine
// MakeLayer) on the whole batch, on the same activation layout; so with every
// knob off the logits are BIT-IDENTICAL to models::Network::Forward with one
// thread (any n), or with any thread count at n = 1. A layer on which a knob
// acts runs knobbed_layers.h image by image:
//   conv:  sampling and similarity always apply; saturation where the output
//          reaches the network only through a ReLU (a fused ReLU, or max pool
//          then ReLU);
//   fc:    saturation only, and only with a fused ReLU;
//   classifier, pooling, ReLU: never knobbed.
// Single-threaded (the knobbed kernels are direct loops; latency is measured
// at one thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/dyvedeep/knobbed_layers.h"
#include "models/dyvedeep/knobs.h"
#include "models/engine/layer.h"
#include "models/engine/params.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models::dyvedeep {

// Work of a run, per conv/fc layer in spec order (classifier included).
struct KnobStats {
  std::vector<LayerCounts> layers;
  int64_t images = 0;
  int64_t TotalMacs() const;
  int64_t ExecutedMacs() const;
  void Add(const KnobStats& other);  // layers must match (or this one be empty)
};

// Buffers of one caller, grown on first use; not shareable between concurrent calls.
struct KnobWorkspace {
  std::vector<float> activations;
  std::vector<float> scratch;
  KnobScratch knob;
};

class KnobbedNetwork {
 public:
  // Precomputes the knobs' weight statistics from `params` (validated against
  // the spec; throws rcdnn::Error naming the layer). `params` is referenced,
  // not copied: it must outlive this object and not change.
  KnobbedNetwork(NetSpec spec, const NetParams& params);
  ~KnobbedNetwork();

  const NetSpec& spec() const { return spec_; }

  // logits (n x classes) of sub-network `widths` with classifier `head` under
  // `settings`; adds the run's counts to *stats when not null. Throws
  // rcdnn::Error for bad widths, head, logits shape or settings.
  void Forward(const float* images, int n, const Widths& widths, int head, const KnobSettings& settings,
               KnobWorkspace* workspace, KnobStats* stats, Eigen::Ref<RowMatrix> logits) const;

  // Names of the conv/fc layers, in KnobStats::layers order.
  std::vector<std::string> CountedLayers() const;

 private:
  struct Step {
    int layer = 0;           // index into spec_.layers
    int param_index = -1;    // NetParams::sliced index, kHead for the classifier, -1 none
    bool in_place = false;   // ReLU over its input
    bool fused_relu = false;
    bool saturating = false; // output reaches the network only through a ReLU
    int counted = -1;        // index into KnobStats::layers, -1 none
    std::unique_ptr<Layer> impl;
  };
  static constexpr int kHead = -2;

  NetSpec spec_;
  const NetParams& params_;
  std::vector<Step> steps_;
  std::vector<ConvTables> conv_tables_;  // per sliced layer (empty for fc)
  std::vector<FcTables> fc_tables_;      // per sliced layer (empty for conv)
  std::vector<std::string> counted_;
  std::vector<int64_t> output_offset_;   // per step, floats per image, as the engine lays them out
  int64_t activation_floats_ = 0, scratch_floats_ = 0;
};

}  // namespace rcdnn::models::dyvedeep
