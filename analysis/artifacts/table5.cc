// Table 5: time and energy per image of each increment on an embedded GPU
// (the paper's Jetson TX1). Ours: the GPU or CPU platform timings measured on
// this machine, labelled with the platform they ran on.
#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Table5(const ArtifactContext& context) {
  const Missing producer{"Producer: the platform timers (benchmarks/ for the CPU, gpu/ for a CUDA GPU).",
                         "bazel build //artifacts:platforms //artifacts:gpu_platforms (the GPU shard is empty "
                         "where no CUDA device is usable)"};
  // One table per platform measured, the GPU (the paper's kind) first: it is
  // "table5", a further one "table5_<platform>".
  ArtifactOutput out;
  for (const char* platform : {"gpu", "cpu"}) {
    results::MetricFilter filter;
    filter.name = "time_us";
    filter.method = platform;
    if (context.store.Query(filter).empty()) continue;
    const std::string id = out.tables.empty() ? "table5" : std::string("table5_") + platform;
    ArtifactOutput one = PlatformTable(
        context, id,
        std::string("Table 5: mean energy (E) and time (T) per image, paper: Jetson TX1 GPU; ours: ") + platform,
        "table5", platform, PlatformKind::kMeasured, producer);
    out.tables.insert(out.tables.end(), one.tables.begin(), one.tables.end());
    out.missing.insert(out.missing.end(), one.missing.begin(), one.missing.end());
    out.run_ids.insert(one.run_ids.begin(), one.run_ids.end());
    out.notes.push_back(std::string("Ours (") + id + ") ran on the " + platform +
                        " of the machine named in the provenance, not on a Jetson TX1: compare trends, not values.");
  }
  if (out.tables.empty()) {
    return PlatformTable(context, "table5", "Table 5: mean energy (E) and time (T) per image, paper: Jetson TX1 GPU",
                         "table5", "gpu", PlatformKind::kMeasured, producer);
  }
  return out;
}

}  // namespace rcdnn::analysis::artifacts
