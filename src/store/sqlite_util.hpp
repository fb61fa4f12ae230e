// Small helpers shared by the SQLite store's files: binding optionals, reading nullable
// columns, times as epoch milliseconds, JSON text. Internal to src/store/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <nlohmann/json.hpp>

#include "oddsctl/time.hpp"

namespace oddsctl::store::sqlite_util {

inline void bind_time(SQLite::Statement& st, int i, TimePoint t) { st.bind(i, static_cast<int64_t>(to_epoch_ms(t))); }

inline void bind_opt(SQLite::Statement& st, int i, const std::optional<std::string>& v) {
  if (v) st.bind(i, *v);
  else st.bind(i);
}
inline void bind_opt(SQLite::Statement& st, int i, const std::optional<std::int64_t>& v) {
  if (v) st.bind(i, static_cast<int64_t>(*v));
  else st.bind(i);
}
inline void bind_opt(SQLite::Statement& st, int i, const std::optional<double>& v) {
  if (v) st.bind(i, *v);
  else st.bind(i);
}
inline void bind_opt(SQLite::Statement& st, int i, const std::optional<TimePoint>& v) {
  if (v) bind_time(st, i, *v);
  else st.bind(i);
}

inline TimePoint col_time(const SQLite::Column& c) { return from_epoch_ms(c.getInt64()); }
inline std::optional<std::string> col_opt_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}
inline std::optional<std::int64_t> col_opt_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}
inline std::optional<TimePoint> col_opt_time(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return from_epoch_ms(c.getInt64());
}

// Bytes that are not UTF-8 (an upstream oddity) are replaced rather than failing the write.
inline std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Writers take the write lock up front: in WAL mode a read-to-write upgrade cannot wait on
// the busy timeout, BEGIN IMMEDIATE can.
inline SQLite::Transaction write_txn(SQLite::Database& db) {
  return SQLite::Transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
}

}  // namespace oddsctl::store::sqlite_util
