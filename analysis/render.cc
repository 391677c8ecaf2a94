#include "analysis/render.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "analysis/artifacts/artifacts.h"
#include "analysis/claims.h"
#include "analysis/paper_values.h"
#include "analysis/report.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "results/provenance.h"

namespace rcdnn::analysis {
namespace {

bool Exists(const std::string& path) { return static_cast<bool>(std::ifstream(path)); }

// mkdir -p.
void MakeDirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos == dir.size() || dir[pos] == '/') {
      const std::string prefix = dir.substr(0, pos);
      if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) throw Error("cannot create folder " + prefix);
    }
  }
}

}  // namespace

std::vector<std::string> ShardProfiles(const std::vector<std::string>& shards) {
  std::vector<std::string> profiles;
  for (const std::string& shard : shards) {
    if (!Exists(shard)) throw Error("result shard " + shard + ": no such file; check the path");
    for (const results::RunRow& run : results::Store::OpenReadOnly(shard).ListRuns()) {
      if (run.info.dataset_sha256.empty()) continue;  // reads no data: the same at every profile
      if (std::find(profiles.begin(), profiles.end(), run.info.profile) == profiles.end()) {
        profiles.push_back(run.info.profile);
      }
    }
  }
  return profiles;
}

results::Store OpenOutputStore(const std::string& db_path, const std::vector<std::string>& shard_profiles) {
  if (Exists(db_path)) {
    const std::string advice = "; delete it (rm " + db_path + ") and render again";
    std::vector<results::RunRow> runs;
    try {
      runs = results::Store::OpenReadOnly(db_path).ListRuns();
    } catch (const Error& e) {
      throw Error(db_path + " is not a results store this build can add to (" + e.what() + ")" + advice);
    }
    for (const results::RunRow& run : runs) {
      if (!run.info.dataset_sha256.empty() && !shard_profiles.empty() &&
          std::find(shard_profiles.begin(), shard_profiles.end(), run.info.profile) == shard_profiles.end()) {
        std::string given;
        for (const std::string& p : shard_profiles) given += (given.empty() ? "" : ", ") + p;
        throw Error(db_path + " holds runs of profile '" + run.info.profile + "' and the shards are of profile " +
                    given + ": the two are never mixed" + advice + ", or use another --out-dir");
      }
    }
  }
  return results::Store::Open(db_path);
}

std::vector<std::string> WriteArtifact(const ArtifactOutput& output, const std::string& dir) {
  std::vector<std::string> files;
  for (const Table& table : output.tables) {
    for (const std::string& f : WriteTable(table, dir)) files.push_back(f);
  }
  for (const Figure& figure : output.figures) {
    for (const std::string& f : DrawFigure(figure, dir)) files.push_back(f);
  }
  return files;
}

RenderResult Render(const RenderOptions& options) {
  if (options.out_dir.empty()) throw Error("--out-dir is required");
  bool report = false;
  std::vector<const ArtifactEntry*> selected;
  for (const std::string& id : options.artifacts) {
    if (id == "all" || id == "report") {
      report = true;
      selected.clear();
      for (const ArtifactEntry& e : AllArtifacts()) selected.push_back(&e);
      continue;
    }
    const ArtifactEntry* entry = FindArtifact(id);
    if (entry == nullptr) {
      throw Error("unknown artifact '" + id + "'; choose from " + ArtifactIds() + ", report, all");
    }
    if (!report && std::find(selected.begin(), selected.end(), entry) == selected.end()) selected.push_back(entry);
  }
  if (selected.empty()) throw Error("no artifact given (--artifact " + ArtifactIds() + ", report or all)");
  const PaperValues paper = PaperValues::Load(options.paper_values);
  const std::vector<PaperFigure> paper_figures = LoadPaperFigures(options.paper_figures);

  MakeDirs(options.out_dir);
  RenderResult result;
  result.db_path = options.out_dir + "/results.db";
  results::Store store = OpenOutputStore(result.db_path, ShardProfiles(options.shards));
  // The shards are the current outputs of their targets: their runs replace
  // whatever an earlier render stored for the same targets.
  result.runs_merged = store.ReplaceTargetsFrom(options.shards);
  const StoreView view(store);
  const ArtifactContext context{view, paper, options.spec_dir, view.DataProfile().value_or(kDefaultProfile)};

  std::vector<RenderedArtifact> rendered;
  for (const ArtifactEntry* entry : selected) {
    RenderedArtifact r{*entry, {}, {}, ""};
    try {
      r.output = entry->function(context);
      r.files = WriteArtifact(r.output, options.out_dir);
    } catch (const Error& e) {
      r.error = e.what();
      result.errors.push_back(entry->id + ": " + e.what());
    }
    result.files.insert(result.files.end(), r.files.begin(), r.files.end());
    for (const Missing& m : r.output.missing) result.missing.push_back(entry->id + ": " + m.what + " -- " + m.command);
    rendered.push_back(std::move(r));
  }
  if (report) {
    const std::string path = options.out_dir + "/report.html";
    WriteFileAtomically(path, ReportHtml(view, paper_figures, EvaluateClaims(context), rendered,
                                         {options.command_line, results::NowIso8601Utc(), options.workspace_version}));
    result.files.push_back(path);
  }
  return result;
}

}  // namespace rcdnn::analysis
