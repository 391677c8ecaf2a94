#include "results/sqlite.h"

#include <utility>

#include "common/error.h"

namespace rcdnn::results {
namespace {

// What a user can do about the common failures.
const char* Hint(int code) {
  switch (code & 0xff) {
    case SQLITE_CANTOPEN:
      return "; check that the directory exists and is writable";
    case SQLITE_NOTADB:
      return "; the file is not an SQLite database: move it aside or choose another path";
    case SQLITE_CORRUPT:
      return "; the database is corrupt: move it aside and re-run the targets that wrote it";
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return "; check the permissions of the file and its directory";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "; another process held the database lock past the busy timeout";
    case SQLITE_FULL:
      return "; the disk is full";
    default:
      return "";
  }
}

std::string Message(const std::string& path, const std::string& what, int code,
                    const char* sqlite_message) {
  return "results database " + path + ": " + what + ": " +
         (sqlite_message ? sqlite_message : sqlite3_errstr(code)) + Hint(code);
}

}  // namespace

Database Database::Open(const std::string& path, int flags, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 may hand back a connection even on failure; it holds the message.
    const std::string message = Message(path, "cannot open", rc, db ? sqlite3_errmsg(db) : nullptr);
    sqlite3_close(db);
    throw Error(message);
  }
  Database result(db, path);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return result;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

Database::~Database() { sqlite3_close(db_); }

void Database::Exec(const std::string& sql, const std::string& what) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    const std::string message = Message(path_, what, rc, error);
    sqlite3_free(error);
    throw Error(message);
  }
}

void Database::Fail(const std::string& what) const {
  throw Error(Message(path_, what, sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)));
}

Statement::Statement(const Database& db, const char* sql) : db_(&db) {
  if (sqlite3_prepare_v2(db.handle(), sql, -1, &stmt_, nullptr) != SQLITE_OK) {
    db.Fail(std::string("preparing \"") + sql + "\"");
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, const std::string& text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_->Fail("binding a text parameter");
  }
  return *this;
}

Statement& Statement::Bind(int index, int64_t number) {
  if (sqlite3_bind_int64(stmt_, index, number) != SQLITE_OK) {
    db_->Fail("binding an integer parameter");
  }
  return *this;
}

// Note: SQLite stores a NaN bound here as NULL.
Statement& Statement::Bind(int index, double number) {
  if (sqlite3_bind_double(stmt_, index, number) != SQLITE_OK) {
    db_->Fail("binding a real parameter");
  }
  return *this;
}

Statement& Statement::BindNull(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_->Fail("binding NULL");
  return *this;
}

Statement& Statement::BindTextOrNull(int index, const std::string& text) {
  return text.empty() ? BindNull(index) : Bind(index, text);
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& number) {
  return number ? Bind(index, *number) : BindNull(index);
}

bool Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->Fail(std::string("running \"") + sqlite3_sql(stmt_) + "\"");
}

void Statement::Run() {
  while (Step()) {
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::Int64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }

std::optional<int64_t> Statement::OptionalInt64(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int64(column);
}

Transaction::Transaction(Database& db) : db_(db) {
  db_.Exec("BEGIN IMMEDIATE", "starting a write transaction");
}

Transaction::~Transaction() {
  // A failed ROLLBACK (e.g. SQLite already rolled back after an I/O error)
  // leaves nothing to undo, so its result is ignored.
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::Commit() {
  db_.Exec("COMMIT", "committing");
  open_ = false;
}

}  // namespace rcdnn::results
