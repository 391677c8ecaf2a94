// What one simulation reports: per layer and in total, for a network at one
// Widths on one technology. Values cover the whole run (num_images images);
// the *PerImage() helpers divide. FlattenSimResult turns a result into
// (name, layer, value, unit) rows for the results store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel_sim/energy.h"
#include "accel_sim/fixed_point.h"
#include "accel_sim/margin_controller.h"
#include "models/spec/shapes.h"

namespace rcdnn::accel {

// How a layer was tiled onto the NFU and the buffers (simulator.h explains).
struct LayerMapping {
  int tm = 0;         // output channels per tile (a multiple of 16, or all)
  int ct = 0;         // input channels per tile (the reduction split); pooling: tm
  int tp_rows = 0;    // output rows per tile
  int tq_cols = 0;    // output columns per tile (all of them unless a row does not fit)
  int m_tiles = 0, c_tiles = 0, row_tiles = 0, col_tiles = 0;
  bool input_on_chip = false;     // input is the previous layer's output, kept in Bout (roles swapped)
  bool output_on_chip = false;    // output stays on chip for the next layer
  bool weights_resident = false;  // all the network's weights fit Sb: loaded once per run
};

// Saturations of the bit-accurate mode (all zero in analytical mode).
struct SaturationStats {
  int64_t input = 0;        // quantizing the image (first compute layer only)
  int64_t weights = 0;      // quantizing weights to the layer's weight format
  int64_t biases = 0;       // quantizing biases to the accumulator
  int64_t accumulator = 0;  // 64-bit accumulator overflow
  int64_t outputs = 0;      // rescaling sums to the layer's output format
  int64_t Total() const { return input + weights + biases + accumulator + outputs; }
  void Add(const SaturationStats& other, int64_t times = 1);
};

struct LayerResult {
  std::string layer;       // spec name, "margin_controller" or "total"
  std::string kind;        // conv, fc, maxpool, avgpool, relu, controller, total
  std::string fused_into;  // relu: the layer whose NFU-3 applies it
  int out_channels = 0;
  int64_t macs = 0;
  LayerMapping mapping;
  int64_t compute_cycles = 0;  // NFU issue cycles + pipeline fill/drain
  int64_t stall_cycles = 0;    // cycles waiting on exposed DRAM transfers
  int64_t cycles = 0;          // compute_cycles + stall_cycles
  double time_ns = 0;
  double utilisation = 0;  // paper ops / (496 x cycles)
  int64_t dram_bytes = 0;  // read + written, burst granular
  Counters counters;
  EnergyBreakdown energy;
  double paper_energy_pj = 0;  // Table 1 total power x time
  SaturationStats saturations;
};

struct SimResult {
  std::string network;
  std::string tech;
  Arithmetic arithmetic = Arithmetic::kFixed;
  std::string mode;  // "analytical" or "bit-accurate"
  models::Widths widths;
  int num_images = 1;
  std::vector<LayerResult> layers;  // spec order, ReLU rows included
  LayerResult margin_controller;
  LayerResult total;
  // Bit-accurate mode: the final scores (dequantized) and the controller's
  // decision, per image.
  std::vector<std::vector<float>> outputs;
  std::vector<std::vector<int32_t>> raw_outputs;  // fixed arithmetic: the scores' raw <n,f> words
  FixedPointFormat output_format;                 // fixed arithmetic: the classifier's output format
  std::vector<MarginDecision> decisions;
  // Bit-accurate fixed point: conv/fc layers, summed over images, computed as
  // exact GEMMs rather than pass by pass (exact_gemm.h). Not a result: the
  // bits and counters are the same either way; tests read it.
  int64_t exact_gemm_layers = 0;

  double TimeNsPerImage() const { return total.time_ns / num_images; }
  double EnergyPjPerImage() const { return total.energy.TotalPj() / num_images; }
  double PaperEnergyPjPerImage() const { return total.paper_energy_pj / num_images; }
};

struct MetricRow {
  std::string name;   // e.g. "time_ns", "energy_sb_pj"
  std::string layer;  // spec layer name, "margin_controller" or "total"
  double value = 0;
  std::string unit;   // "ns", "pJ", "cycles", "bytes", "MACs", "ratio", "count"
};

// One row per metric per layer, then per-image totals (layer "total", names
// ending in "_per_image"). Saturation rows only in bit-accurate mode.
std::vector<MetricRow> FlattenSimResult(const SimResult& result);

}  // namespace rcdnn::accel
