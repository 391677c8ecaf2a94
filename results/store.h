// The results store: one SQLite file holding runs, their metrics and their
// artifacts, each metric linked to the run (and so the provenance) that
// produced it. The schema is in schema.cc and README.md.
//
// Guarantees:
//  - WriteRun and MarkFailed are atomic: everything happens in one
//    BEGIN IMMEDIATE transaction, so a process killed half-way (or an invalid
//    metric) leaves no trace of the run, and readers never see half a run.
//  - A run is identified by its run_key (see RunKey() in provenance.h). Writing
//    a run whose key is already stored REPLACES the stored run, its metrics and
//    its artifacts (delete + insert in the same transaction): the store holds
//    the latest attempt of each run, under a new id.
//  - Several processes may write the same file at once (WAL mode; a writer
//    waits up to kBusyTimeoutMs for another's transaction to end).
//  - Opening a file that is not a results database, was written by a newer
//    schema, is corrupt or cannot be written throws rcdnn::Error naming it.
//
// A Store is one connection: use it from one thread at a time, and do not
// carry an open Store across fork() (open a new one in the child).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/sqlite.h"

namespace rcdnn::results {

// The provenance of one run.
struct RunInfo {
  std::string run_key;               // identity; RunKey(code_version, target, config_json)
  std::string target;                // Bazel label or tool name that ran
  std::string profile;               // "smoke" | "paper"
  std::string code_version;          // CodeVersion()
  std::string build_flags;           // compiler flags or build label
  std::string dataset_name;          // e.g. "fashion-mnist"
  std::string dataset_display_name;  // what tables and legends print, e.g. "Fashion-MNIST (stand-in for MNIST)"
  std::string dataset_sha256;        // content checksum; "" where no data set is read
  uint64_t seed = 0;                 // stored as the same 64 bits in a signed INTEGER
  int threads = 1;
  std::string machine;      // MachineDescription(): "<hostname> / <CPU model>"
  std::string config_json;  // canonical config text
  std::string started_at;   // ISO 8601 UTC; "" means "now" when written
  std::string finished_at;  // ISO 8601 UTC; "" means "now" when written
};

// One number. Units go in `unit` ("%", "pJ", "ns", "cycles", "" for a ratio)
// and in names of physical quantities (energy_pj). Empty split/key are
// stored as NULL. value must be finite.
struct Metric {
  std::string name;     // e.g. "accuracy", "energy_pj"
  std::string network;  // e.g. "lenet"
  std::string width;    // "0.25", or per-layer channel counts "8,16,120"
  std::string method;   // e.g. "incremental", "golden", "big-little"
  std::string split;    // "val" | "test" | ""
  std::string key;      // anything else that tells two metrics apart, or ""
  std::optional<int> increment;
  double value = 0;
  std::string unit;
};

// A file a run produced (a model file, a plot); sha256 is of its content.
struct ArtifactRecord {
  std::string kind;  // e.g. "model", "figure"
  std::string path;
  std::string sha256;
};

enum class RunStatus { kComplete, kFailed };
const char* ToString(RunStatus status);  // "complete" | "failed"

struct RunRow {
  int64_t id = 0;
  RunInfo info;
  RunStatus status = RunStatus::kComplete;
  std::string error;  // the failure message of a failed run
};

struct MetricRow {
  int64_t id = 0;
  int64_t run_id = 0;
  Metric metric;
};

struct ArtifactRow {
  int64_t id = 0;
  int64_t run_id = 0;
  ArtifactRecord artifact;
};

// Empty (or unset) fields match anything.
struct MetricFilter {
  std::optional<int64_t> run_id;
  std::string name;
  std::string network;
  std::string method;
  std::string split;
};

class Store {
 public:
  static constexpr int kBusyTimeoutMs = 30000;

  // Opens or creates the database at path for reading and writing, in WAL
  // mode with foreign keys on, migrating an older schema to this build's.
  static Store Open(const std::string& path);

  // Opens an existing database without writing to it; its schema must be
  // exactly this build's version (an older one must first be migrated with
  // Open). For inspection and as a MergeFrom source.
  static Store OpenReadOnly(const std::string& path);

  Store(Store&&) noexcept = default;
  Store& operator=(Store&&) noexcept = default;

  const std::string& path() const { return db_.path(); }

  // Records a complete run with its metrics and artifacts; returns its id.
  // Atomic, and replaces a stored run with the same run_key (see above).
  // Throws rcdnn::Error (and stores nothing) when run_key is empty or a
  // metric is invalid (empty name, non-finite value).
  int64_t WriteRun(const RunInfo& info, const std::vector<Metric>& metrics,
                   const std::vector<ArtifactRecord>& artifacts);

  // Records a failed run (no metrics) with its error message; returns its
  // id. Like WriteRun, it replaces a stored run with the same run_key.
  int64_t MarkFailed(const RunInfo& info, const std::string& error_message);

  std::vector<RunRow> ListRuns() const;  // in id order
  std::optional<RunRow> FindRun(const std::string& run_key) const;
  std::vector<MetricRow> QueryMetrics(const MetricFilter& filter) const;  // run, then insertion order
  std::vector<ArtifactRow> ListArtifacts(int64_t run_id) const;

  // Copies every complete run of the store at other_db_path into this one,
  // all in one transaction; a run whose key is already here is replaced.
  // Returns the number of runs copied. Throws rcdnn::Error (and copies
  // nothing) when the other file is missing, foreign, of another schema
  // version, or this same file.
  int MergeFrom(const std::string& other_db_path);

  // MergeFrom for several stores, in one transaction, that first deletes
  // every stored run whose target one of them holds a complete run of: the
  // store then holds, for those targets, exactly the shards' runs. A
  // target's output rebuilt by a newer code version thus replaces its old
  // runs instead of sitting beside them (the render of artifacts/out/). A
  // failure, or a process killed half-way, leaves the store as it was.
  int ReplaceTargetsFrom(const std::vector<std::string>& shard_paths);

 private:
  explicit Store(Database db) : db_(std::move(db)) {}
  int CopyCompleteRuns(const std::vector<std::string>& source_paths, bool replace_their_targets);
  // Inserts one run inside an open transaction.
  int64_t InsertRun(const RunInfo& info, RunStatus status, const std::string& error,
                    const std::vector<Metric>& metrics,
                    const std::vector<ArtifactRecord>& artifacts);

  Database db_;
};

}  // namespace rcdnn::results
