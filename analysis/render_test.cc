// The render pipeline: merging shards into <out-dir>/results.db (and
// refusing a foreign or stale one), the report page, and StoreView's rule for
// repeated measurements.
#include "analysis/render.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "analysis/artifacts/artifacts.h"
#include "analysis/report.h"
#include "analysis/store_view.h"
#include "analysis/test_store.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "results/provenance.h"

namespace rcdnn::analysis {
namespace {

RenderOptions Options(const std::string& out_dir, const std::vector<std::string>& shards,
                      const std::vector<std::string>& artifacts) {
  RenderOptions o;
  o.artifacts = artifacts;
  o.shards = shards;
  o.out_dir = out_dir;
  o.command_line = "render (test)";
  return o;
}

std::string RenderError(const RenderOptions& options) {
  try {
    Render(options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Runs SQL on a new plain SQLite file (not a results store).
void MakeSqliteFile(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(Render, MergesShardsAndWritesTheArtifact) {
  const std::string shard = testing::FreshPath("merge_shard.db");
  testing::WriteLenetStore(shard);
  const std::string out = testing::TempDir("merge_out");
  const RenderResult result = Render(Options(out, {shard}, {"fig9", "table6"}));
  EXPECT_EQ(result.db_path, out + "/results.db");
  EXPECT_EQ(result.runs_merged, 3);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(result.files, (std::vector<std::string>{out + "/fig9.csv", out + "/fig9.md", out + "/fig9.png",
                                                    out + "/fig9.svg", out + "/table6.csv", out + "/table6.md"}));
  EXPECT_EQ(results::Store::OpenReadOnly(out + "/results.db").ListRuns().size(), 3u);
  // The networks without data are listed with the command that produces them.
  ASSERT_FALSE(result.missing.empty());
  EXPECT_EQ(result.missing[0].rfind("fig9: ", 0), 0u) << result.missing[0];
  EXPECT_NE(result.missing[0].find(" -- bazel build"), std::string::npos) << result.missing[0];
  // Merging the same shard again replaces its runs: still three.
  EXPECT_EQ(Render(Options(out, {shard}, {"table6"})).runs_merged, 3);
  EXPECT_EQ(results::Store::OpenReadOnly(out + "/results.db").ListRuns().size(), 3u);
}

TEST(Render, RefusesAForeignResultsDb) {
  const std::string shard = testing::FreshPath("foreign_shard.db");
  testing::WriteLenetStore(shard);
  const std::string out = testing::TempDir("foreign_out");
  MakeSqliteFile(out + "/results.db", "CREATE TABLE photos(id INTEGER); INSERT INTO photos VALUES (1);");
  const std::string before = ReadFileToString(out + "/results.db");
  const std::string error = RenderError(Options(out, {shard}, {"fig9"}));
  EXPECT_NE(error.find(out + "/results.db is not a results store this build can add to"), std::string::npos) << error;
  EXPECT_NE(error.find("delete it (rm " + out + "/results.db) and render again"), std::string::npos) << error;
  EXPECT_EQ(ReadFileToString(out + "/results.db"), before);  // untouched
}

TEST(Render, RefusesAStaleSchemaOrAnotherApplication) {
  const std::string shard = testing::FreshPath("stale_shard.db");
  testing::WriteLenetStore(shard);
  for (const std::string& meta : {std::string("('application', 'rcdnn-results'), ('schema_version', '0')"),
                                  std::string("('application', 'someone-else'), ('schema_version', '1')")}) {
    const std::string out = testing::TempDir("stale_out");
    MakeSqliteFile(out + "/results.db", "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES " +
                                            meta + ";");
    const std::string error = RenderError(Options(out, {shard}, {"fig9"}));
    EXPECT_NE(error.find("delete it (rm " + out + "/results.db)"), std::string::npos) << meta << ": " << error;
  }
  // Not a database at all.
  const std::string out = testing::TempDir("text_out");
  WriteFileAtomically(out + "/results.db", "these are not the results you are looking for\n");
  EXPECT_NE(RenderError(Options(out, {shard}, {"fig9"})).find("delete it"), std::string::npos);
}

TEST(Render, NeverMixesProfiles) {
  const std::string paper_shard = testing::FreshPath("paper_shard.db");
  const std::string smoke_shard = testing::FreshPath("smoke_shard.db");
  testing::WriteLenetStore(paper_shard, "paper");
  testing::WriteLenetStore(smoke_shard, "smoke");
  const std::string out = testing::TempDir("profiles_out");
  Render(Options(out, {paper_shard}, {"table6"}));
  const std::string error = RenderError(Options(out, {smoke_shard}, {"table6"}));
  EXPECT_NE(error.find("holds runs of profile 'paper' and the shards are of profile smoke"), std::string::npos) << error;
  EXPECT_EQ(results::Store::OpenReadOnly(out + "/results.db").ListRuns().size(), 3u);

  // A run that reads no data set (a simulation of network shapes) is the
  // same at every profile, so it never blocks a merge.
  const std::string simulation = testing::FreshPath("simulation_shard.db");
  results::RunInfo info = testing::TestRun("//accel_sim:table4", "paper");
  info.dataset_name = info.dataset_display_name = info.dataset_sha256 = "";
  results::Store::Open(simulation).WriteRun(info, {{"time_us", "lenet", "20,50,500", "fixed32_16", "", "total", 4, 283.0, "us"}}, {});
  const std::string mixed = testing::TempDir("simulation_out");
  EXPECT_EQ(Render(Options(mixed, {simulation, smoke_shard}, {"table4"})).runs_merged, 4);
  EXPECT_EQ(Render(Options(mixed, {smoke_shard}, {"table4"})).runs_merged, 3);
}

// A missing result's command builds it in the profile of the store's runs
// (a store never mixes two), or in Bazel's default when the store has none.
TEST(Render, MissingResultsAreBuiltInTheStoresProfile) {
  const std::string shard = testing::FreshPath("paper_profile_shard.db");
  testing::WriteLenetStore(shard, "paper");
  auto first_missing = [](const RenderResult& result) {
    return result.missing.empty() ? std::string("(nothing missing)") : result.missing[0];
  };
  const std::string paper = first_missing(Render(Options(testing::TempDir("paper_hint_out"), {shard}, {"fig9"})));
  EXPECT_NE(paper.find("bazel build --config=paper //artifacts:"), std::string::npos) << paper;
  const RenderResult pareto = Render(Options(testing::TempDir("paper_pareto_out"), {shard}, {"pareto"}));
  ASSERT_FALSE(pareto.missing.empty());
  EXPECT_NE(pareto.missing[0].find("bazel run --config=paper //artifacts:pareto"), std::string::npos)
      << pareto.missing[0];
  const std::string empty = first_missing(Render(Options(testing::TempDir("empty_hint_out"), {}, {"fig9"})));
  EXPECT_NE(empty.find("bazel build --config=quick //artifacts:lenet_shards"), std::string::npos) << empty;
}

TEST(Render, RejectsUnknownArtifactsAndMissingShards) {
  const std::string out = testing::TempDir("unknown_out");
  const std::string error = RenderError(Options(out, {}, {"table10"}));
  EXPECT_NE(error.find("unknown artifact 'table10'; choose from table1, table2"), std::string::npos) << error;
  EXPECT_NE(RenderError(Options(out, {out + "/nope.db"}, {"fig9"})).find("nope.db: no such file"), std::string::npos);
}

TEST(Render, ReportHasEverySectionAndEmbedsItsImages) {
  const std::string shard = testing::FreshPath("report_shard.db");
  testing::WriteLenetStore(shard);
  const std::string out = testing::TempDir("report_out");
  const RenderResult result = Render(Options(out, {shard}, {"report"}));
  EXPECT_TRUE(result.errors.empty());
  ASSERT_EQ(result.files.back(), out + "/report.html");
  const std::string html = ReadFileToString(out + "/report.html");
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<section id=\"claims-summary\">"), std::string::npos);
  for (const ArtifactEntry& e : AllArtifacts()) {
    EXPECT_NE(html.find("<section id=\"" + e.id + "\">"), std::string::npos) << e.id;
  }
  for (const char* claim : {"data-claim=\"energy\"", "data-claim=\"incremental\"", "data-claim=\"storage\"",
                            "data-claim=\"shutdown\"", "data-claim=\"fixed-point\""}) {
    EXPECT_NE(html.find(claim), std::string::npos) << claim;
  }
  EXPECT_NE(html.find("<b>not measured yet</b>"), std::string::npos);
  EXPECT_NE(html.find("<b>holds</b>"), std::string::npos);
  // fig6, fig7, fig9 and fig10 have data; each PNG is a data URI, and nothing
  // is loaded from elsewhere.
  EXPECT_EQ(Count(html, "<img "), 4u);
  EXPECT_EQ(Count(html, "src=\"data:image/png;base64,iVBORw0KGgo"), 4u);
  EXPECT_EQ(Count(html, "src="), 4u);
  EXPECT_EQ(Count(html, "http://") + Count(html, "https://") + Count(html, "<link"), 0u);
  // Missing data says what and how; provenance names the data set and its checksum.
  EXPECT_NE(html.find("no fixed32_16 results: metrics time_us and energy_uj"), std::string::npos);
  EXPECT_NE(html.find("produce it with: <code>bazel build --config=smoke //artifacts:alexnet_shards"),
            std::string::npos);
  EXPECT_NE(html.find("Fashion-MNIST (stand-in for MNIST)"), std::string::npos);
  EXPECT_NE(html.find(std::string(64, 'f')), std::string::npos);
}

TEST(Render, ReportNamesTheSourceTreeAndSummarisesManyCodeVersions) {
  const std::string shard = testing::FreshPath("versions_shard.db");
  {
    results::Store store = results::Store::Open(shard);
    for (int tool = 0; tool < 6; ++tool) {
      results::RunInfo run = testing::TestRun("//artifacts:tool_" + std::to_string(tool), "smoke");
      run.code_version = "exe-sha256:" + std::string(16, static_cast<char>('a' + tool));
      run.run_key = results::RunKey(run.code_version, run.target, run.config_json);
      store.WriteRun(run, {}, {});
    }
  }
  const std::string out = testing::TempDir("versions_out");
  RenderOptions options = Options(out, {shard}, {"report"});
  options.workspace_version = "0123456789ab-dirty";
  EXPECT_TRUE(Render(options).errors.empty());
  const std::string html = ReadFileToString(out + "/report.html");
  EXPECT_NE(html.find("in a source tree at <code>0123456789ab-dirty</code>"), std::string::npos);
  EXPECT_NE(html.find("Code versions: 6 (a digest of each tool binary"), std::string::npos);
  // Counted in the header, not listed one by one.
  EXPECT_EQ(html.find("Code versions: exe-sha256:"), std::string::npos);
}

TEST(Report, Base64) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64(std::string("\xff\x00\x80", 3)), "/wCA");
}

TEST(StoreView, DataProfileIsTheOneProfileOfTheRunsThatReadData) {
  const std::string path = testing::FreshPath("data_profile.db");
  EXPECT_EQ(StoreView(results::Store::Open(path)).DataProfile(), std::nullopt);  // empty
  results::RunInfo simulation = testing::TestRun("//accel_sim:table4", "paper");
  simulation.dataset_name = simulation.dataset_display_name = simulation.dataset_sha256 = "";
  results::Store::Open(path).WriteRun(simulation, {}, {});
  EXPECT_EQ(StoreView(results::Store::Open(path)).DataProfile(), std::nullopt);  // reads no data set
  results::Store::Open(path).WriteRun(testing::TestRun("//artifacts:lenet_eval_golden", "smoke"), {}, {});
  EXPECT_EQ(StoreView(results::Store::Open(path)).DataProfile(), "smoke");
  results::Store::Open(path).WriteRun(testing::TestRun("//artifacts:lenet_eval_shutdown", "quick"), {}, {});
  EXPECT_EQ(StoreView(results::Store::Open(path)).DataProfile(), std::nullopt);  // two profiles
}

TEST(StoreView, LaterRunWinsARepeatedMeasurement) {
  const std::string path = testing::FreshPath("repeat.db");
  results::Store store = results::Store::Open(path);
  const results::Metric older{"accuracy", "lenet", "5,13,125", "golden", "val", "", 1, 0.5, ""};
  results::Metric newer = older;
  newer.value = 0.6;
  results::RunInfo a = testing::TestRun("a"), b = testing::TestRun("b");
  a.finished_at = "2024-01-02T00:00:00Z";
  b.finished_at = "2024-01-01T00:00:00Z";
  store.WriteRun(a, {older}, {});  // finished later, written first
  store.WriteRun(b, {newer}, {});
  const StoreView view(store);
  EXPECT_EQ(view.superseded(), 1);
  EXPECT_EQ(view.repeated_agreeing(), 0);
  EXPECT_EQ(view.Value("accuracy", "lenet", "5,13,125", "golden", "val", "", 1), 0.5);
  EXPECT_EQ(view.Query(results::MetricFilter{}).size(), 1u);
  EXPECT_EQ(view.Value("accuracy", "lenet", "5,13,125", "golden", "val", "", std::nullopt), std::nullopt);
}

// A second run recording the same value (the runtime analysis re-records the
// evaluation's accuracies) is a repeat, not a superseded measurement.
TEST(StoreView, CountsAgreeingRepeatsApartFromSupersededOnes) {
  const std::string path = testing::FreshPath("agreeing.db");
  results::Store store = results::Store::Open(path);
  const results::Metric accuracy{"accuracy", "lenet", "5,13,125", "golden", "val", "", 1, 0.5, ""};
  results::Metric other_width = accuracy;
  other_width.width = "10,25,250";
  results::Metric remeasured = other_width;
  remeasured.value = 0.75;
  store.WriteRun(testing::TestRun("eval"), {accuracy, other_width}, {});
  store.WriteRun(testing::TestRun("runtime"), {accuracy}, {});
  store.WriteRun(testing::TestRun("eval-again"), {remeasured}, {});
  const StoreView view(store);
  EXPECT_EQ(view.repeated_agreeing(), 1);
  EXPECT_EQ(view.superseded(), 1);
  EXPECT_EQ(view.Query(results::MetricFilter{}).size(), 2u);
}

}  // namespace
}  // namespace rcdnn::analysis
