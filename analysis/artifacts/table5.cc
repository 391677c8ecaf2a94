// Table 5: time and energy per image of each increment on an embedded GPU
// (the paper's Jetson TX1). Ours: the GPU or CPU platform timings measured on
// this machine, labelled with the platform they ran on.
#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Table5(const ArtifactContext& context) {
  const Missing producer{"Producer: the platform timers (benchmarks/ for the CPU, gpu/ for a CUDA GPU).",
                         "bazel build //artifacts:platforms (CPU), or on a machine with a GPU "
                         "bazel run //gpu:gpu_platforms -- --db <shard> and render with it"};
  for (const char* platform : {"gpu", "cpu"}) {
    results::MetricFilter filter;
    filter.name = "time_us";
    filter.method = platform;
    if (context.store.Query(filter).empty()) continue;
    ArtifactOutput out = PlatformTable(
        context, "table5",
        std::string("Table 5: mean energy (E) and time (T) per image, paper: Jetson TX1 GPU; ours: ") + platform,
        "table5", platform, producer);
    out.notes.push_back(std::string("Ours ran on the ") + platform +
                        " of the machine named in the provenance, not on a Jetson TX1: compare trends, not values.");
    return out;
  }
  return PlatformTable(context, "table5", "Table 5: mean energy (E) and time (T) per image, paper: Jetson TX1 GPU",
                       "table5", "gpu", producer);
}

}  // namespace rcdnn::analysis::artifacts
