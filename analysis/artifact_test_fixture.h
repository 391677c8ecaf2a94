// The fixture the artifact tests share: a fresh copy of the small LeNet store
// of test_store.h per test, runs added to it, an artifact function or the
// claims run on it, and helpers to read the tables they produce.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/artifacts/artifacts.h"
#include "analysis/artifacts/common.h"
#include "analysis/claims.h"
#include "analysis/test_store.h"
#include "common/error.h"
#include "results/store.h"

namespace rcdnn::analysis::testing {

class ArtifactsTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // Runs an artifact function on the store as it is now.
  ArtifactOutput RunArtifact(const std::string& id);
  std::vector<Claim> Claims();
  // config_json, when given, replaces the test run's config (and so its key).
  void AddRun(const std::string& target, const std::vector<results::Metric>& metrics,
              const std::string& config_json = "");

  std::string path_;
  const PaperValues paper_ = PaperValues::Load("analysis/paper/paper_values.csv");
};

// The table `id` of an artifact's output (throws Error if it has none).
const Table& TableOf(const ArtifactOutput& out, const std::string& id);

// The cell of `row` under `column`.
std::string Cell(const Table& t, size_t row, const std::string& column);

bool NotesMention(const Table& t, const std::string& text);

// Whether a Missing entry's description or command contains `text`.
bool MentionsMissing(const ArtifactOutput& out, const std::string& text);

bool IsPng(const std::string& path);

}  // namespace rcdnn::analysis::testing
