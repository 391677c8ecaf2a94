#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "results/store.h"
#include "results/test_util.h"

namespace rcdnn::results {
namespace {

using testing::ErrorOf;
using testing::FreshPath;
using testing::SampleMetrics;
using testing::SampleRun;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A shard with two complete runs (2 and 3 metrics, one artifact) and one failed run.
std::string WriteShard(const std::string& name) {
  const std::string path = FreshPath(name);
  Store shard = Store::Open(path);
  RunInfo first = SampleRun("//shard:one");
  first.finished_at = "2024-01-01T00:00:00Z";
  shard.WriteRun(first, SampleMetrics(2), {{"model", "one.model", std::string(64, 'b')}});
  shard.WriteRun(SampleRun("//shard:two"), SampleMetrics(3, "alexnet"), {});
  shard.MarkFailed(SampleRun("//shard:broken"), "out of memory");
  return path;
}

TEST(Merge, CopiesEveryCompleteRunWithItsRows) {
  const std::string shard_path = WriteShard("shard.db");
  Store store = Store::Open(FreshPath("merged.db"));
  store.WriteRun(SampleRun("//main:own"), SampleMetrics(1), {});

  EXPECT_EQ(store.MergeFrom(shard_path), 2);

  EXPECT_EQ(store.ListRuns().size(), 3u);
  EXPECT_FALSE(store.FindRun(SampleRun("//shard:broken").run_key).has_value());
  const Store shard = Store::OpenReadOnly(shard_path);
  for (const char* target : {"//shard:one", "//shard:two"}) {
    const std::string key = SampleRun(target).run_key;
    const RunRow copied = *store.FindRun(key);
    const RunRow original = *shard.FindRun(key);
    EXPECT_EQ(copied.info.started_at, original.info.started_at);
    EXPECT_EQ(copied.info.finished_at, original.info.finished_at);
    EXPECT_EQ(copied.info.machine, original.info.machine);
    EXPECT_EQ(copied.info.config_json, original.info.config_json);
    MetricFilter of_copy, of_original;
    of_copy.run_id = copied.id;
    of_original.run_id = original.id;
    const auto copied_metrics = store.QueryMetrics(of_copy);
    const auto original_metrics = shard.QueryMetrics(of_original);
    ASSERT_EQ(copied_metrics.size(), original_metrics.size()) << target;
    for (size_t i = 0; i < copied_metrics.size(); ++i) {
      EXPECT_EQ(copied_metrics[i].metric.network, original_metrics[i].metric.network);
      EXPECT_EQ(copied_metrics[i].metric.value, original_metrics[i].metric.value);
      EXPECT_EQ(copied_metrics[i].metric.increment, original_metrics[i].metric.increment);
    }
    EXPECT_EQ(store.ListArtifacts(copied.id).size(), shard.ListArtifacts(original.id).size());
  }
  EXPECT_EQ(store.FindRun(SampleRun("//shard:one").run_key)->info.finished_at,
            "2024-01-01T00:00:00Z");
}

TEST(Merge, SameRunKeyIsReplacedAndMergingTwiceChangesNothing) {
  const std::string shard_path = WriteShard("shard_again.db");
  Store store = Store::Open(FreshPath("merged_again.db"));
  store.WriteRun(SampleRun("//shard:one"), SampleMetrics(7), {});  // an older result, same key

  store.MergeFrom(shard_path);
  store.MergeFrom(shard_path);

  EXPECT_EQ(store.ListRuns().size(), 2u);
  EXPECT_EQ(store.QueryMetrics({}).size(), 5u);  // 2 + 3 from the shard; the 7 are gone
}

TEST(Merge, RefusesAForeignDatabaseAndChangesNothing) {
  const std::string foreign = FreshPath("foreign_shard.db");
  Database::Open(foreign, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 1000)
      .Exec("CREATE TABLE runs (id INTEGER)", "test");
  Store store = Store::Open(FreshPath("merge_foreign.db"));
  store.WriteRun(SampleRun("//main:own"), SampleMetrics(1), {});

  const std::string message = ErrorOf([&] { store.MergeFrom(foreign); });
  EXPECT_TRUE(Contains(message, foreign)) << message;
  EXPECT_TRUE(Contains(message, "not an rcdnn results database")) << message;
  EXPECT_EQ(store.ListRuns().size(), 1u);
}

TEST(Merge, RefusesANewerSchema) {
  const std::string shard_path = WriteShard("newer_shard.db");
  Database::Open(shard_path, SQLITE_OPEN_READWRITE, 1000)
      .Exec("UPDATE meta SET value = '42' WHERE key = 'schema_version'", "test");
  Store store = Store::Open(FreshPath("merge_newer.db"));
  const std::string message = ErrorOf([&] { store.MergeFrom(shard_path); });
  EXPECT_TRUE(Contains(message, "was written by schema version 42")) << message;
  EXPECT_TRUE(store.ListRuns().empty());
}

TEST(Merge, RefusesAMissingFileWithoutCreatingIt) {
  const std::string missing = FreshPath("missing_shard.db");
  Store store = Store::Open(FreshPath("merge_missing.db"));
  EXPECT_TRUE(Contains(ErrorOf([&] { store.MergeFrom(missing); }), "no such file"));
  EXPECT_FALSE(std::ifstream(missing).good());
}

TEST(Merge, RefusesToMergeAFileIntoItself) {
  const std::string path = FreshPath("self.db");
  Store store = Store::Open(path);
  store.WriteRun(SampleRun("//a:b"), SampleMetrics(1), {});
  EXPECT_TRUE(Contains(ErrorOf([&] { store.MergeFrom(path); }), "into itself"));
  EXPECT_EQ(store.ListRuns().size(), 1u);
}

// What a render does: the shards' runs replace every stored run of their
// targets (an older code version's run has another key and would otherwise
// stay beside the new one); runs of other targets stay.
TEST(Merge, ReplaceTargetsFromDropsOlderRunsOfTheShardsTargets) {
  const std::string first = WriteShard("replace_first.db");
  const std::string second = FreshPath("replace_second.db");
  Store::Open(second).WriteRun(SampleRun("//shard:three"), SampleMetrics(1), {});
  Store store = Store::Open(FreshPath("replace_merged.db"));
  RunInfo older_build = SampleRun("//shard:one");
  older_build.code_version = "exe-sha256:older";
  older_build.run_key = RunKey(older_build.code_version, older_build.target, older_build.config_json);
  store.WriteRun(older_build, SampleMetrics(7), {});
  store.WriteRun(SampleRun("//main:own"), SampleMetrics(1), {});

  EXPECT_EQ(store.ReplaceTargetsFrom({first, second}), 3);

  std::set<std::string> targets;
  for (const RunRow& run : store.ListRuns()) targets.insert(run.info.target);
  EXPECT_EQ(targets, (std::set<std::string>{"//main:own", "//shard:one", "//shard:two", "//shard:three"}));
  EXPECT_EQ(store.ListRuns().size(), 4u);
  EXPECT_FALSE(store.FindRun(older_build.run_key).has_value());
  EXPECT_EQ(store.QueryMetrics({}).size(), 1u + 2u + 3u + 1u);  // the older build's 7 are gone
  // A missing shard changes nothing.
  EXPECT_TRUE(Contains(ErrorOf([&] { store.ReplaceTargetsFrom({first, FreshPath("absent.db")}); }), "absent.db"));
  EXPECT_EQ(store.ListRuns().size(), 4u);
}

// A shard whose second run carries an artifact that breaks a CHECK
// constraint (written with checks switched off): the merge fails half-way
// and its one transaction leaves the target as it was.
TEST(Merge, AFailureHalfWayCopiesNothing) {
  const std::string shard_path = WriteShard("bad_shard.db");
  Database::Open(shard_path, SQLITE_OPEN_READWRITE, 1000)
      .Exec("PRAGMA ignore_check_constraints = ON;"
            "INSERT INTO artifacts (run_id, kind, path, sha256) "
            "SELECT id, 'model', 'bad.model', 'xyz' FROM runs WHERE target = '//shard:two'",
            "test");
  Store store = Store::Open(FreshPath("merge_bad.db"));
  store.WriteRun(SampleRun("//main:own"), SampleMetrics(1), {});
  EXPECT_TRUE(Contains(ErrorOf([&] { store.MergeFrom(shard_path); }), "bad.model"));
  ASSERT_EQ(store.ListRuns().size(), 1u);
  EXPECT_EQ(store.ListRuns()[0].info.target, "//main:own");
  EXPECT_EQ(store.QueryMetrics({}).size(), 1u);
}

}  // namespace
}  // namespace rcdnn::results
