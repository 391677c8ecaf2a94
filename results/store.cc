#include "results/store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <cmath>
#include <set>
#include <string>
#include <thread>

#include "common/error.h"
#include "results/provenance.h"
#include "results/schema.h"

namespace rcdnn::results {
namespace {

constexpr char kRunColumns[] =
    "id, run_key, target, profile, code_version, build_flags, dataset_name, "
    "dataset_display_name, dataset_sha256, seed, threads, machine, config_json, "
    "started_at, finished_at, status, error";

std::string SelectRuns(const char* where) {
  return std::string("SELECT ") + kRunColumns + " FROM runs " + where;
}

RunRow ReadRun(const Statement& row) {
  RunRow run;
  run.id = row.Int64(0);
  RunInfo& info = run.info;
  info.run_key = row.Text(1);
  info.target = row.Text(2);
  info.profile = row.Text(3);
  info.code_version = row.Text(4);
  info.build_flags = row.Text(5);
  info.dataset_name = row.Text(6);
  info.dataset_display_name = row.Text(7);
  info.dataset_sha256 = row.Text(8);
  info.seed = static_cast<uint64_t>(row.Int64(9));
  info.threads = static_cast<int>(row.Int64(10));
  info.machine = row.Text(11);
  info.config_json = row.Text(12);
  info.started_at = row.Text(13);
  info.finished_at = row.Text(14);
  run.status = row.Text(15) == "failed" ? RunStatus::kFailed : RunStatus::kComplete;
  run.error = row.Text(16);
  return run;
}

void CheckMetric(const Store& store, const RunInfo& info, size_t index, const Metric& metric) {
  const char* problem = metric.name.empty()          ? "has an empty name"
                        : !std::isfinite(metric.value) ? "has a value that is not finite"
                                                       : nullptr;
  if (problem == nullptr) return;
  throw Error("results database " + store.path() + ": metric #" + std::to_string(index) + " '" +
              metric.name + "' of run " + info.target + " (" + info.run_key + ") " + problem +
              "; nothing of the run was stored");
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// Switching a file to WAL mode can fail with SQLITE_BUSY at once, without the
// busy handler, while another process switches it too (two processes
// creating one new file); so retry here, up to the same timeout.
std::string SetWalMode(Database& db) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(Store::kBusyTimeoutMs);
  while (true) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.handle(), "PRAGMA journal_mode = WAL", -1, &raw, nullptr) !=
        SQLITE_OK) {
      db.Fail("preparing \"PRAGMA journal_mode = WAL\"");
    }
    const int rc = sqlite3_step(raw);
    const unsigned char* text = rc == SQLITE_ROW ? sqlite3_column_text(raw, 0) : nullptr;
    const std::string mode = text ? reinterpret_cast<const char*>(text) : "";
    sqlite3_finalize(raw);  // an unfinished statement would block the COMMIT in Migrate
    if (rc == SQLITE_ROW) return mode;
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > deadline) {
      db.Fail("switching to WAL mode");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// A WAL database can only be read where SQLite may create its "-shm" file
// beside it. Build outputs handed to a sandboxed action (an evaluation shard
// read by the runtime tool) sit in a read-only directory. Such a file, with
// no "-wal" beside it, was closed cleanly (the last connection checkpoints
// and deletes the WAL) and nobody can be writing it (a writer would need to
// create the "-wal"), so it is read as immutable: no locks, no "-shm".
bool IsFinishedAndUnwritable(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return false;
  const std::string real(resolved);
  struct stat st {};
  if (stat((real + "-wal").c_str(), &st) == 0) return false;
  const std::string dir = real.substr(0, real.find_last_of('/') + 1);
  return access(dir.empty() ? "." : dir.c_str(), W_OK) != 0;
}

// "file:" URI of `path` with immutable=1; '?', '#' and '%' are escaped.
std::string ImmutableUri(const std::string& path) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '?' || c == '#' || c == '%') {
      static const char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[static_cast<unsigned char>(c) >> 4];
      uri += kHex[static_cast<unsigned char>(c) & 15];
    } else {
      uri += c;
    }
  }
  return uri + "?immutable=1";
}

}  // namespace

const char* ToString(RunStatus status) {
  return status == RunStatus::kFailed ? "failed" : "complete";
}

Store Store::Open(const std::string& path) {
  Database db = Database::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, kBusyTimeoutMs);
  if (sqlite3_db_readonly(db.handle(), "main") == 1) {
    throw Error("results database " + path +
                ": opened read-only; check the permissions of the file and its directory");
  }
  db.Exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
  const std::string mode = SetWalMode(db);
  if (mode != "wal") {
    throw Error("results database " + path + ": cannot switch to WAL mode (journal mode is '" +
                mode + "'); put the file on a local file system");
  }
  Migrate(db);
  return Store(std::move(db));
}

Store Store::OpenReadOnly(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    throw Error("results database " + path + ": no such file; check the path");
  }
  Database db = IsFinishedAndUnwritable(path)
                    ? Database::Open(ImmutableUri(path), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, kBusyTimeoutMs)
                    : Database::Open(path, SQLITE_OPEN_READONLY, kBusyTimeoutMs);
  const SchemaState state = ReadSchemaState(db);
  if (state.empty || state.version != SchemaVersion()) {
    throw Error("results database " + path + ": has schema version " +
                std::to_string(state.version) + ", this build reads version " +
                std::to_string(SchemaVersion()) +
                " read-only: open it once with Store::Open to migrate it");
  }
  return Store(std::move(db));
}

int64_t Store::InsertRun(const RunInfo& info, RunStatus status, const std::string& error,
                         const std::vector<Metric>& metrics,
                         const std::vector<ArtifactRecord>& artifacts) {
  if (info.run_key.empty()) {
    throw Error("results database " + path() + ": run of target '" + info.target +
                "' has an empty run_key; compute it with RunKey()");
  }
  for (size_t i = 0; i < metrics.size(); ++i) CheckMetric(*this, info, i, metrics[i]);

  Statement remove(db_, "DELETE FROM runs WHERE run_key = ?");  // cascades to metrics, artifacts
  remove.Bind(1, info.run_key).Run();

  const std::string now = NowIso8601Utc();
  Statement run(db_,
                "INSERT INTO runs (run_key, target, profile, code_version, build_flags, "
                "dataset_name, dataset_display_name, dataset_sha256, seed, threads, machine, "
                "config_json, started_at, finished_at, status, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  run.Bind(1, info.run_key)
      .Bind(2, info.target)
      .Bind(3, info.profile)
      .Bind(4, info.code_version)
      .Bind(5, info.build_flags)
      .Bind(6, info.dataset_name)
      .Bind(7, info.dataset_display_name)
      .Bind(8, info.dataset_sha256)
      .Bind(9, static_cast<int64_t>(info.seed))
      .Bind(10, static_cast<int64_t>(info.threads))
      .Bind(11, info.machine)
      .Bind(12, info.config_json)
      .Bind(13, info.started_at.empty() ? now : info.started_at)
      .Bind(14, info.finished_at.empty() ? now : info.finished_at)
      .Bind(15, std::string(ToString(status)))
      .BindTextOrNull(16, error);
  run.Run();
  const int64_t run_id = sqlite3_last_insert_rowid(db_.handle());

  Statement metric_insert(db_,
                          "INSERT INTO metrics (run_id, name, network, width, increment, method, "
                          "split, key, value, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const Metric& metric : metrics) {
    std::optional<int64_t> increment;
    if (metric.increment) increment = *metric.increment;
    metric_insert.Bind(1, run_id)
        .Bind(2, metric.name)
        .Bind(3, metric.network)
        .Bind(4, metric.width)
        .Bind(5, increment)
        .Bind(6, metric.method)
        .BindTextOrNull(7, metric.split)
        .BindTextOrNull(8, metric.key)
        .Bind(9, metric.value)
        .Bind(10, metric.unit);
    try {
      metric_insert.Run();
    } catch (const Error& e) {
      throw Error(std::string(e.what()) + " (metric '" + metric.name + "' of run " + info.target +
                  "; nothing of the run was stored)");
    }
    metric_insert.Reset();
  }

  Statement artifact_insert(
      db_, "INSERT INTO artifacts (run_id, kind, path, sha256) VALUES (?, ?, ?, ?)");
  for (const ArtifactRecord& artifact : artifacts) {
    artifact_insert.Bind(1, run_id)
        .Bind(2, artifact.kind)
        .Bind(3, artifact.path)
        .Bind(4, artifact.sha256);
    try {
      artifact_insert.Run();
    } catch (const Error& e) {
      throw Error(std::string(e.what()) + " (artifact '" + artifact.path + "' of run " +
                  info.target + "; sha256 must be 64 lowercase hex digits or empty; nothing "
                  "of the run was stored)");
    }
    artifact_insert.Reset();
  }
  return run_id;
}

int64_t Store::WriteRun(const RunInfo& info, const std::vector<Metric>& metrics,
                        const std::vector<ArtifactRecord>& artifacts) {
  Transaction transaction(db_);
  const int64_t id = InsertRun(info, RunStatus::kComplete, "", metrics, artifacts);
  transaction.Commit();
  return id;
}

int64_t Store::MarkFailed(const RunInfo& info, const std::string& error_message) {
  Transaction transaction(db_);
  const int64_t id =
      InsertRun(info, RunStatus::kFailed, error_message.empty() ? "unknown error" : error_message,
                {}, {});
  transaction.Commit();
  return id;
}

std::vector<RunRow> Store::ListRuns() const {
  Statement query(db_, SelectRuns("ORDER BY id").c_str());
  std::vector<RunRow> runs;
  while (query.Step()) runs.push_back(ReadRun(query));
  return runs;
}

std::optional<RunRow> Store::FindRun(const std::string& run_key) const {
  Statement query(db_, SelectRuns("WHERE run_key = ?").c_str());
  query.Bind(1, run_key);
  if (!query.Step()) return std::nullopt;
  return ReadRun(query);
}

std::vector<MetricRow> Store::QueryMetrics(const MetricFilter& filter) const {
  // Only fixed text goes into the SQL; the values are bound.
  std::string sql =
      "SELECT id, run_id, name, network, width, increment, method, split, key, value, unit "
      "FROM metrics WHERE 1";
  if (filter.run_id) sql += " AND run_id = ?1";
  if (!filter.name.empty()) sql += " AND name = ?2";
  if (!filter.network.empty()) sql += " AND network = ?3";
  if (!filter.method.empty()) sql += " AND method = ?4";
  if (!filter.split.empty()) sql += " AND split = ?5";
  sql += " ORDER BY run_id, id";
  Statement query(db_, sql.c_str());
  if (filter.run_id) query.Bind(1, *filter.run_id);
  if (!filter.name.empty()) query.Bind(2, filter.name);
  if (!filter.network.empty()) query.Bind(3, filter.network);
  if (!filter.method.empty()) query.Bind(4, filter.method);
  if (!filter.split.empty()) query.Bind(5, filter.split);

  std::vector<MetricRow> rows;
  while (query.Step()) {
    MetricRow row;
    row.id = query.Int64(0);
    row.run_id = query.Int64(1);
    Metric& metric = row.metric;
    metric.name = query.Text(2);
    metric.network = query.Text(3);
    metric.width = query.Text(4);
    if (auto increment = query.OptionalInt64(5)) metric.increment = static_cast<int>(*increment);
    metric.method = query.Text(6);
    metric.split = query.Text(7);
    metric.key = query.Text(8);
    metric.value = query.Double(9);
    metric.unit = query.Text(10);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<ArtifactRow> Store::ListArtifacts(int64_t run_id) const {
  Statement query(db_,
                  "SELECT id, run_id, kind, path, sha256 FROM artifacts WHERE run_id = ? "
                  "ORDER BY id");
  query.Bind(1, run_id);
  std::vector<ArtifactRow> rows;
  while (query.Step()) {
    rows.push_back({query.Int64(0), query.Int64(1), {query.Text(2), query.Text(3), query.Text(4)}});
  }
  return rows;
}

int Store::MergeFrom(const std::string& other_db_path) { return CopyCompleteRuns({other_db_path}, false); }

int Store::ReplaceTargetsFrom(const std::vector<std::string>& shard_paths) {
  return CopyCompleteRuns(shard_paths, true);
}

int Store::CopyCompleteRuns(const std::vector<std::string>& source_paths, bool replace_their_targets) {
  std::vector<Store> sources;
  std::vector<std::vector<RunRow>> complete_runs;
  std::set<std::string> targets;
  for (const std::string& source_path : source_paths) {
    if (SameFile(path(), source_path)) {
      throw Error("results database " + path() + ": cannot merge " + source_path + " into itself; name another file");
    }
    sources.push_back(OpenReadOnly(source_path));
    // One read transaction on each source: a consistent snapshot even if a
    // process is writing it right now.
    sources.back().db_.Exec("BEGIN", "starting a read transaction");
    complete_runs.emplace_back();
    for (RunRow& run : sources.back().ListRuns()) {
      if (run.status != RunStatus::kComplete) continue;
      targets.insert(run.info.target);
      complete_runs.back().push_back(std::move(run));
    }
  }

  Transaction transaction(db_);
  if (replace_their_targets) {
    Statement remove(db_, "DELETE FROM runs WHERE target = ?");  // cascades to metrics, artifacts
    for (const std::string& target : targets) {
      remove.Bind(1, target).Run();
      remove.Reset();
    }
  }
  int copied = 0;
  for (size_t s = 0; s < sources.size(); ++s) {
    for (const RunRow& run : complete_runs[s]) {
      MetricFilter of_run;
      of_run.run_id = run.id;
      std::vector<Metric> metrics;
      for (MetricRow& row : sources[s].QueryMetrics(of_run)) metrics.push_back(std::move(row.metric));
      std::vector<ArtifactRecord> artifacts;
      for (ArtifactRow& row : sources[s].ListArtifacts(run.id)) artifacts.push_back(std::move(row.artifact));
      InsertRun(run.info, RunStatus::kComplete, "", metrics, artifacts);
      ++copied;
    }
  }
  transaction.Commit();
  return copied;
}

}  // namespace rcdnn::results
