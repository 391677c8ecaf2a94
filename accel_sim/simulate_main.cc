// Simulates one network at one width on the accelerator tile and prints a
// per-layer table and totals.
//
//   bazel run //accel_sim:simulate -- --spec models/spec/alexnet.net --fraction 0.5
//   bazel run //accel_sim:simulate -- --widths 5,13,125 --tech accel_sim/tech/fixed16_10.tech
//   bazel run //accel_sim:simulate -- --mode bit-accurate --images 2
//
// Bit-accurate mode here runs seeded random weights (the spec's fillers) and
// random images in [0, 1): timing equals analytical mode; the saturation
// counts and scores only illustrate. Trained weights go through the library
// (SimulateBitAccurate).
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>

#include "accel_sim/simulator.h"
#include "common/cli.h"
#include "common/error.h"
#include "common/parse_number.h"

namespace po = boost::program_options;
using namespace rcdnn;

namespace {

struct SimulateOptions {
  std::string spec = "models/spec/lenet.net";
  std::string tech = "accel_sim/tech/fixed32_16.tech";
  double fraction = 1.0;
  std::string widths;
  std::string mode = "analytical";
  int images = 1;
  uint64_t seed = 1;
  bool no_margin_controller = false;
};


models::Widths ParseWidths(const std::string& text) {
  models::Widths widths;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const std::optional<int> value = ParseWholeInt(item);
    if (!value) throw Error("--widths: '" + item + "' is not an integer");
    widths.push_back(*value);
  }
  return widths;
}

accel::NetWeights RandomWeights(const models::NetSpec& spec, std::mt19937_64& rng) {
  const std::vector<models::LayerShape> full = models::InferShapes(spec, models::FullWidths(spec));
  accel::NetWeights weights;
  for (size_t i = 0; i < spec.layers.size(); ++i) {
    const models::LayerSpec& layer = spec.layers[i];
    if (!layer.HasWeights()) continue;
    accel::LayerWeights w;
    w.layer = layer.name;
    w.rows = full[i].out_channels;
    w.cols = static_cast<int>(full[i].weight_count / w.rows);
    w.weights.resize(full[i].weight_count);
    w.biases.assign(w.rows, 0.0f);
    if (layer.init.rfind("gaussian:", 0) == 0) {
      std::normal_distribution<float> dist(0.0f, std::stof(layer.init.substr(9)));
      for (float& v : w.weights) v = dist(rng);
    } else {  // Caffe's xavier: uniform +-sqrt(3 / fan_in)
      const float scale = std::sqrt(3.0f / w.cols);
      std::uniform_real_distribution<float> dist(-scale, scale);
      for (float& v : w.weights) v = dist(rng);
    }
    weights.layers.push_back(std::move(w));
  }
  return weights;
}

void PrintResult(const accel::SimResult& r, const accel::TechConfig& tech) {
  std::printf("network %s  widths %s  tech %s (%s, %.2f MHz)  mode %s  images %d\n", r.network.c_str(),
              models::WidthsToString(r.widths).c_str(), r.tech.c_str(), accel::ArithmeticName(r.arithmetic),
              tech.ClockMhz(), r.mode.c_str(), r.num_images);
  std::printf("%-18s %-8s %5s %11s %11s %10s %10s %10s %10s %6s %10s %10s %10s %10s\n", "layer", "kind", "out", "MACs",
              "tiles", "compute", "stall", "cycles", "time_us", "util", "dram_KB", "E_chip_uJ", "E_dram_uJ",
              "E_paper_uJ");
  auto row = [&](const accel::LayerResult& l) {
    std::string tiles = "-";
    if (l.mapping.m_tiles > 0) {
      tiles = std::to_string(l.mapping.m_tiles) + "x" + std::to_string(l.mapping.row_tiles) + "x" +
              std::to_string(l.mapping.col_tiles) + "x" + std::to_string(l.mapping.c_tiles);
    } else if (!l.fused_into.empty()) {
      tiles = "->" + l.fused_into;
    }
    std::printf("%-18s %-8s %5d %11lld %11s %10lld %10lld %10lld %10.3f %6.3f %10.2f %10.4f %10.4f %10.4f\n",
                l.layer.c_str(), l.kind.c_str(), l.out_channels, static_cast<long long>(l.macs), tiles.c_str(),
                static_cast<long long>(l.compute_cycles), static_cast<long long>(l.stall_cycles),
                static_cast<long long>(l.cycles), l.time_ns / 1e3, l.utilisation, l.dram_bytes / 1024.0,
                l.energy.OnChipPj() / 1e6, l.energy.dram_pj / 1e6, l.paper_energy_pj / 1e6);
  };
  for (const accel::LayerResult& l : r.layers) row(l);
  row(r.margin_controller);
  row(r.total);
  const accel::EnergyBreakdown& e = r.total.energy;
  const double n = r.num_images;
  std::printf("per image: time %.3f us; energy %.4f uJ (NFU %.4f, Sb %.4f, Bin %.4f, Bout %.4f, control %.4f, "
              "margin %.6f, DRAM %.4f); paper convention (%.1f mW x time) %.4f uJ\n",
              r.TimeNsPerImage() / 1e3, e.TotalPj() / n / 1e6, e.nfu_pj / n / 1e6, e.sb_pj / n / 1e6,
              e.bin_pj / n / 1e6, e.bout_pj / n / 1e6, e.control_pj / n / 1e6, e.margin_controller_pj / n / 1e6,
              e.dram_pj / n / 1e6, tech.power.total_mw, r.PaperEnergyPjPerImage() / 1e6);
  if (r.mode != "bit-accurate") return;
  std::printf("saturations per layer (input / weights / biases / accumulator / outputs):\n");
  for (const accel::LayerResult& l : r.layers) {
    if (l.kind == "relu") continue;
    std::printf("  %-18s %lld / %lld / %lld / %lld / %lld\n", l.layer.c_str(),
                static_cast<long long>(l.saturations.input), static_cast<long long>(l.saturations.weights),
                static_cast<long long>(l.saturations.biases), static_cast<long long>(l.saturations.accumulator),
                static_cast<long long>(l.saturations.outputs));
  }
  for (size_t i = 0; i < r.outputs.size(); ++i) {
    std::printf("image %zu scores:", i);
    for (float s : r.outputs[i]) std::printf(" %.5f", s);
    if (i < r.decisions.size()) {
      std::printf("  -> class %d, margin %.5f", r.decisions[i].top_class, r.decisions[i].margin);
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  SimulateOptions opts;
  po::options_description desc;
  desc.add_options()  //
      ("spec", po::value(&opts.spec)->default_value(opts.spec), "network spec file")  //
      ("tech", po::value(&opts.tech)->default_value(opts.tech), "technology file")  //
      ("fraction", po::value(&opts.fraction)->default_value(opts.fraction),
       "uniform fraction of channels in (0, 1]")  //
      ("widths", po::value(&opts.widths), "active channels per sliced layer, e.g. 8,8,16 (instead of --fraction)")  //
      ("mode", po::value(&opts.mode)->default_value(opts.mode), "analytical | bit-accurate")  //
      ("images", po::value(&opts.images)->default_value(opts.images), "images run back to back")  //
      ("seed", po::value(&opts.seed)->default_value(opts.seed), "bit-accurate: seed of the random weights and images")  //
      ("no-margin-controller", po::bool_switch(&opts.no_margin_controller), "do not activate the margin controller");
  po::variables_map vm;
  const int parsed =
      rcdnn::cli::ParseFlags(argc, argv, "simulate", "simulate: the accelerator tile on one network at one width", desc, &vm);
  if (parsed >= 0) return parsed;
  return rcdnn::cli::RunMain("simulate", [&] {
    if (vm.count("widths") && !vm["fraction"].defaulted()) throw Error("give --fraction or --widths, not both");
    if (!vm["spec"].defaulted()) opts.spec = ResolveUserPath(opts.spec);
    if (!vm["tech"].defaulted()) opts.tech = ResolveUserPath(opts.tech);
    const models::NetSpec spec = models::LoadNetSpec(opts.spec);
    const accel::TechConfig tech = accel::LoadTechConfig(opts.tech);
    const models::Widths widths =
        vm.count("widths") ? ParseWidths(opts.widths) : models::UniformWidths(spec, opts.fraction);
    accel::SimOptions sim;
    sim.num_images = opts.images;
    sim.margin_controller = !opts.no_margin_controller;
    accel::SimResult result;
    if (opts.mode == "analytical") {
      result = accel::SimulateAnalytical(spec, widths, tech, sim);
    } else if (opts.mode == "bit-accurate") {
      if (opts.images < 1) throw Error("--images must be at least 1");
      std::mt19937_64 rng(opts.seed);
      const accel::NetWeights weights = RandomWeights(spec, rng);
      std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
      std::vector<std::vector<float>> images(opts.images);
      for (auto& image : images) {
        image.resize(int64_t{spec.input_channels} * spec.input_height * spec.input_width);
        for (float& v : image) v = pixel(rng);
      }
      const accel::Precision precision =
          accel::UniformPrecision(spec, tech.arithmetic == accel::Arithmetic::kFixed ? tech.format
                                                                                      : accel::FixedPointFormat{});
      result = accel::SimulateBitAccurate(spec, widths, tech, weights, precision, images, sim);
    } else {
      throw Error("--mode must be 'analytical' or 'bit-accurate', got '" + opts.mode + "'");
    }
    PrintResult(result, tech);
  });
}
