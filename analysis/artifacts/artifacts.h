// The paper's tables and figures, one function each (one file each), and the
// registry that lists them in the paper's order. To add an artifact: write
// <id>.cc with `ArtifactOutput <Name>(const ArtifactContext&)`, declare it
// here, and add one line to the table in registry.cc.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "analysis/artifact.h"

namespace rcdnn::analysis::artifacts {

ArtifactOutput Table1(const ArtifactContext& context);
ArtifactOutput Table2(const ArtifactContext& context);
ArtifactOutput Table3(const ArtifactContext& context);
ArtifactOutput Table4(const ArtifactContext& context);
ArtifactOutput Table5(const ArtifactContext& context);
ArtifactOutput Table6(const ArtifactContext& context);
ArtifactOutput Table7(const ArtifactContext& context);
ArtifactOutput Table8(const ArtifactContext& context);
ArtifactOutput Table9(const ArtifactContext& context);
ArtifactOutput Fig6(const ArtifactContext& context);
ArtifactOutput Fig7(const ArtifactContext& context);
ArtifactOutput Fig8(const ArtifactContext& context);
ArtifactOutput Fig9(const ArtifactContext& context);
ArtifactOutput Fig10(const ArtifactContext& context);
ArtifactOutput Fig11(const ArtifactContext& context);
// Not in the paper: the related systems beside incremental training.
ArtifactOutput Pareto(const ArtifactContext& context);

// Table 6's numbers for one network (also used by the claims): the extra
// storage of our scheme (the classifier heads before the last) and of
// Big/Little (every smaller golden model), each over the original network.
struct StorageOverhead {
  std::string method;  // the incremental method measured
  double ours_extra_bytes = 0, ours_reference_bytes = 0;  // reference 0: not measured
  int ours_heads = 0;
  double big_little_extra_bytes = 0, big_little_reference_bytes = 0;  // reference 0: not measured
  std::string big_little_widths;  // the smaller golden models' widths
  std::set<int64_t> run_ids;
  double OursPct() const { return 100.0 * ours_extra_bytes / ours_reference_bytes; }
  double BigLittlePct() const { return 100.0 * big_little_extra_bytes / big_little_reference_bytes; }
};
StorageOverhead ComputeStorageOverhead(const StoreView& store, const std::string& network);

}  // namespace rcdnn::analysis::artifacts

namespace rcdnn::analysis {

// Every artifact, in the paper's order (tables, then figures).
const std::vector<ArtifactEntry>& AllArtifacts();

// nullptr for an unknown id.
const ArtifactEntry* FindArtifact(const std::string& id);

// "table1, table2, ..., fig11": for usage messages.
std::string ArtifactIds();

}  // namespace rcdnn::analysis
