// inspect: print the runs and metrics of a results database.
//   bazel run //results:inspect -- artifacts/out/results.db --metrics --network lenet
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>

#include "common/error.h"
#include "results/inspect.h"

namespace po = boost::program_options;

namespace {

// `bazel run` starts the binary in its runfiles; a relative path means one
// relative to where the user typed the command.
std::string ResolvePath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || cwd == nullptr || cwd[0] == '\0') return path;
  return std::string(cwd) + "/" + path;
}

int Main(int argc, char** argv) {
  rcdnn::results::InspectOptions options;
  int64_t run_id = 0;
  po::options_description visible(
      "Usage: inspect <results.db> [options]\n"
      "Prints the runs and metrics of a results database (opened read-only).\n"
      "With neither --runs nor --metrics: both tables, or only the metrics when\n"
      "a filter is given. Filters apply to metrics; an empty filter matches any.\n"
      "Options");
  visible.add_options()
      ("help,h", "print this help and exit")
      ("runs", po::bool_switch(&options.runs), "list runs: id, target, profile, data set, "
                                               "seed, status, start time, code version")
      ("metrics", po::bool_switch(&options.metrics), "list metrics")
      ("name", po::value(&options.filter.name), "only metrics with this name, e.g. accuracy")
      ("network", po::value(&options.filter.network), "only metrics of this network, e.g. lenet")
      ("method", po::value(&options.filter.method), "only metrics of this method, e.g. incremental")
      ("split", po::value(&options.filter.split), "only metrics of this split: val or test")
      ("run-id", po::value(&run_id), "only metrics of the run with this id")
      ("csv", po::bool_switch(&options.csv), "print CSV (one table) instead of aligned text");
  po::options_description hidden;
  hidden.add_options()("db", po::value(&options.db_path), "results database");
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("db", 1);

  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return 0;
  }
  po::notify(vm);
  if (options.db_path.empty()) throw rcdnn::Error("no database given; see --help");
  if (vm.count("run-id")) options.filter.run_id = run_id;
  options.db_path = ResolvePath(options.db_path);
  std::cout << rcdnn::results::Inspect(options);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const rcdnn::Error& e) {
    std::cerr << "inspect: " << e.what() << "\n";
  } catch (const po::error& e) {
    std::cerr << "inspect: " << e.what() << "; see --help\n";
  }
  return 1;
}
