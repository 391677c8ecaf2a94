#include "benchmarks/vs_pytorch/engine_side.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "models/engine/conv_layer.h"
#include "models/engine/network.h"
#include "models/engine/params.h"
#include "models/spec/shapes.h"
#include "models/train/sgd_solver.h"
#include "models/train/solver_config.h"

namespace rcdnn::benchmarks {
namespace {

using models::FullWidths;
using models::InferShapes;
using models::LayerShape;
using models::NetParams;
using models::NetSpec;
using models::Network;
using models::RowMatrix;
using models::Widths;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Deterministic pseudo-random floats in [-1, 1): a fixed LCG.
std::vector<float> Noise(int64_t count, uint32_t seed) {
  std::vector<float> values(count);
  uint32_t state = seed;
  for (float& v : values) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return values;
}

// Latency runs stop at latency_runs or, past this many, at latency_budget_s.
constexpr size_t kMinLatencyRuns = 5;

int64_t ImageFloats(const NetSpec& spec) {
  return int64_t{spec.input_channels} * spec.input_height * spec.input_width;
}

NetParams InitializedParams(const NetSpec& spec) {
  NetParams params = models::ZerosLike(spec, 1);
  models::InitParams(spec, 1, &params);
  return params;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// Runs body(chunk, first_image, images) on `threads` threads over a batch
// split into contiguous chunks as the engine splits it; returns wall seconds.
template <typename Body>
double RunChunks(int threads, int batch, const Body& body) {
  const int chunks = std::min(threads, batch);
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> workers;
  for (int c = 1; c < chunks; ++c) {
    workers.emplace_back([&, c] { body(c, batch * c / chunks, batch * (c + 1) / chunks - batch * c / chunks); });
  }
  body(0, 0, batch / chunks);
  for (std::thread& w : workers) w.join();
  return SecondsSince(start);
}

}  // namespace

void Validate(const EngineSideOptions& o) {
  auto positive = [](int value, const char* name) {
    if (value < 1) throw Error(std::string("--") + name + " must be >= 1, got " + std::to_string(value));
  };
  positive(o.threads, "threads");
  positive(o.batch, "batch");
  positive(o.train_steps, "train-steps");
  positive(o.latency_runs, "latency-runs");
  positive(o.layer_repetitions, "layer-repetitions");
  if (o.warmup_steps < 0) throw Error("--warmup-steps must be >= 0");
  if (o.latency_warmup < 0) throw Error("--latency-warmup must be >= 0");
  if (!(o.latency_budget_s > 0)) throw Error("--latency-budget-s must be > 0");
  for (double w : o.widths) {
    if (!(w > 0 && w <= 1)) throw Error("widths must be in (0, 1], got " + std::to_string(w));
  }
}

std::vector<PeerRow> MeasureTraining(const NetSpec& spec, const EngineSideOptions& o) {
  models::EngineOptions engine_options;
  engine_options.threads = o.threads;
  const Network network(spec, engine_options);
  NetParams params = InitializedParams(spec);
  NetParams grads = models::ZerosLike(spec, 1);
  // Caffe's SGD as PyTorch's SGD(lr, momentum, weight_decay) computes it.
  models::SolverConfig solver_config;
  solver_config.base_lr = 0.01;
  solver_config.momentum = 0.9;
  solver_config.weight_decay = 0.0005;
  solver_config.lr_policy = "fixed";
  models::SgdSolver solver(spec, solver_config, 1);
  const models::TrainableRegion region{FullWidths(spec), {}, 0};
  const std::vector<float> images = Noise(int64_t{o.batch} * ImageFloats(spec), 7);
  std::vector<uint8_t> labels(o.batch);
  for (int i = 0; i < o.batch; ++i) labels[i] = static_cast<uint8_t>(i % spec.NumClasses());
  models::Workspace workspace;
  double loss_sum = 0;
  auto step = [&](int64_t iter) {
    loss_sum += network.ForwardBackward(params, images.data(), labels.data(), o.batch, region.active, 0,
                                        &workspace, &grads);
    solver.Update(iter, grads, region, &params);
  };
  for (int i = 0; i < o.warmup_steps; ++i) step(i);
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < o.train_steps; ++i) step(o.warmup_steps + i);
  const double seconds = SecondsSince(start);
  if (!(loss_sum == loss_sum)) throw Error(spec.name + ": training loss is NaN");
  return {{spec.name, "", "batch", 1.0, static_cast<double>(o.batch), "images"},
          {spec.name, "", "train", 1.0, static_cast<double>(o.batch) * o.train_steps / seconds, "images/s"}};
}

std::vector<PeerRow> MeasureLatency(const NetSpec& spec, const EngineSideOptions& o) {
  models::EngineOptions engine_options;
  engine_options.threads = o.threads;
  const Network network(spec, engine_options);
  const NetParams params = InitializedParams(spec);
  const std::vector<float> image = Noise(ImageFloats(spec), 11);
  RowMatrix logits(1, spec.NumClasses());
  std::vector<PeerRow> rows;
  for (double width : o.widths) {
    const Widths widths = models::UniformWidths(spec, width);
    models::Workspace workspace;
    for (int i = 0; i < o.latency_warmup; ++i) network.Forward(params, image.data(), 1, widths, 0, &workspace, logits);
    std::vector<double> us;
    const Clock::time_point begin = Clock::now();
    while (static_cast<int>(us.size()) < o.latency_runs &&
           (us.size() < kMinLatencyRuns || SecondsSince(begin) < o.latency_budget_s)) {
      const Clock::time_point start = Clock::now();
      network.Forward(params, image.data(), 1, widths, 0, &workspace, logits);
      us.push_back(1e6 * SecondsSince(start));
    }
    if (!(logits(0, 0) == logits(0, 0))) throw Error(spec.name + ": logits are NaN");
    rows.push_back({spec.name, "", "latency_b1", width, Median(us), "us"});
    rows.push_back({spec.name, "", "latency_b1_runs", width, static_cast<double>(us.size()), "runs"});
  }
  return rows;
}

std::vector<PeerRow> MeasureStructure(const NetSpec& spec, const EngineSideOptions& o) {
  std::vector<PeerRow> rows;
  for (double width : o.widths) {
    const std::vector<LayerShape> shapes = InferShapes(spec, models::UniformWidths(spec, width));
    int64_t params = 0;
    for (const LayerShape& s : shapes) params += s.weight_count + s.bias_count;
    rows.push_back({spec.name, "", "params", width, static_cast<double>(params), "count"});
    rows.push_back({spec.name, "", "macs", width, static_cast<double>(models::TotalMacs(shapes)), "MAC/image"});
  }
  return rows;
}

// Each conv layer alone, at full width, on one training batch split over the
// threads as the engine splits it (each thread its own buffers and gradient):
// forward passes, then backward passes (weight and bias gradients, and input
// gradients except for the first layer, which the engine skips too). FLOPs
// count 2 per MAC: forward 1x the layer's MACs, backward 1x (weights) plus 1x
// (inputs) where computed. The ReLU a network fuses into a conv is left out.
std::vector<PeerRow> MeasureConvLayers(const NetSpec& spec, const EngineSideOptions& o) {
  const std::vector<LayerShape> shapes = InferShapes(spec, FullWidths(spec));
  const NetParams params = InitializedParams(spec);
  std::vector<PeerRow> rows;
  int sliced = -1;
  for (int index = 0; index < static_cast<int>(spec.layers.size()); ++index) {
    const models::LayerSpec& layer_spec = spec.layers[index];
    if (layer_spec.HasWeights() && index != spec.ClassifierIndex()) ++sliced;
    if (layer_spec.kind != models::LayerKind::kConv) continue;
    const LayerShape& shape = shapes[index];
    const models::ConvLayer layer(layer_spec, /*fused_relu=*/false);
    const bool input_grad = index != 0;
    const int chunks = std::min(o.threads, o.batch);
    const int max_chunk = (o.batch + chunks - 1) / chunks;
    struct ChunkBuffers {
      std::vector<float> in, out, out_grad, in_grad, scratch;
      NetParams grads;
    };
    std::vector<ChunkBuffers> buffers(chunks);
    for (int c = 0; c < chunks; ++c) {
      ChunkBuffers& b = buffers[c];
      b.in = Noise(max_chunk * shape.InputSize(), 3 + c);
      b.out.assign(max_chunk * shape.OutputSize(), 0.0f);
      b.out_grad = Noise(max_chunk * shape.OutputSize(), 5 + c);
      b.in_grad.assign(max_chunk * shape.InputSize(), 0.0f);
      b.scratch.assign(layer.ScratchFloats(shape) + 1, 0.0f);
      b.grads = models::ZerosLike(spec, 1);
    }
    const models::LayerParams* layer_params = &params.sliced[sliced];
    auto forward = [&](int c, int, int n) {
      ChunkBuffers& b = buffers[c];
      layer.Forward(layer_params, shape, n, b.in.data(), b.out.data(), {b.scratch.data(), nullptr});
    };
    auto backward = [&](int c, int, int n) {
      ChunkBuffers& b = buffers[c];
      layer.Backward(layer_params, shape, n, b.in.data(), b.out.data(), b.out_grad.data(),
                     input_grad ? b.in_grad.data() : nullptr, &b.grads.sliced[sliced], {b.scratch.data(), nullptr});
    };
    RunChunks(o.threads, o.batch, forward);  // warm-up: page in, warm caches
    RunChunks(o.threads, o.batch, backward);
    double forward_s = 0, backward_s = 0;
    for (int r = 0; r < o.layer_repetitions; ++r) {
      forward_s += RunChunks(o.threads, o.batch, forward);
      backward_s += RunChunks(o.threads, o.batch, backward);
    }
    const double forward_flop = 2.0 * static_cast<double>(shape.macs) * o.batch * o.layer_repetitions;
    const double backward_flop = forward_flop * (input_grad ? 2 : 1);
    rows.push_back({spec.name, layer_spec.name, "conv_fwd_gflops", 1.0, forward_flop / forward_s / 1e9, "GFLOP/s"});
    rows.push_back({spec.name, layer_spec.name, "conv_bwd_gflops", 1.0, backward_flop / backward_s / 1e9, "GFLOP/s"});
    rows.push_back({spec.name, layer_spec.name, "conv_gflops", 1.0,
                    (forward_flop + backward_flop) / (forward_s + backward_s) / 1e9, "GFLOP/s"});
    rows.push_back({spec.name, layer_spec.name, "conv_step_ms", 1.0,
                    1e3 * (forward_s + backward_s) / o.layer_repetitions, "ms"});
  }
  return rows;
}

std::string ToCsv(const std::vector<PeerRow>& rows, bool header) {
  std::ostringstream out;
  if (header) out << "side,network,layer,metric,width,value,unit\n";
  char value[64];
  for (const PeerRow& r : rows) {
    std::snprintf(value, sizeof(value), "%.6g", r.value);
    out << "ours," << r.network << ',' << r.layer << ',' << r.metric << ',' << r.width << ',' << value << ','
        << r.unit << '\n';
  }
  return out.str();
}

}  // namespace rcdnn::benchmarks
