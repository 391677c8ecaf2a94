// Table 4 (and Tables 1, 2): every network x uniform fraction x technology
// simulated analytically, written as ONE run into a results store; with
// --cost-out-dir also one cost file per network and technology for the
// runtime schemes (models/runtime/cost_model.h). Metric names: README.md and
// result_metrics.h.
//
//   bazel run //accel_sim:table4 -- --db /tmp/results.db
//   bazel run //accel_sim:table4 -- --specs models/spec/lenet.net --tech accel_sim/tech/fixed32_16.tech
//       --fractions 0.25,1 --images 10 --db /tmp/results.db --cost-out-dir /tmp/costs   (one line)
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "accel_sim/result_metrics.h"
#include "accel_sim/simulator.h"
#include "common/cli.h"
#include "common/atomic_file.h"
#include "common/sha256.h"
#include "results/provenance.h"
#include "results/store.h"

using namespace rcdnn;
using namespace rcdnn::accel;
namespace po = boost::program_options;

namespace {

struct Table4Options {
  std::vector<std::string> specs = {"models/spec/lenet.net", "models/spec/convnets.net", "models/spec/alexnet.net"};
  std::vector<std::string> techs = {"accel_sim/tech/fixed32_16.tech", "accel_sim/tech/fixed16_10.tech",
                                    "accel_sim/tech/float32.tech"};
  std::string fractions = "0.25,0.5,0.75,1";
  int images = 100;
  bool no_margin_controller = false;
  std::string db;
  std::string cost_out_dir;
  std::string cost_energy = "total";
  std::string target = "//artifacts:accel_sim";
  std::string profile = "paper";
};

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", value);
  return text;
}

struct Input {
  std::string path;
  std::string sha256;
};

void Run(const Table4Options& opts, const po::variables_map& vm) {
  if (opts.images < 1) throw Error("--images must be at least 1, got " + std::to_string(opts.images));
  const std::vector<double> fractions = rcdnn::ParseFractions(opts.fractions, "fractions");
  const CostEnergy cost_energy = ParseCostEnergy(opts.cost_energy);
  std::vector<models::NetSpec> specs;
  std::vector<Input> spec_inputs, tech_inputs;
  for (const std::string& raw : opts.specs) {
    const std::string path = vm["specs"].defaulted() ? raw : rcdnn::ResolveUserPath(raw);
    specs.push_back(models::LoadNetSpec(path));
    spec_inputs.push_back({path, Sha256Hex(specs.back().source_text)});
  }
  std::vector<TechConfig> techs;
  for (const std::string& raw : opts.techs) {
    const std::string path = vm["tech"].defaulted() ? raw : rcdnn::ResolveUserPath(raw);
    techs.push_back(LoadTechConfig(path));
    tech_inputs.push_back({path, Sha256OfFile(path)});
  }
  const std::string cost_dir = opts.cost_out_dir.empty() ? "" : rcdnn::ResolveUserPath(opts.cost_out_dir);
  if (!cost_dir.empty()) std::filesystem::create_directories(cost_dir);

  SimOptions sim;
  sim.num_images = opts.images;
  sim.margin_controller = !opts.no_margin_controller;
  std::vector<results::Metric> metrics;
  std::vector<results::ArtifactRecord> artifacts;
  for (size_t s = 0; s < specs.size(); ++s) {
    const models::NetSpec& spec = specs[s];
    for (const TechConfig& tech : techs) {
      std::vector<SimResult> increments;
      for (size_t i = 0; i < fractions.size(); ++i) {
        const models::Widths widths = models::UniformWidths(spec, fractions[i]);
        SimResult r = SimulateAnalytical(spec, widths, tech, sim);
        const std::vector<results::Metric> m = SimulationMetrics(spec, tech, r, static_cast<int>(i + 1));
        metrics.insert(metrics.end(), m.begin(), m.end());
        std::printf("%-9s %-11s %5.3g  %-16s T %10.3f us  E %10.3f uJ (on chip %.3f, paper convention %.3f)\n",
                    spec.name.c_str(), tech.name.c_str(), fractions[i], models::WidthsToString(widths).c_str(),
                    r.TimeNsPerImage() / 1e3, r.EnergyPjPerImage() / 1e6,
                    r.total.energy.OnChipPj() / r.num_images / 1e6, r.PaperEnergyPjPerImage() / 1e6);
        increments.push_back(std::move(r));
      }
      if (!cost_dir.empty()) {
        const std::string path = cost_dir + "/" + spec.name + "_" + tech.name + ".cost";
        std::string comment = "Per-image cost of " + spec.name + " on the accelerator tile, tech " + tech.name +
                              " (accel_sim, analytical, " + std::to_string(opts.images) + " images).\n" +
                              "energy_uj: " + CostEnergyName(cost_energy) + " energy; increment i = fractions";
        for (double f : fractions) comment += " " + Number(f);
        const std::string text = CostFileText(increments, cost_energy, comment);
        WriteFileAtomically(path, text);
        artifacts.push_back({"cost", path, Sha256Hex(text)});
      }
    }
  }
  for (const TechConfig& tech : techs) {
    const std::vector<results::Metric> m = TechMetrics(tech);
    metrics.insert(metrics.end(), m.begin(), m.end());
  }

  // Canonical config: JSON, keys sorted, no whitespace; inputs by content.
  auto inputs_json = [](const std::vector<Input>& inputs, const auto& name_of) {
    std::string json = "[";
    for (size_t i = 0; i < inputs.size(); ++i) {
      json += (i ? "," : "") + std::string("{\"name\":") + JsonString(name_of(i)) +
              ",\"sha256\":" + JsonString(inputs[i].sha256) + "}";
    }
    return json + "]";
  };
  std::string fractions_json = "[";
  for (size_t i = 0; i < fractions.size(); ++i) fractions_json += (i ? "," : "") + Number(fractions[i]);
  fractions_json += "]";
  const std::string config =
      "{\"cost_energy\":" + JsonString(CostEnergyName(cost_energy)) + ",\"fractions\":" + fractions_json +
      ",\"images\":" + std::to_string(opts.images) +
      ",\"margin_controller\":" + (sim.margin_controller ? "true" : "false") +
      ",\"mode\":\"analytical\",\"profile\":" + JsonString(opts.profile) +
      ",\"specs\":" + inputs_json(spec_inputs, [&](size_t i) { return specs[i].name; }) +
      ",\"target\":" + JsonString(opts.target) +
      ",\"techs\":" + inputs_json(tech_inputs, [&](size_t i) { return techs[i].name; }) + "}";
  for (const Input& in : spec_inputs) artifacts.push_back({"spec", in.path, in.sha256});
  for (const Input& in : tech_inputs) artifacts.push_back({"tech", in.path, in.sha256});

  results::RunInfo info = results::CurrentMachineInfo();
  info.target = opts.target;
  info.profile = opts.profile;
  info.build_flags = "see .bazelrc";
  info.dataset_name = "";  // no data: the analytical mode needs none
  info.threads = 1;
  info.config_json = config;
  info.run_key = results::RunKey(info.code_version, info.target, config);
  results::Store store = results::Store::Open(rcdnn::ResolveUserPath(opts.db));
  store.WriteRun(info, metrics, artifacts);
  std::fprintf(stderr, "table4: wrote %zu metrics to %s\n", metrics.size(), opts.db.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Table4Options opts;
  po::options_description flags;
  flags.add_options()
      ("specs", po::value(&opts.specs)->multitoken()->default_value(opts.specs, "the three models/spec/*.net"),
       "network spec files")
      ("tech", po::value(&opts.techs)->multitoken()->default_value(opts.techs, "the three accel_sim/tech/*.tech"),
       "technology files")
      ("fractions", po::value(&opts.fractions)->default_value(opts.fractions),
       "uniform channel fractions; increment i is the i-th")
      ("images", po::value(&opts.images)->default_value(opts.images),
       "images run back to back per configuration (values are per image)")
      ("no-margin-controller", po::bool_switch(&opts.no_margin_controller),
       "do not activate the margin controller after each image")
      ("db", po::value(&opts.db)->required(), "results store to write the run into (created if absent)")
      ("cost-out-dir", po::value(&opts.cost_out_dir)->default_value(opts.cost_out_dir),
       "also write <network>_<tech>.cost files (increment,energy_uj,time_us) here")
      ("cost-energy", po::value(&opts.cost_energy)->default_value(opts.cost_energy),
       "energy in the cost files: total (DRAM included), onchip, or paper (Table 1 power x time)")
      ("target", po::value(&opts.target)->default_value(opts.target), "target label recorded with the run")
      ("profile", po::value(&opts.profile)->default_value(opts.profile), "profile recorded with the run");
  po::variables_map vm;
  const int parsed = rcdnn::cli::ParseFlags(argc, argv, "table4",
                                       "table4: Tables 1, 2 and 4 on the simulated accelerator, into a results store",
                                       flags, &vm);
  if (parsed >= 0) return parsed;
  return rcdnn::cli::RunMain("table4", [&] { Run(opts, vm); });
}
