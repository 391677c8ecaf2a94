// Engine throughput: training steps, batch-1 inference at the paper's widths,
// and per-layer conv GFLOP/s. Run:
//   bazel run -c opt //models/engine:engine_benchmark
// (add --benchmark_filter=LeNet to select). Rates are reported as counters:
// items_per_second = images per second; GFLOP/s counts 2 FLOPs per MAC.
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "models/engine/conv_layer.h"
#include "models/engine/network.h"
#include "models/engine/params.h"
#include "models/spec/net_spec.h"
#include "models/spec/shapes.h"

namespace rcdnn::models {
namespace {

NetSpec Spec(const std::string& name) { return LoadNetSpec("models/spec/" + name + ".net"); }

// Deterministic pseudo-random floats in [-1, 1): a fixed LCG, no <random>.
std::vector<float> Noise(int64_t count, uint32_t seed) {
  std::vector<float> values(count);
  uint32_t state = seed;
  for (float& v : values) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) * (2.0f / 16777216.0f) - 1.0f;
  }
  return values;
}

struct Fixture {
  explicit Fixture(const std::string& name, int batch) : spec(Spec(name)), params(ZerosLike(spec, 1)) {
    InitParams(spec, 1, &params);
    grads = ZerosLike(spec, 1);
    images = Noise(int64_t{batch} * spec.input_channels * spec.input_height * spec.input_width, 7);
    for (int i = 0; i < batch; ++i) labels.push_back(static_cast<uint8_t>(i % spec.NumClasses()));
  }
  NetSpec spec;
  NetParams params, grads;
  std::vector<float> images;
  std::vector<uint8_t> labels;
};

// Args: batch, threads.
void TrainStep(benchmark::State& state, const std::string& name) {
  const int batch = static_cast<int>(state.range(0));
  Fixture f(name, batch);
  EngineOptions options;
  options.threads = static_cast<int>(state.range(1));
  const Network network(f.spec, options);
  Workspace workspace;
  const Widths widths = FullWidths(f.spec);
  for (auto _ : state) {
    const double loss = network.ForwardBackward(f.params, f.images.data(), f.labels.data(), batch, widths, 0,
                                                &workspace, &f.grads);
    benchmark::DoNotOptimize(loss);
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

// Arg: width in percent.
void ForwardBatch1(benchmark::State& state, const std::string& name) {
  Fixture f(name, 1);
  const Network network(f.spec);
  Workspace workspace;
  const Widths widths = UniformWidths(f.spec, state.range(0) / 100.0);
  RowMatrix logits(1, f.spec.NumClasses());
  for (auto _ : state) {
    network.Forward(f.params, f.images.data(), 1, widths, 0, &workspace, logits);
    benchmark::DoNotOptimize(logits.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(WidthsToString(widths));
  state.counters["MMAC/img"] = static_cast<double>(TotalMacs(InferShapes(f.spec, widths))) / 1e6;
}

void BM_LeNetTrainStep(benchmark::State& state) { TrainStep(state, "lenet"); }
void BM_AlexNetTrainStep(benchmark::State& state) { TrainStep(state, "alexnet"); }
void BM_ConvNetsTrainStep(benchmark::State& state) { TrainStep(state, "convnets"); }
void BM_LeNetForwardBatch1(benchmark::State& state) { ForwardBatch1(state, "lenet"); }
void BM_AlexNetForwardBatch1(benchmark::State& state) { ForwardBatch1(state, "alexnet"); }

BENCHMARK(BM_LeNetTrainStep)->ArgNames({"batch", "threads"})->Args({64, 1})->Args({64, 2})->UseRealTime();
BENCHMARK(BM_AlexNetTrainStep)->ArgNames({"batch", "threads"})->Args({100, 1})->Args({100, 2})->UseRealTime();
BENCHMARK(BM_ConvNetsTrainStep)->ArgNames({"batch", "threads"})->Args({100, 1})->Args({100, 2})->UseRealTime();
BENCHMARK(BM_LeNetForwardBatch1)->ArgName("width%")->Arg(25)->Arg(50)->Arg(75)->Arg(100);
BENCHMARK(BM_AlexNetForwardBatch1)->ArgName("width%")->Arg(25)->Arg(50)->Arg(75)->Arg(100);

// Per-layer conv throughput at full width, one image per call (as batch-1
// inference runs them; training batches go through in image groups),
// forward and backward (weights, bias and, except for a first layer, input
// gradients).
struct ConvLayerCase {
  const char* net;
  const char* layer;
  bool input_grad;
};
const ConvLayerCase kConvLayers[] = {
    // net        layer     input grad
    {"lenet", "conv1", false},
    {"lenet", "conv2", true},
    {"alexnet", "conv1", false},
    {"alexnet", "conv2", true},
    {"alexnet", "conv3", true},
    {"convnets", "conv2", true},
};

void ConvLayerBench(benchmark::State& state, const ConvLayerCase& c, bool backward) {
  const NetSpec spec = Spec(c.net);
  const std::vector<LayerShape> shapes = InferShapes(spec, FullWidths(spec));
  int index = 0, sliced = 0;
  for (int i = 0; i < static_cast<int>(spec.layers.size()); ++i) {
    if (spec.layers[i].name == c.layer) index = i;
  }
  for (int i = 0; i < index; ++i) sliced += spec.layers[i].HasWeights() ? 1 : 0;
  NetParams params = ZerosLike(spec, 1);
  InitParams(spec, 1, &params);
  NetParams grads = ZerosLike(spec, 1);
  const LayerShape& shape = shapes[index];
  const ConvLayer layer(spec.layers[index], /*fused_relu=*/false);
  std::vector<float> in = Noise(shape.InputSize(), 3), out(shape.OutputSize());
  std::vector<float> out_grad = Noise(shape.OutputSize(), 4), in_grad(shape.InputSize());
  std::vector<float> scratch(layer.ScratchFloats(shape) + 1);
  const LayerBuffers buffers{scratch.data(), nullptr};
  for (auto _ : state) {
    if (backward) {
      layer.Backward(&params.sliced[sliced], shape, 1, in.data(), out.data(), out_grad.data(),
                     c.input_grad ? in_grad.data() : nullptr, &grads.sliced[sliced], buffers);
    } else {
      layer.Forward(&params.sliced[sliced], shape, 1, in.data(), out.data(), buffers);
    }
    benchmark::ClobberMemory();
  }
  const double macs = static_cast<double>(shape.macs) * (backward ? (c.input_grad ? 2 : 1) : 1);
  state.counters["GFLOP/s"] = benchmark::Counter(2 * macs * state.iterations() / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(std::string(c.net) + "/" + c.layer);
}

const int kRegistered = [] {
  for (const ConvLayerCase& c : kConvLayers) {
    const std::string name = std::string(c.net) + "_" + c.layer;
    benchmark::RegisterBenchmark(("BM_ConvForward/" + name).c_str(),
                                 [c](benchmark::State& state) { ConvLayerBench(state, c, false); });
    benchmark::RegisterBenchmark(("BM_ConvBackward/" + name).c_str(),
                                 [c](benchmark::State& state) { ConvLayerBench(state, c, true); });
  }
  return 0;
}();

}  // namespace
}  // namespace rcdnn::models
