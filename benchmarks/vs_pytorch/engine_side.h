// Our engine's half of the PyTorch comparison (see README.md): training
// throughput, batch-1 latency per width, and per-conv-layer GFLOP/s of a
// training step. The PyTorch half (torch_peer.py) measures the same things
// with the same counts; compare.py joins the two.
//
// Every measurement returns rows of one flat schema, shared with the peer:
//   side,network,layer,metric,width,value,unit
// metric:
//   batch          the training batch (images);
//   train          images/s of SGD steps (forward + backward + momentum
//                  update) at full width, after warm-up steps;
//   latency_b1     median microseconds of one batch-1 forward at `width`
//                  (latency_b1_runs: how many timed forwards it is the median of);
//   params, macs   active parameter count and multiply-accumulates per image
//                  at `width` (the structural check that both sides built the
//                  same network);
//   conv_fwd_gflops, conv_bwd_gflops, conv_gflops (both passes), conv_step_ms
//                  per conv layer (`layer`), one training step's worth of
//                  work (the batch split over the threads as the engine does).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/spec/net_spec.h"

namespace rcdnn::benchmarks {

struct PeerRow {
  std::string network, layer, metric;
  double width = 1.0;
  double value = 0.0;
  std::string unit;
};

struct EngineSideOptions {
  int threads = 2;
  int batch = 64;            // training batch
  int warmup_steps = 3;      // untimed training steps
  int train_steps = 20;      // timed training steps
  int latency_warmup = 20;   // untimed batch-1 forwards per width
  int latency_runs = 200;    // timed batch-1 forwards per width (median reported),
  double latency_budget_s = 2;  // ... or fewer once this long is spent (at least 5)
  int layer_repetitions = 5; // timed forward and backward passes per conv layer
  std::vector<double> widths = {0.25, 0.5, 0.75, 1.0};
};

// Throws rcdnn::Error when an option is out of range, naming it.
void Validate(const EngineSideOptions& options);

// Each returns the rows of one network.
std::vector<PeerRow> MeasureTraining(const models::NetSpec& spec, const EngineSideOptions& options);
std::vector<PeerRow> MeasureLatency(const models::NetSpec& spec, const EngineSideOptions& options);
std::vector<PeerRow> MeasureStructure(const models::NetSpec& spec, const EngineSideOptions& options);
std::vector<PeerRow> MeasureConvLayers(const models::NetSpec& spec, const EngineSideOptions& options);

// "side,network,layer,metric,width,value,unit" lines, side = "ours".
std::string ToCsv(const std::vector<PeerRow>& rows, bool header);

}  // namespace rcdnn::benchmarks
