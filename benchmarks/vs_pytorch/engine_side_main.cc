// Our engine's side of //benchmarks/vs_pytorch: prints one line per
// measurement and writes the rows (engine_side.h) as CSV. vs_pytorch.sh runs
// it with the same counts it gives torch_peer.py; run alone:
//   engine_side --networks lenet --batches 64 --train-steps 50 --csv /tmp/ours.csv
#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/vs_pytorch/engine_side.h"
#include "common/cli_args.h"
#include "common/error.h"
#include "common/parse_number.h"
#include "models/spec/net_spec.h"

namespace {

namespace po = boost::program_options;
using rcdnn::Error;
using rcdnn::benchmarks::EngineSideOptions;
using rcdnn::benchmarks::PeerRow;

std::vector<std::string> SplitList(const std::string& text, const char* flag) {
  std::vector<std::string> items;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty()) throw Error(std::string("--") + flag + ": empty item in '" + text + "'");
    items.push_back(item);
  }
  if (items.empty()) throw Error(std::string("--") + flag + " is empty");
  return items;
}

std::vector<int> SplitInts(const std::string& text, const char* flag, size_t count) {
  std::vector<int> values;
  for (const std::string& item : SplitList(text, flag)) {
    const std::optional<int> value = rcdnn::ParseWholeInt(item);
    if (!value) throw Error(std::string("--") + flag + ": '" + item + "' is not an integer");
    values.push_back(*value);
  }
  if (values.size() != count) {
    throw Error(std::string("--") + flag + " needs one value per network (" + std::to_string(count) + "), got '" +
                text + "'");
  }
  return values;
}

void Print(const PeerRow& row, const EngineSideOptions& o) {
  if (row.metric == "train") {
    std::printf("%-9s train throughput   %10.1f images/s  (batch %d, %d steps after %d warm-up, %d threads)\n",
                row.network.c_str(), row.value, o.batch, o.train_steps, o.warmup_steps, o.threads);
  } else if (row.metric == "latency_b1") {
    std::printf("%-9s batch-1 latency    %10.1f us        (width %.2f, ", row.network.c_str(), row.value, row.width);
  } else if (row.metric == "latency_b1_runs") {
    std::printf("median of %.0f)\n", row.value);
  } else if (row.metric.rfind("conv_", 0) == 0) {
    std::printf("%-9s %-6s %-15s %10.1f %s\n", row.network.c_str(), row.layer.c_str(), row.metric.c_str(), row.value,
                row.unit.c_str());
  }
  std::fflush(stdout);
}

int Run(int argc, char** argv) {
  EngineSideOptions options;
  std::string spec_dir = "models/spec", networks = "lenet,alexnet,convnets", batches = "64,100,100";
  std::string train_steps = "100,20,10", csv;
  bool skip_layers = false;
  po::options_description flags("Options");
  flags.add_options()
      ("help", "show this help")
      ("threads", po::value(&options.threads)->default_value(options.threads), "threads of the engine")
      ("spec-dir", po::value(&spec_dir)->default_value(spec_dir), "folder of <network>.net files")
      ("networks", po::value(&networks)->default_value(networks), "comma-separated network names")
      ("batches", po::value(&batches)->default_value(batches), "training batch per network")
      ("train-steps", po::value(&train_steps)->default_value(train_steps), "timed training steps per network")
      ("warmup-steps", po::value(&options.warmup_steps)->default_value(options.warmup_steps),
       "untimed training steps before timing")
      ("latency-runs", po::value(&options.latency_runs)->default_value(options.latency_runs),
       "timed batch-1 forwards per width (median reported)")
      ("latency-budget-s", po::value(&options.latency_budget_s)->default_value(options.latency_budget_s),
       "stop a width's timed forwards after this many seconds (at least 5 run)")
      ("latency-warmup", po::value(&options.latency_warmup)->default_value(options.latency_warmup),
       "untimed batch-1 forwards per width")
      ("layer-repetitions", po::value(&options.layer_repetitions)->default_value(options.layer_repetitions),
       "timed passes per conv layer")
      ("skip-layers", po::bool_switch(&skip_layers), "do not measure per-conv-layer GFLOP/s")
      ("csv", po::value(&csv), "write the rows to this CSV file (default: none)");
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(flags).positional(rcdnn::kNoPositionalArguments).run(), vm);
  if (vm.count("help")) {
    std::cout << "engine_side: our engine's half of the PyTorch comparison\n\n" << flags << "\n";
    return 0;
  }
  po::notify(vm);

  const std::vector<std::string> names = SplitList(networks, "networks");
  const std::vector<int> batch_list = SplitInts(batches, "batches", names.size());
  const std::vector<int> step_list = SplitInts(train_steps, "train-steps", names.size());
  std::vector<PeerRow> rows;
  for (size_t i = 0; i < names.size(); ++i) {
    EngineSideOptions o = options;
    o.batch = batch_list[i];
    o.train_steps = step_list[i];
    rcdnn::benchmarks::Validate(o);
    const rcdnn::models::NetSpec spec = rcdnn::models::LoadNetSpec(spec_dir + "/" + names[i] + ".net");
    std::vector<std::vector<PeerRow>> parts = {rcdnn::benchmarks::MeasureStructure(spec, o),
                                               rcdnn::benchmarks::MeasureTraining(spec, o),
                                               rcdnn::benchmarks::MeasureLatency(spec, o)};
    if (!skip_layers) parts.push_back(rcdnn::benchmarks::MeasureConvLayers(spec, o));
    for (const auto& part : parts) {
      for (const PeerRow& row : part) {
        Print(row, o);
        rows.push_back(row);
      }
    }
  }
  if (!csv.empty()) {
    std::ofstream out(csv);
    out << rcdnn::benchmarks::ToCsv(rows, /*header=*/true);
    if (!out.flush()) throw Error("cannot write --csv file '" + csv + "'");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "engine_side: %s\n", e.what());
    return 1;
  }
}
