#include "results/store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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

ArtifactRecord Artifact(const std::string& path, const std::string& sha256) {
  return {"model", path, sha256};
}

TEST(Store, RoundTripsARunWithMetricsAndArtifacts) {
  Store store = Store::Open(FreshPath("roundtrip.db"));
  RunInfo info = SampleRun("//artifacts:table5", R"({"epochs":2})");
  info.seed = std::numeric_limits<uint64_t>::max();  // all 64 bits survive the signed column
  info.finished_at = "2024-01-02T03:04:05Z";

  Metric plain;
  plain.name = "energy_pj";
  plain.network = "alexnet";
  plain.width = "8,16,32,64";  // a per-layer width vector
  plain.method = "big-little";
  plain.key = "batch=1";
  plain.value = 1.0 / 3.0;
  plain.unit = "pJ";  // no increment, no split: stored as NULL
  std::vector<Metric> metrics = SampleMetrics(5);
  metrics.insert(metrics.begin() + 2, plain);
  const std::vector<ArtifactRecord> artifacts = {Artifact("out/lenet.model", std::string(64, 'f')),
                                                 {"figure", "out/fig9.png", ""}};

  const int64_t id = store.WriteRun(info, metrics, artifacts);

  const std::optional<RunRow> run = store.FindRun(info.run_key);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->id, id);
  EXPECT_EQ(run->status, RunStatus::kComplete);
  EXPECT_EQ(run->error, "");
  const RunInfo& got = run->info;
  EXPECT_EQ(got.run_key, info.run_key);
  EXPECT_EQ(got.target, info.target);
  EXPECT_EQ(got.profile, info.profile);
  EXPECT_EQ(got.code_version, info.code_version);
  EXPECT_EQ(got.build_flags, info.build_flags);
  EXPECT_EQ(got.dataset_name, info.dataset_name);
  EXPECT_EQ(got.dataset_display_name, info.dataset_display_name);
  EXPECT_EQ(got.dataset_sha256, info.dataset_sha256);
  EXPECT_EQ(got.seed, info.seed);
  EXPECT_EQ(got.threads, info.threads);
  EXPECT_EQ(got.machine, info.machine);
  EXPECT_EQ(got.config_json, info.config_json);
  EXPECT_EQ(got.started_at, info.started_at);
  EXPECT_EQ(got.finished_at, info.finished_at);

  MetricFilter of_run;
  of_run.run_id = id;
  const std::vector<MetricRow> rows = store.QueryMetrics(of_run);
  ASSERT_EQ(rows.size(), metrics.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const Metric& want = metrics[i];
    const Metric& have = rows[i].metric;
    EXPECT_EQ(rows[i].run_id, id);
    EXPECT_EQ(have.name, want.name) << i;
    EXPECT_EQ(have.network, want.network) << i;
    EXPECT_EQ(have.width, want.width) << i;
    EXPECT_EQ(have.increment, want.increment) << i;
    EXPECT_EQ(have.method, want.method) << i;
    EXPECT_EQ(have.split, want.split) << i;
    EXPECT_EQ(have.key, want.key) << i;
    EXPECT_EQ(have.value, want.value) << i;  // bit-exact
    EXPECT_EQ(have.unit, want.unit) << i;
  }

  const std::vector<ArtifactRow> stored = store.ListArtifacts(id);
  ASSERT_EQ(stored.size(), 2u);
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].run_id, id);
    EXPECT_EQ(stored[i].artifact.kind, artifacts[i].kind);
    EXPECT_EQ(stored[i].artifact.path, artifacts[i].path);
    EXPECT_EQ(stored[i].artifact.sha256, artifacts[i].sha256);
  }
}

TEST(Store, EmptyTimesAreStampedWithNow) {
  Store store = Store::Open(FreshPath("stamps.db"));
  RunInfo info = SampleRun("//a:b");
  info.started_at.clear();
  store.WriteRun(info, {}, {});
  const RunRow run = *store.FindRun(info.run_key);
  EXPECT_EQ(run.info.started_at.size(), 20u) << run.info.started_at;
  EXPECT_EQ(run.info.finished_at.size(), 20u) << run.info.finished_at;
}

TEST(Store, QueryMetricsFiltersByEveryField) {
  Store store = Store::Open(FreshPath("filters.db"));
  std::vector<Metric> metrics = SampleMetrics(4, "lenet");
  for (Metric& m : SampleMetrics(3, "alexnet")) {
    m.method = "golden";
    m.split = "val";
    metrics.push_back(m);
  }
  metrics.back().name = "latency_ns";
  const int64_t first = store.WriteRun(SampleRun("//a:one"), metrics, {});
  const int64_t second = store.WriteRun(SampleRun("//a:two"), SampleMetrics(2), {});

  auto count = [&](MetricFilter filter) { return store.QueryMetrics(filter).size(); };
  EXPECT_EQ(count({}), 9u);
  MetricFilter filter;
  filter.run_id = first;
  EXPECT_EQ(count(filter), 7u);
  filter.run_id = second;
  EXPECT_EQ(count(filter), 2u);
  filter = {};
  filter.network = "alexnet";
  EXPECT_EQ(count(filter), 3u);
  filter.name = "accuracy";
  EXPECT_EQ(count(filter), 2u);
  filter = {};
  filter.method = "golden";
  EXPECT_EQ(count(filter), 3u);
  filter = {};
  filter.split = "test";
  EXPECT_EQ(count(filter), 6u);
  filter.network = "no-such-net";
  EXPECT_EQ(count(filter), 0u);
}

TEST(Store, RewritingARunKeyReplacesTheRunAndItsRows) {
  Store store = Store::Open(FreshPath("rewrite.db"));
  const RunInfo info = SampleRun("//a:b");
  const int64_t old_id =
      store.WriteRun(info, SampleMetrics(3), {Artifact("a.model", std::string(64, '0'))});
  const int64_t new_id = store.WriteRun(info, SampleMetrics(2), {});
  EXPECT_NE(new_id, old_id);
  ASSERT_EQ(store.ListRuns().size(), 1u);
  EXPECT_EQ(store.ListRuns()[0].id, new_id);
  EXPECT_EQ(store.QueryMetrics({}).size(), 2u);  // the old rows went with the old run
  EXPECT_TRUE(store.ListArtifacts(old_id).empty());
  MetricFilter of_old;
  of_old.run_id = old_id;
  EXPECT_TRUE(store.QueryMetrics(of_old).empty());
}

TEST(Store, InvalidMetricStoresNothing) {
  Store store = Store::Open(FreshPath("invalid_metric.db"));
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    std::vector<Metric> metrics = SampleMetrics(10);
    metrics[5].value = bad;
    const RunInfo info = SampleRun("//a:b");
    const std::string message = ErrorOf([&] { store.WriteRun(info, metrics, {}); });
    EXPECT_TRUE(Contains(message, "not finite")) << message;
    EXPECT_TRUE(Contains(message, store.path())) << message;
    EXPECT_FALSE(store.FindRun(info.run_key).has_value());
  }
  std::vector<Metric> metrics = SampleMetrics(3);
  metrics[2].name.clear();
  EXPECT_TRUE(Contains(ErrorOf([&] { store.WriteRun(SampleRun("//a:c"), metrics, {}); }),
                       "empty name"));
  EXPECT_TRUE(store.ListRuns().empty());
  EXPECT_TRUE(store.QueryMetrics({}).empty());
}

// The artifact insert fails inside the database (a CHECK constraint) after
// the run row and all its metrics were inserted: the transaction rolls back.
TEST(Store, FailureInTheMiddleOfWriteRunLeavesNoTrace) {
  Store store = Store::Open(FreshPath("mid_failure.db"));
  const RunInfo info = SampleRun("//a:b");
  const std::string message = ErrorOf([&] {
    store.WriteRun(info, SampleMetrics(1000),
                   {Artifact("good.model", std::string(64, 'a')), Artifact("bad.model", "xyz")});
  });
  EXPECT_TRUE(Contains(message, "CHECK constraint failed")) << message;
  EXPECT_TRUE(Contains(message, "bad.model")) << message;
  EXPECT_FALSE(store.FindRun(info.run_key).has_value());
  EXPECT_TRUE(store.ListRuns().empty());
  EXPECT_TRUE(store.QueryMetrics({}).empty());
  // The connection is usable afterwards.
  store.WriteRun(info, SampleMetrics(2), {});
  EXPECT_EQ(store.QueryMetrics({}).size(), 2u);
}

TEST(Store, FailedReplacementKeepsTheOldRun) {
  Store store = Store::Open(FreshPath("failed_replacement.db"));
  const RunInfo info = SampleRun("//a:b");
  const int64_t id = store.WriteRun(info, SampleMetrics(4), {});
  EXPECT_THROW(store.WriteRun(info, SampleMetrics(2), {Artifact("bad.model", "xyz")}), Error);
  ASSERT_EQ(store.ListRuns().size(), 1u);
  EXPECT_EQ(store.ListRuns()[0].id, id);
  EXPECT_EQ(store.QueryMetrics({}).size(), 4u);
}

TEST(Store, EmptyRunKeyIsRefused) {
  Store store = Store::Open(FreshPath("empty_key.db"));
  RunInfo info = SampleRun("//a:b");
  info.run_key.clear();
  EXPECT_TRUE(Contains(ErrorOf([&] { store.WriteRun(info, SampleMetrics(1), {}); }),
                       "empty run_key"));
  EXPECT_TRUE(store.ListRuns().empty());
}

TEST(Store, MarkFailedRecordsTheErrorAndALaterRunReplacesIt) {
  Store store = Store::Open(FreshPath("failed.db"));
  const RunInfo info = SampleRun("//a:b");
  store.MarkFailed(info, "data set missing: /data/mnist");
  RunRow run = *store.FindRun(info.run_key);
  EXPECT_EQ(run.status, RunStatus::kFailed);
  EXPECT_EQ(run.error, "data set missing: /data/mnist");
  EXPECT_STREQ(ToString(run.status), "failed");

  store.WriteRun(info, SampleMetrics(1), {});
  run = *store.FindRun(info.run_key);
  EXPECT_EQ(run.status, RunStatus::kComplete);
  EXPECT_EQ(run.error, "");
  EXPECT_EQ(store.ListRuns().size(), 1u);
}

TEST(Store, MovedFromStoreHandsOverTheConnection) {
  Store first = Store::Open(FreshPath("moved.db"));
  Store second = std::move(first);
  second.WriteRun(SampleRun("//a:b"), {}, {});
  EXPECT_EQ(second.ListRuns().size(), 1u);
}

}  // namespace
}  // namespace rcdnn::results
