#include "results/schema.h"

#include <string>

#include "common/error.h"
#include "common/parse_number.h"

namespace rcdnn::results {

const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> steps = {
      // 1: the initial schema. Units live in metrics.unit (and in names such
      // as energy_pj); a NaN value arrives as NULL and fails NOT NULL, an
      // infinite one fails the CHECK (9e999 is SQLite's spelling of +inf).
      // An artifact's sha256 is 64 lowercase hex digits, or '' when unknown.
      R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('application', 'rcdnn-results');
CREATE TABLE runs (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused
  run_key              TEXT NOT NULL UNIQUE CHECK (length(run_key) > 0),
  target               TEXT NOT NULL,
  profile              TEXT NOT NULL,
  code_version         TEXT NOT NULL,
  build_flags          TEXT NOT NULL,
  dataset_name         TEXT NOT NULL,
  dataset_display_name TEXT NOT NULL,
  dataset_sha256       TEXT NOT NULL,
  seed                 INTEGER NOT NULL,
  threads              INTEGER NOT NULL,
  machine              TEXT NOT NULL,
  config_json          TEXT NOT NULL,
  started_at           TEXT NOT NULL,
  finished_at          TEXT NOT NULL,
  status               TEXT NOT NULL CHECK (status IN ('complete', 'failed')),
  error                TEXT
);
CREATE TABLE metrics (
  id        INTEGER PRIMARY KEY,
  run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name      TEXT NOT NULL CHECK (length(name) > 0),
  network   TEXT NOT NULL,
  width     TEXT NOT NULL,
  increment INTEGER,
  method    TEXT NOT NULL,
  split     TEXT,
  key       TEXT,
  value     REAL NOT NULL CHECK (abs(value) < 9e999),
  unit      TEXT NOT NULL
);
CREATE INDEX metrics_by_name ON metrics (name, network, method);
CREATE INDEX metrics_by_run ON metrics (run_id);
CREATE TABLE artifacts (
  id     INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind   TEXT NOT NULL,
  path   TEXT NOT NULL,
  sha256 TEXT NOT NULL
         CHECK (sha256 = '' OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'))
);
CREATE INDEX artifacts_by_run ON artifacts (run_id);
)sql",
  };
  return steps;
}

int SchemaVersion() { return static_cast<int>(Migrations().size()); }

namespace {

bool HasTable(Database& db, const char* name) {
  Statement query(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  query.Bind(1, std::string(name));
  return query.Step();
}

std::string MetaValue(Database& db, const char* key) {
  Statement query(db, "SELECT value FROM meta WHERE key = ?");
  query.Bind(1, std::string(key));
  return query.Step() ? query.Text(0) : "";
}

}  // namespace

SchemaState ReadSchemaState(Database& db) {
  SchemaState state;
  Statement count(db, "SELECT count(*) FROM sqlite_master");
  count.Step();
  if (count.Int64(0) == 0) {
    state.empty = true;
    return state;
  }
  if (!HasTable(db, "meta")) {
    throw Error("results database " + db.path() +
                ": not an rcdnn results database (it has tables but no meta table); "
                "choose another path");
  }
  const std::string application = MetaValue(db, "application");
  if (application != kApplication) {
    const std::string owner =
        application.empty() ? "has no application tag" : "belongs to application '" + application + "'";
    throw Error("results database " + db.path() + ": " + owner + ", not '" + kApplication +
                "'; choose another path");
  }
  const std::string version_text = MetaValue(db, "schema_version");
  const int version = ParseWholeInt(version_text).value_or(-1);
  if (version < 1) {
    throw Error("results database " + db.path() + ": meta.schema_version is '" + version_text +
                "', not a positive integer; the file is damaged: move it aside");
  }
  if (version > SchemaVersion()) {
    throw Error("results database " + db.path() + ": was written by schema version " +
                std::to_string(version) + ", this build knows up to " +
                std::to_string(SchemaVersion()) +
                ": use a newer build of rcdnn, or another database path");
  }
  state.version = version;
  return state;
}

void Migrate(Database& db) {
  if (ReadSchemaState(db).version == SchemaVersion()) return;
  Transaction transaction(db);
  // Read again under the write lock: another process may have migrated
  // between the first look and BEGIN IMMEDIATE.
  const int from = ReadSchemaState(db).version;
  if (from == SchemaVersion()) return;  // the destructor ends the empty transaction
  for (int step = from; step < SchemaVersion(); ++step) {
    db.Exec(Migrations()[step], "applying schema migration " + std::to_string(step + 1));
  }
  Statement stamp(db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)");
  stamp.Bind(1, std::to_string(SchemaVersion()));
  stamp.Run();
  transaction.Commit();
}

}  // namespace rcdnn::results
