// One libpq connection and the transactions run on it, safe behind PgBouncer in
// transaction pooling mode. Internal to src/store/pg/: no libpq type leaves this folder.
//
// What "safe behind a transaction pooler" means here, and how each rule is kept:
// - no session state: every unit of work is one BEGIN ... COMMIT, whose first round trip
//   also sets SET LOCAL statement_timeout and search_path (they end with the transaction);
//   nothing is SET outside a transaction, no session advisory lock is ever taken (locks are
//   pg_advisory_xact_lock or row locks, released by COMMIT/ROLLBACK);
// - no named prepared statements: every statement goes through PQexecParams (the unnamed
//   statement, parsed again each time), text parameters, text results;
// - no startup parameters but the ones libpq always sends (user, database, application_name,
//   client_encoding): PgBouncer refuses unknown ones.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/time.hpp"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace oddsctl::store::pg {

// What oddsctl reads from a postgresql:// URI, and the conninfo libpq gets.
struct Target {
  std::string conninfo;           // the URI without oddsctl's own parameters, connect_timeout added
  std::string redacted;           // for messages and StoreInfo::location (password: ***)
  std::string schema = "public";  // ?schema=NAME (oddsctl's own): the tables' schema
  Millis statement_timeout{std::chrono::seconds(30)};  // ?statement_timeout=30s (oddsctl's own)
  Millis lock_timeout{std::chrono::seconds(10)};       // ?lock_timeout=10s (oddsctl's own)
};

inline constexpr int k_default_connect_timeout_s = 5;

// UsageError (never naming the password) on a malformed URI or a bad value of oddsctl's own
// parameters. Every other parameter (sslmode, sslrootcert, connect_timeout, host, ...) goes
// to libpq as it is; connect_timeout=5 is added when the URI has none.
Target parse_target(const std::string& uri);

// "postgresql://user:***@host/db?sslpassword=***": the password of the user info and of
// password-like parameters replaced.
std::string redact_uri(const std::string& uri);

// A statement's result: text values, NULL as nullopt.
class Result {
public:
  Result() = default;
  explicit Result(PGresult* r);
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();

  int rows() const;
  bool null(int row, int col) const;
  std::string text(int row, int col) const;
  const char* raw(int row, int col) const;
  int length(int row, int col) const;
  std::int64_t i64(int row, int col) const;
  int i32(int row, int col) const { return static_cast<int>(i64(row, col)); }
  double f64(int row, int col) const;
  std::optional<std::string> opt_text(int row, int col) const;
  std::optional<std::int64_t> opt_i64(int row, int col) const;
  std::optional<TimePoint> opt_time(int row, int col) const;
  TimePoint time(int row, int col) const { return from_epoch_ms(i64(row, col)); }
  std::int64_t affected() const;  // rows changed by INSERT/UPDATE/DELETE

private:
  PGresult* m_r = nullptr;
};

// Statement parameters, all sent as text (NULL as nullopt).
class Params {
public:
  Params& add(std::string v) {
    m_values.emplace_back(std::move(v));
    return *this;
  }
  Params& add(const char* v) {
    m_values.emplace_back(std::string(v));
    return *this;
  }
  Params& add(std::int64_t v) {
    m_values.emplace_back(std::to_string(v));
    return *this;
  }
  Params& add(int v) {
    m_values.emplace_back(std::to_string(v));
    return *this;
  }
  Params& add(double v);
  Params& add(TimePoint t) { return add(static_cast<std::int64_t>(to_epoch_ms(t))); }
  Params& add(bool v) {
    m_values.emplace_back(std::string(v ? "true" : "false"));
    return *this;
  }
  Params& null() {
    m_values.emplace_back(std::nullopt);
    return *this;
  }
  template <class T>
  Params& add(const std::optional<T>& v) {
    if (v) return add(*v);
    return null();
  }
  // A text[] literal ({"a","b"}) for `= ANY($n::text[])`.
  Params& add_array(const std::vector<std::string>& v);
  Params& add_array(const std::vector<std::int64_t>& v);
  // Elements may be NULL; any element type (the cast in the SQL says which).
  Params& add_array(const std::vector<std::optional<std::string>>& v);
  const std::vector<std::optional<std::string>>& values() const { return m_values; }

private:
  std::vector<std::optional<std::string>> m_values;
};

// An error from the server or the connection, with its SQLSTATE ("" when the connection
// itself failed) for the retry decisions.
class PgFailure : public std::runtime_error {
public:
  PgFailure(const std::string& message, std::string sqlstate, bool connection_lost)
      : std::runtime_error(message), m_sqlstate(std::move(sqlstate)), m_lost(connection_lost) {}
  const std::string& sqlstate() const { return m_sqlstate; }
  bool connection_lost() const { return m_lost; }
  // 40001 serialization_failure, 40P01 deadlock_detected: the transaction may be run again.
  bool retryable() const { return m_sqlstate == "40001" || m_sqlstate == "40P01"; }

private:
  std::string m_sqlstate;
  bool m_lost;
};

// Statements inside one transaction.
class Tx {
public:
  explicit Tx(PGconn* c) : m_c(c) {}
  Result exec(const std::string& sql, const Params& params = Params()) const;

private:
  PGconn* m_c;
};

enum class TxKind { read_write, read_only, snapshot };  // snapshot: REPEATABLE READ, READ ONLY

class Conn {
public:
  explicit Conn(Target target);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Connects (once; again after the connection was lost). Throws PgFailure.
  void connect();
  // Runs fn(tx) in one transaction and commits. A serialization failure or deadlock runs it
  // again (a few times); a connection lost before COMMIT was sent reconnects once and runs it
  // again. Anything else rolls back and throws PgFailure (or what fn threw).
  // `prelude`: SQL sent with BEGIN in the same round trip (no parameters: literals only).
  void transaction(TxKind kind, const std::function<void(Tx&)>& fn, const std::string& prelude = "");
  // One statement outside a transaction block (VACUUM). Throws PgFailure.
  void exec_outside(const std::string& sql);
  const Target& target() const { return m_target; }
  int server_version();

private:
  void ensure();
  Target m_target;
  PGconn* m_conn = nullptr;
};

// Quotes an identifier ("name"), for the schema name.
std::string quote_ident(const std::string& name);
// Quotes a string literal ('it''s'), for a prelude (standard_conforming_strings is on by
// default since PostgreSQL 9.1: backslashes are plain characters).
std::string quote_literal(const std::string& text);

}  // namespace oddsctl::store::pg
