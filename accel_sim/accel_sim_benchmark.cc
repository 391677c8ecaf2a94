// Simulator speed: simulated MACs per wall-clock second, analytical and
// bit-accurate (conv/fc layers as exact GEMMs, and pass by pass on the NFU,
// in the same run), and the whole of Table 4 (3 networks x 4 uniform widths).
// BM_NfuMacPass compares, in one run, a full fixed-point pass whose products
// leave the adder tree headroom (the plain-sum path) with one whose products
// could overflow a partial sum (the saturating tree, adder by adder).
//
//   bazel run -c opt //accel_sim:accel_sim_benchmark
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "accel_sim/nfu.h"
#include "accel_sim/simulator.h"

namespace rcdnn::accel {
namespace {

const TechConfig& Tech() {
  static const TechConfig tech = LoadTechConfig("accel_sim/tech/fixed32_16.tech");
  return tech;
}

const models::NetSpec& Net(const std::string& name) {
  static const models::NetSpec lenet = models::LoadNetSpec("models/spec/lenet.net");
  static const models::NetSpec convnets = models::LoadNetSpec("models/spec/convnets.net");
  static const models::NetSpec alexnet = models::LoadNetSpec("models/spec/alexnet.net");
  return name == "lenet" ? lenet : name == "convnets" ? convnets : alexnet;
}

void BM_Analytical(benchmark::State& state, const std::string& network, double fraction) {
  const models::NetSpec& spec = Net(network);
  const models::Widths widths = models::UniformWidths(spec, fraction);
  int64_t macs = 0;
  for (auto _ : state) {
    const SimResult r = SimulateAnalytical(spec, widths, Tech());
    macs = r.total.macs;
    benchmark::DoNotOptimize(r.total.cycles);
  }
  state.SetItemsProcessed(state.iterations() * macs);
  state.counters["sim_us_per_image"] = SimulateAnalytical(spec, widths, Tech()).TimeNsPerImage() / 1e3;
}

void BM_BitAccurate(benchmark::State& state, const std::string& network, double fraction, bool exact_gemm) {
  const models::NetSpec& spec = Net(network);
  const models::Widths widths = models::UniformWidths(spec, fraction);
  const std::vector<models::LayerShape> full = models::InferShapes(spec, models::FullWidths(spec));
  std::mt19937_64 rng(1);
  std::normal_distribution<float> dist(0.0f, 0.05f);
  NetWeights weights;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    if (!spec.layers[i].HasWeights()) continue;
    LayerWeights w;
    w.layer = spec.layers[i].name;
    w.rows = full[i].out_channels;
    w.cols = static_cast<int>(full[i].weight_count / w.rows);
    w.weights.resize(full[i].weight_count);
    for (float& v : w.weights) v = dist(rng);
    w.biases.assign(w.rows, 0.0f);
    weights.layers.push_back(std::move(w));
  }
  // A batch, as the precision search and the fixed-point check run it: the
  // weights are quantized (and converted for the GEMMs) once per batch.
  constexpr int kImages = 16;
  std::vector<std::vector<float>> images(kImages);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  for (std::vector<float>& image : images) {
    image.resize(int64_t{spec.input_channels} * spec.input_height * spec.input_width);
    for (float& v : image) v = pixel(rng);
  }
  const Precision precision = UniformPrecision(spec, Tech().format);
  SimOptions options;
  options.exact_gemm = exact_gemm;
  int64_t macs = 0;
  for (auto _ : state) {
    const SimResult r = SimulateBitAccurate(spec, widths, Tech(), weights, precision, images, options);
    macs = r.total.macs;
    benchmark::DoNotOptimize(r.outputs);
  }
  state.SetItemsProcessed(state.iterations() * macs);
  state.counters["per_image"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * kImages,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// One 16 x 16 pass on raw values of magnitude below 2^(bits - 1), weights
// and inputs alike: products below 2^(2 bits - 2). At 31 bits they pass the
// 2^59 headroom of a 16-input tree, which then adds them one adder at a time.
void BM_NfuMacPass(benchmark::State& state, int bits) {
  std::mt19937_64 rng(1);
  const int32_t limit = (int32_t{1} << (bits - 1)) - 1;
  std::uniform_int_distribution<int32_t> value(-limit, limit);
  std::vector<int32_t> inputs(16), weights(256);
  for (int32_t& v : inputs) v = value(rng);
  for (int32_t& v : weights) v = value(rng);
  Nfu nfu(NfuConfig{});
  std::vector<int64_t> acc(16, 0);
  SaturationCounter saturations;
  for (auto _ : state) {
    nfu.MacPass(inputs.data(), 16, weights.data(), 16, 16, acc.data(), &saturations);
    benchmark::DoNotOptimize(acc.data());
  }
  state.SetItemsProcessed(state.iterations() * 256);
}

void BM_Table4(benchmark::State& state) {
  int64_t macs = 0;
  for (auto _ : state) {
    macs = 0;
    for (const char* network : {"lenet", "convnets", "alexnet"}) {
      for (double fraction : {0.25, 0.5, 0.75, 1.0}) {
        const models::NetSpec& spec = Net(network);
        const SimResult r = SimulateAnalytical(spec, models::UniformWidths(spec, fraction), Tech());
        macs += r.total.macs;
        benchmark::DoNotOptimize(r.total.cycles);
      }
    }
  }
  state.SetItemsProcessed(state.iterations() * macs);
}

BENCHMARK_CAPTURE(BM_Analytical, lenet_0.25, std::string("lenet"), 0.25)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Analytical, lenet_1.0, std::string("lenet"), 1.0)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Analytical, convnets_1.0, std::string("convnets"), 1.0)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Analytical, alexnet_1.0, std::string("alexnet"), 1.0)->Unit(benchmark::kMicrosecond);
// Each network twice: conv/fc layers as exact GEMMs (the default) and pass by pass.
BENCHMARK_CAPTURE(BM_BitAccurate, lenet_0.25_gemm, std::string("lenet"), 0.25, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BitAccurate, lenet_0.25_passes, std::string("lenet"), 0.25, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BitAccurate, lenet_1.0_gemm, std::string("lenet"), 1.0, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BitAccurate, lenet_1.0_passes, std::string("lenet"), 1.0, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BitAccurate, alexnet_1.0_gemm, std::string("alexnet"), 1.0, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BitAccurate, alexnet_1.0_passes, std::string("alexnet"), 1.0, false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BitAccurate, convnets_1.0_gemm, std::string("convnets"), 1.0, true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BitAccurate, convnets_1.0_passes, std::string("convnets"), 1.0, false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_NfuMacPass, plain_sum_16bit, 16);
BENCHMARK_CAPTURE(BM_NfuMacPass, saturating_tree_31bit, 31);
BENCHMARK(BM_Table4)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rcdnn::accel
