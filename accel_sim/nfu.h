// The Neural Functional Unit: DianNao's three-stage pipeline (Chen et al.,
// ASPLOS'14, Fig. 11; the paper's "multiplication, additions, and the
// non-linearity functions", §5.1).
//   NFU-1: neurons x synapses multipliers (16 x 16 = 256).
//   NFU-2: one adder tree of synapses - 1 adders per neuron (16 x 15 = 240),
//          plus an accumulator register per neuron (partial sums); the same
//          adders / comparators do average and max pooling.
//   NFU-3: the non-linearity per neuron (ReLU here; also average-pool scaling).
// Peak: 256 + 240 = 496 operations per cycle (the paper's count, §5.1).
//
// Contract: one MacPass / PoolPass is one issue cycle. Passes stream back to
// back, so a layer of P passes takes P + (stages - 1) cycles: the pipeline
// fills once and drains once per layer (FillDrainCycles). The Count* methods
// record what a run of passes would record, without computing values
// (analytical mode); they must agree with the executing passes exactly.
#pragma once

#include <cstdint>

#include "accel_sim/fixed_point.h"

namespace rcdnn::accel {

struct NfuConfig {
  int neurons = 16;          // Tn: output neurons per pass
  int synapses = 16;         // Tn: inputs per neuron per pass
  int pipeline_stages = 3;   // NFU-1, NFU-2, NFU-3
};

struct NfuStats {
  int64_t cycles = 0;           // issued passes
  int64_t multiplies = 0;       // NFU-1
  int64_t tree_adds = 0;        // NFU-2 adder trees; average-pooling sums
  int64_t comparisons = 0;      // NFU-2 max pooling
  int64_t accumulate_adds = 0;  // NFU-2 partial-sum register adds
  int64_t nonlinear_ops = 0;    // NFU-3
  // Operations in the paper's sense (the 496 per cycle): NFU-1 and NFU-2 trees.
  int64_t PaperOps() const { return multiplies + tree_adds + comparisons; }
  int64_t AllOps() const { return PaperOps() + accumulate_adds + nonlinear_ops; }
  void Add(const NfuStats& other, int64_t times = 1);
};

class Nfu {
 public:
  explicit Nfu(const NfuConfig& config);

  const NfuConfig& config() const { return config_; }
  // neurons * (synapses + synapses - 1): 16 * (16 + 15) = 496.
  int PeakOpsPerCycle() const { return config_.neurons * (2 * config_.synapses - 1); }
  int FillDrainCycles() const { return config_.pipeline_stages - 1; }

  // One conv/fc cycle: for each active neuron n, NFU-1 multiplies inputs[a]
  // by weights[n * weight_stride + a] for a < active_inputs, NFU-2 sums the
  // products in a binary tree (pairs (0,1), (2,3), ... then pairs of pairs)
  // and adds the tree's sum to acc[n]. Fixed: exact 64-bit products,
  // saturating adds counted in `acc_saturations`. Float: IEEE float adds in
  // the same tree order.
  void MacPass(const int32_t* inputs, int active_inputs, const int32_t* weights, int64_t weight_stride,
               int active_neurons, int64_t* acc, SaturationCounter* acc_saturations);
  void MacPass(const float* inputs, int active_inputs, const float* weights, int64_t weight_stride,
               int active_neurons, float* acc);

  // One pooling cycle: lane n folds values[n] into acc[n], by max
  // (comparators) or by sum (adders); 16 channels advance one window element.
  void PoolPass(const int32_t* values, int active, bool is_max, int64_t* acc);
  void PoolPass(const float* values, int active, bool is_max, float* acc);

  // NFU-3 work (ReLU, average-pool scaling): `ops` lane operations.
  void CountNonlinear(int64_t ops) { stats_.nonlinear_ops += ops; }

  // Analytical counting: `passes` MAC cycles whose lanes carried these totals.
  void CountMacPasses(int64_t passes, int64_t multiplies, int64_t tree_adds, int64_t accumulate_adds);
  // `passes` pooling cycles carrying `lane_ops` comparisons or adds.
  void CountPoolPasses(int64_t passes, int64_t lane_ops, bool is_max);

  const NfuStats& stats() const { return stats_; }
  void ResetStats() { stats_ = NfuStats(); }

 private:
  void CheckLanes(int active_inputs, int active_neurons) const;
  NfuConfig config_;
  NfuStats stats_;
};

}  // namespace rcdnn::accel
