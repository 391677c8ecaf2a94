// DyVEDeep's knobs inside one conv or fc layer, for one image (knobs.h says
// what each knob does). The kernels are direct loops: every output neuron is a
// dot product of its weight row with its input patch, accumulated in a fixed
// order (8 lanes, then a fixed tree), so results do not depend on memory
// alignment, and every multiply-accumulate is counted as it is executed.
//
// What counts as a MAC: one multiply-accumulate of an activation with a
// weight (padding taps included, as LayerShape::macs counts them). Also one
// MAC: each mean x kernel-sum product of the similarity knob. Not MACs (and
// not counted): the bias, the additions of an interpolation and its scaling by
// 1/2 or 1/4, the comparisons of the knobs' tests, and the weight statistics
// (kernel sums, |w| sums), which depend only on the weights and are computed
// once per model (ConvTables, FcTables), as DyVEDeep precomputes its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "models/dyvedeep/knobs.h"
#include "models/engine/conv_layer.h"
#include "models/engine/params.h"

namespace rcdnn::models::dyvedeep {

// One conv/fc layer's work, summed over the images run.
struct LayerCounts {
  std::string layer;             // the spec's layer name
  int64_t total_macs = 0;        // what the plain layer executes (LayerShape::macs per image)
  int64_t executed_macs = 0;
  int64_t saturated_neurons = 0;      // stopped at the checkpoint (output 0)
  int64_t interpolated_outputs = 0;   // selective sampling: outputs interpolated, not computed
  int64_t approximated_channels = 0;  // similarity: input channels replaced by their mean
  int64_t SkippedMacs() const { return total_macs - executed_macs; }
  void Add(const LayerCounts& other);
};

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Per (output, input channel) at full width: the kernel's sum (similarity)
// and the sum of its |w| (the saturation bound).
struct ConvTables {
  RowMatrix kernel_sum;
  RowMatrix kernel_abs;
};
ConvTables MakeConvTables(const LayerParams& params, int kernel);

// Per output at full width: abs_prefix(o, j) = sum of |w(o, j')| for j' < j,
// in double (so that a suffix is a difference without cancellation trouble).
struct FcTables {
  RowMatrixD abs_prefix;
};
FcTables MakeFcTables(const LayerParams& params);

// Scratch of the kernels, grown on first use and reused.
struct KnobScratch {
  std::vector<float> patches;   // positions x exact reduction (one row per output position)
  std::vector<float> weights;   // outputs x exact reduction
  std::vector<float> gathered;  // patch rows of a subset of positions
  std::vector<float> products;  // outputs x positions of a GEMM
  std::vector<float> channel_min, channel_max, channel_mean, bound, approx;
  std::vector<int> exact, approximated, grid;
};

struct ConvKnobLayer {
  const LayerParams* params = nullptr;  // full width; the active block is used
  const ConvTables* tables = nullptr;
  ConvGeometry geometry;                // at the active input channel count
  int outputs = 0;                      // active output channels
  bool fused_relu = false;              // outputs pass through max(v, 0)
  // The outputs reach the rest of the network only through a ReLU (fused, or
  // after a max pool: ReLU and max pooling commute), so the saturation knob
  // may set a neuron predicted negative to 0.
  bool saturating = false;
};

// One image: out (outputs x out_h x out_w) of the layer under `settings`.
// Returns false, writing nothing and counting nothing, when no knob changes
// anything for this image (sampling off, saturation off or not applicable, no
// input channel near-constant): the caller then runs the plain engine layer,
// so such an image gets the engine's bits.
bool KnobbedConvForward(const ConvKnobLayer& layer, const KnobSettings& settings, const float* image, float* out,
                        KnobScratch* scratch, LayerCounts* counts);

// One image through an fc layer with a fused ReLU under the saturation knob
// (the only knob that applies to fc layers). `settings.saturation` must be set.
void KnobbedFcForward(const LayerParams& params, const FcTables& tables, int inputs, int outputs,
                      const KnobSettings& settings, const float* in, float* out, LayerCounts* counts);

// sum of a[i] * b[i] in a fixed order: 8 lanes over i, then a fixed tree.
float Dot(const float* a, const float* b, int count);

}  // namespace rcdnn::models::dyvedeep
