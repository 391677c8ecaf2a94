#include "analysis/artifact_test_fixture.h"

#include "common/atomic_file.h"
#include "results/provenance.h"

namespace rcdnn::analysis::testing {

void ArtifactsTest::SetUp() {
  path_ = FreshPath(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
  WriteLenetStore(path_);
}

ArtifactOutput ArtifactsTest::RunArtifact(const std::string& id) {
  results::Store store = results::Store::OpenReadOnly(path_);
  const StoreView view(store);
  const ArtifactContext context{view, paper_, "models/spec"};
  return FindArtifact(id)->function(context);
}

std::vector<Claim> ArtifactsTest::Claims() {
  results::Store store = results::Store::OpenReadOnly(path_);
  const StoreView view(store);
  return EvaluateClaims(ArtifactContext{view, paper_, "models/spec"});
}

void ArtifactsTest::AddRun(const std::string& target, const std::vector<results::Metric>& metrics,
                           const std::string& config_json) {
  results::RunInfo run = TestRun(target);
  if (!config_json.empty()) {
    run.config_json = config_json;
    run.run_key = results::RunKey(run.code_version, run.target, run.config_json);
  }
  results::Store::Open(path_).WriteRun(run, metrics, {});
}

const Table& TableOf(const ArtifactOutput& out, const std::string& id) {
  for (const Table& t : out.tables) {
    if (t.id == id) return t;
  }
  throw Error("no table " + id);
}

// The cell of `row` under `column`.
std::string Cell(const Table& t, size_t row, const std::string& column) {
  for (size_t c = 0; c < t.header.size(); ++c) {
    if (t.header[c] == column) return t.rows.at(row).at(c);
  }
  throw Error("table " + t.id + " has no column " + column);
}

bool NotesMention(const Table& t, const std::string& text) {
  for (const std::string& note : t.notes) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

bool MentionsMissing(const ArtifactOutput& out, const std::string& text) {
  for (const Missing& m : out.missing) {
    if (m.what.find(text) != std::string::npos || m.command.find(text) != std::string::npos) return true;
  }
  return false;
}

bool IsPng(const std::string& path) {
  const std::string bytes = ReadFileToString(path);
  return bytes.size() > 8 && bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8);
}

}  // namespace rcdnn::analysis::testing
