// A thin RAII layer over the SQLite C API: one connection, prepared
// statements, and a write transaction. Every SQLite failure becomes an
// rcdnn::Error whose message names the database file, what was being done,
// SQLite's own message and, for the common cases, what to do about it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace rcdnn::results {

// Owns one sqlite3 connection; move-only.
class Database {
 public:
  // flags: SQLITE_OPEN_* (e.g. SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).
  // Sets a busy timeout of busy_timeout_ms and extended result codes.
  static Database Open(const std::string& path, int flags, int busy_timeout_ms);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more ';'-separated statements that return no rows.
  void Exec(const std::string& sql, const std::string& what);

  // Throws the Error for the connection's last failure, e.g.
  // "results database /x/r.db: inserting a metric: NOT NULL constraint failed: ...".
  [[noreturn]] void Fail(const std::string& what) const;

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
};

// A prepared statement. Bind indexes count from 1 and column indexes from 0,
// as in the C API. Statements must not outlive their Database.
class Statement {
 public:
  Statement(const Database& db, const char* sql);
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& Bind(int index, const std::string& text);
  Statement& Bind(int index, int64_t number);
  Statement& Bind(int index, double number);
  Statement& BindNull(int index);
  // Empty text binds NULL.
  Statement& BindTextOrNull(int index, const std::string& text);
  Statement& Bind(int index, const std::optional<int64_t>& number);

  // Steps once: true when a row is ready, false when done.
  bool Step();
  // Steps until done (statements that return no rows).
  void Run();
  // Ready for new bindings and a new execution.
  void Reset();

  bool IsNull(int column) const;
  std::string Text(int column) const;  // NULL reads as ""
  int64_t Int64(int column) const;
  double Double(int column) const;
  std::optional<int64_t> OptionalInt64(int column) const;

 private:
  const Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction (takes the write lock at once, waiting up to
// the busy timeout, so a reader never has to upgrade and fail with BUSY);
// ROLLBACK in the destructor unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void Commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace rcdnn::results
