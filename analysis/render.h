// The render pipeline: merge result shards into <out_dir>/results.db, run the
// requested artifacts on it, write their tables (CSV + Markdown) and figures
// (PNG + SVG), and, for "report" or "all", report.html.
#pragma once

#include <string>
#include <vector>

#include "analysis/artifact.h"
#include "results/store.h"

namespace rcdnn::analysis {

struct RenderOptions {
  std::vector<std::string> artifacts;  // artifact ids, "report" (every artifact + report.html) or "all"
  std::vector<std::string> shards;     // result shards to merge (may be empty: render what the store holds)
  std::string out_dir;
  std::string paper_values = "analysis/paper/paper_values.csv";
  std::string paper_figures = "analysis/paper/figures.csv";
  std::string spec_dir = "models/spec";
  std::string command_line;  // recorded in the report
  // The source tree the report was rendered from (render_run.sh passes `git
  // describe`), shown beside the runs' code versions; empty when unknown.
  std::string workspace_version;
};

struct RenderResult {
  std::string db_path;
  int runs_merged = 0;
  std::vector<std::string> files;   // every file written
  std::vector<std::string> errors;  // artifacts that failed ("fig9: ...")
  std::vector<std::string> missing;  // "table6: <what is missing> -- <command>", one per Missing entry
};

// Opens <out_dir>/results.db for merging, creating it when absent. Refuses
// (rcdnn::Error saying to delete it) a file that is not a results store of
// this build's schema version, and one holding runs of a profile none of
// `shard_profiles` has (a store of another fidelity is never mixed in).
// Profiles are compared only for runs that read a data set (non-empty
// dataset_sha256): a simulation of network shapes is the same at any profile.
results::Store OpenOutputStore(const std::string& db_path, const std::vector<std::string>& shard_profiles);

// The profiles of the shards' runs that read a data set (read-only); throws
// naming a shard that is missing or not a results store.
std::vector<std::string> ShardProfiles(const std::vector<std::string>& shards);

// Writes the artifact's tables and figures into dir; returns the paths.
std::vector<std::string> WriteArtifact(const ArtifactOutput& output, const std::string& dir);

// Throws rcdnn::Error for an unknown artifact id, a missing paper file, or a
// store that cannot be opened or merged. An artifact that fails is recorded
// in RenderResult::errors (and the report) while the others still render.
RenderResult Render(const RenderOptions& options);

}  // namespace rcdnn::analysis
