// Table 4: time and energy per image of each increment on the custom
// accelerator (our cycle-level model in accel_sim/).
#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Table4(const ArtifactContext& context) {
  return PlatformTable(context, "table4", "Table 4: mean energy (E) and time (T) per image on the accelerator",
                       "table4", kAcceleratorMethod, PlatformKind::kAcceleratorModel,
                       {"Producer: the accelerator simulator's table4 tool (accel_sim/).",
                        "bazel run //accel_sim:table4 -- --db <shard.db>  (then pass the shard to render --shards)"});
}

}  // namespace rcdnn::analysis::artifacts
