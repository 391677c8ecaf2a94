// A platform measurement as a table, its inversions, and a results-store run.
// Shared by the CPU (`platforms`) and CUDA (`gpu_platforms`) tools, so Table 5
// reads the same metric names whichever platform produced them (README.md).
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/timing.h"
#include "results/store.h"

namespace rcdnn::benchmarks {

struct PlatformRun {
  std::string method;  // "cpu" | "gpu": the platform, Table 5's
  // Put before `method` in the stored metrics and config: "table7_" marks the
  // timings of the Table 7 optimum's models, which Table 9 reads apart from
  // Table 5's uniform widths ("": none).
  std::string method_prefix;
  std::string StoredMethod() const { return method_prefix + method; }
  // The platform as read on this machine, in print order, e.g.
  // {"cpu_model", "AMD EPYC ..."}, {"kernel", "Linux 6.1"}; stored in the
  // run's config and, through `machine_summary`, in RunInfo::machine.
  std::vector<std::pair<std::string, std::string>> platform;
  // What may differ between two runs of the same setup (loads, current
  // clocks): printed and kept in RunInfo::machine, left out of the run key
  // so a re-run replaces the stored run.
  std::vector<std::pair<std::string, std::string>> conditions;
  std::string machine_summary;  // appended to MachineDescription(): "2 logical cores, Linux 6.1"
  std::string build_flags;      // RunInfo::build_flags
  std::string energy_source;    // how energy was measured, or why it was not
  bool energy_measured = false;
  std::string energy_key;       // short source name in energy_uj's key: "rapl", "nvml-energy-counter", ...
  int threads = 1, warmup = 0, repetitions = 0, batch = 1, batch_repetitions = 0;
  double energy_seconds = 0;
  std::vector<NetworkTiming> networks;
  std::vector<std::string> weights;  // per network: Workload::weights
};

// A narrower sub-network (fewer MACs) whose median latency is above a wider
// one's. `beyond_spread`: the narrow one's p10 is above the wide one's p90, so
// noise is an unlikely explanation.
struct Inversion {
  int narrow = 0, wide = 0;  // increment numbers
  double narrow_us = 0, wide_us = 0;
  bool beyond_spread = false;
};

// Every (narrow, wide) pair with macs(narrow) < macs(wide) and
// median(narrow) > median(wide), of batch-1 runs or (batched) whole batches.
std::vector<Inversion> FindInversions(const NetworkTiming& network, bool batched);

// The reference of the relative columns: the increment with the most MACs.
const IncrementTiming& Reference(const NetworkTiming& network);

// The tables: per network and increment, batch-1 median and p10-p90, the
// latency relative to the reference next to the MAC ratio, the batched
// latency, energy per image (or NOT MEASURED), and INVERSION flags.
void PrintReport(const PlatformRun& run, std::ostream& out);

// The metrics of README.md, method = run.method.
std::vector<results::Metric> PlatformMetrics(const PlatformRun& run);

// Provenance of `run` (machine, config with the platform description, key).
results::RunInfo PlatformRunInfo(const PlatformRun& run, const std::string& target, const std::string& profile);

// Writes `run` into the store at db_path (created if absent); returns the run id.
int64_t WritePlatformRun(const std::string& db_path, const PlatformRun& run, const std::string& target,
                         const std::string& profile);

}  // namespace rcdnn::benchmarks
