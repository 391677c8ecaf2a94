// The contract of one paper artifact (a table or a figure): a function from
// the merged results store to tables and figures, plus what it could not
// draw. Artifact functions only compute; WriteArtifact (render.h) writes
// their files and the report embeds them.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "analysis/figure.h"
#include "analysis/networks.h"
#include "analysis/paper_values.h"
#include "analysis/store_view.h"
#include "analysis/table_writer.h"

namespace rcdnn::analysis {

struct ArtifactContext {
  const StoreView& store;
  const PaperValues& paper;
  std::string spec_dir;  // holds <network>.net (models/spec)
  // The profile of the store's results: a missing result's command builds it
  // in the same profile, since a store never mixes two.
  std::string profile = kDefaultProfile;
};

// Something an artifact needs and the store lacks.
struct Missing {
  std::string what;     // e.g. "no accuracy metrics of ALEXnet (method golden, split val)"
  std::string command;  // the command that produces them
};

struct ArtifactOutput {
  std::vector<Table> tables;    // the artifact's table, or its figure's data
  std::vector<Figure> figures;
  std::vector<Missing> missing;
  std::vector<std::string> notes;  // method notes the report prints
  std::set<int64_t> run_ids;       // the runs its numbers came from (provenance)
  bool reproduced = true;          // false: shows the paper's values only (e.g. an input of the model)
};

using ArtifactFunction = ArtifactOutput (*)(const ArtifactContext&);

struct ArtifactEntry {
  std::string id;     // "table4", "fig9": the --artifact name and the file stem
  std::string title;  // the paper's caption, shortened
  ArtifactFunction function;
};

}  // namespace rcdnn::analysis
