#include "results/schema.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sys/stat.h>

#include "results/store.h"
#include "results/test_util.h"

namespace rcdnn::results {
namespace {

using testing::ErrorOf;
using testing::FreshPath;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string QueryText(Database& db, const char* sql) {
  Statement query(db, sql);
  return query.Step() ? query.Text(0) : "";
}

Database RawOpen(const std::string& path) {
  return Database::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, 1000);
}

TEST(Schema, VersionIsTheNumberOfMigrationSteps) {
  EXPECT_EQ(SchemaVersion(), static_cast<int>(Migrations().size()));
  EXPECT_GE(SchemaVersion(), 1);
}

TEST(Schema, FreshDatabaseGetsTheCurrentSchemaInWalMode) {
  const std::string path = FreshPath("fresh.db");
  { Store::Open(path); }
  Database db = RawOpen(path);
  EXPECT_EQ(QueryText(db, "SELECT value FROM meta WHERE key = 'application'"), "rcdnn-results");
  EXPECT_EQ(QueryText(db, "SELECT value FROM meta WHERE key = 'schema_version'"),
            std::to_string(SchemaVersion()));
  EXPECT_EQ(QueryText(db, "PRAGMA journal_mode"), "wal");
  for (const char* table : {"runs", "metrics", "artifacts"}) {
    Statement query(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    query.Bind(1, std::string(table));
    EXPECT_TRUE(query.Step()) << table;
  }
  EXPECT_EQ(QueryText(db, "SELECT sql FROM sqlite_master WHERE name = 'metrics_by_name'"),
            "CREATE INDEX metrics_by_name ON metrics (name, network, method)");
}

TEST(Schema, ReopeningKeepsDataAndVersion) {
  const std::string path = FreshPath("reopen.db");
  {
    Store store = Store::Open(path);
    store.WriteRun(testing::SampleRun("//a:b"), testing::SampleMetrics(3), {});
  }
  Store store = Store::Open(path);
  EXPECT_EQ(store.ListRuns().size(), 1u);
  EXPECT_EQ(store.QueryMetrics({}).size(), 3u);
}

TEST(Schema, ZeroByteFileIsInitialized) {
  const std::string path = FreshPath("empty.db");
  std::ofstream(path).close();
  Store store = Store::Open(path);
  EXPECT_TRUE(store.ListRuns().empty());
}

TEST(Schema, NewerSchemaVersionIsRefused) {
  const std::string path = FreshPath("newer.db");
  { Store::Open(path); }
  RawOpen(path).Exec("UPDATE meta SET value = '99' WHERE key = 'schema_version'", "test");
  const std::string message = ErrorOf([&] { Store::Open(path); });
  EXPECT_TRUE(Contains(message, path)) << message;
  EXPECT_TRUE(Contains(message, "was written by schema version 99, this build knows up to " +
                                    std::to_string(SchemaVersion())))
      << message;
  EXPECT_TRUE(Contains(ErrorOf([&] { Store::OpenReadOnly(path); }), "schema version 99"));
}

TEST(Schema, DamagedVersionIsRefused) {
  const std::string path = FreshPath("damaged.db");
  { Store::Open(path); }
  RawOpen(path).Exec("UPDATE meta SET value = 'two' WHERE key = 'schema_version'", "test");
  const std::string message = ErrorOf([&] { Store::Open(path); });
  EXPECT_TRUE(Contains(message, path) && Contains(message, "'two'")) << message;
}

TEST(Schema, ForeignDatabaseIsRefusedAndLeftAlone) {
  const std::string path = FreshPath("foreign.db");
  RawOpen(path).Exec("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ada')", "test");
  const std::string message = ErrorOf([&] { Store::Open(path); });
  EXPECT_TRUE(Contains(message, path)) << message;
  EXPECT_TRUE(Contains(message, "not an rcdnn results database")) << message;
  Database db = RawOpen(path);
  EXPECT_EQ(QueryText(db, "SELECT group_concat(name) FROM sqlite_master"), "people");
}

TEST(Schema, ForeignApplicationTagIsRefused) {
  const std::string path = FreshPath("other_app.db");
  RawOpen(path).Exec(
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "INSERT INTO meta VALUES ('application', 'other-app'), ('schema_version', '1')",
      "test");
  const std::string message = ErrorOf([&] { Store::Open(path); });
  EXPECT_TRUE(Contains(message, path)) << message;
  EXPECT_TRUE(Contains(message, "belongs to application 'other-app'")) << message;
}

TEST(Schema, CorruptFileIsRefusedNamingIt) {
  const std::string path = FreshPath("corrupt.db");
  std::mt19937 random(42);
  std::string bytes(8192, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  std::ofstream(path, std::ios::binary) << bytes;
  const std::string message = ErrorOf([&] { Store::Open(path); });
  EXPECT_TRUE(Contains(message, path)) << message;
  EXPECT_TRUE(Contains(message, "not an SQLite database")) << message;
  EXPECT_TRUE(Contains(ErrorOf([&] { Store::OpenReadOnly(path); }), path));
}

TEST(Schema, MissingDirectoryIsAClearError) {
  const std::string path = "/nonexistent-dir/results.db";
  const std::string message = ErrorOf([&] { Store::Open(path); });
  EXPECT_TRUE(Contains(message, path)) << message;
  EXPECT_TRUE(Contains(message, "check that the directory exists and is writable")) << message;
}

TEST(Schema, ReadOnlyDirectoryIsAClearError) {
  if (geteuid() == 0) GTEST_SKIP() << "root may write into a read-only directory";
  const std::string dir = FreshPath("readonly_dir");
  mkdir(dir.c_str(), 0500);
  const std::string path = dir + "/results.db";
  EXPECT_TRUE(Contains(ErrorOf([&] { Store::Open(path); }), path));
  chmod(dir.c_str(), 0700);
}

// A finished shard in a directory nobody may write (a build output handed to
// a sandboxed action) is still readable, without its "-shm" file. As root
// (CI) the directory stays writable; the sandboxed runtime genrules under
// //artifacts cover that case.
TEST(Schema, FinishedDatabaseInAReadOnlyDirectoryIsReadable) {
  if (geteuid() == 0) GTEST_SKIP() << "root may write into a read-only directory";
  const std::string dir = FreshPath("finished_dir");
  mkdir(dir.c_str(), 0700);
  const std::string path = dir + "/shard.db";
  Store::Open(path).WriteRun(testing::SampleRun("//a:shard"), testing::SampleMetrics(3), {});
  chmod(dir.c_str(), 0500);
  EXPECT_EQ(Store::OpenReadOnly(path).ListRuns().size(), 1u);
  EXPECT_FALSE(std::ifstream(path + "-shm").good());
  chmod(dir.c_str(), 0700);
}

TEST(Schema, OpenReadOnlyNeverCreatesAFile) {
  const std::string path = FreshPath("absent.db");
  EXPECT_TRUE(Contains(ErrorOf([&] { Store::OpenReadOnly(path); }), "no such file"));
  EXPECT_FALSE(std::ifstream(path).good());
}

// The C++ checks in Store come first; these constraints are the backstop
// for anything else that writes the file.
TEST(Schema, ConstraintsRejectNonFiniteValuesAndBadChecksums) {
  const std::string path = FreshPath("constraints.db");
  { Store::Open(path); }
  Database db = RawOpen(path);
  db.Exec(
      "INSERT INTO runs (id, run_key, target, profile, code_version, build_flags, dataset_name, "
      "dataset_display_name, dataset_sha256, seed, threads, machine, config_json, started_at, "
      "finished_at, status) VALUES (1, 'k', 't', 'smoke', 'v', '', 'd', 'D', '', 1, 1, 'm', "
      "'{}', 'now', 'now', 'complete')",
      "test");
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    Statement insert(db,
                     "INSERT INTO metrics (run_id, name, network, width, method, value, unit) "
                     "VALUES (1, 'accuracy', 'lenet', '1', 'golden', ?, '%')");
    insert.Bind(1, bad);
    EXPECT_THROW(insert.Run(), Error) << bad;
  }
  EXPECT_THROW(db.Exec("INSERT INTO artifacts (run_id, kind, path, sha256) "
                       "VALUES (1, 'model', 'm.bin', 'not-hex')",
                       "test"),
               Error);
  EXPECT_THROW(db.Exec("INSERT INTO runs (run_key, target, profile, code_version, build_flags, "
                       "dataset_name, dataset_display_name, dataset_sha256, seed, threads, "
                       "machine, config_json, started_at, finished_at, status) VALUES ('k2', "
                       "'t', 'smoke', 'v', '', 'd', 'D', '', 1, 1, 'm', '{}', 'now', 'now', "
                       "'maybe')",
                       "test"),
               Error);
}

}  // namespace
}  // namespace rcdnn::results
