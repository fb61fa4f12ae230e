// Small helpers shared by the SQLite store's files: binding optionals, reading nullable
// columns, times as epoch milliseconds, JSON text. Internal to src/store/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// One value bound at i by its type: text, integer, real, time (epoch ms), or NULL for an
// empty optional. No overload for unsigned or bool: say which integer is meant.
inline void bind_one(SQLite::Statement& st, int i, const std::string& v) { st.bind(i, v); }
inline void bind_one(SQLite::Statement& st, int i, const char* v) { st.bind(i, v); }
inline void bind_one(SQLite::Statement& st, int i, int v) { st.bind(i, v); }
inline void bind_one(SQLite::Statement& st, int i, std::int64_t v) { st.bind(i, static_cast<int64_t>(v)); }
inline void bind_one(SQLite::Statement& st, int i, double v) { st.bind(i, v); }
inline void bind_one(SQLite::Statement& st, int i, TimePoint t) { bind_time(st, i, t); }
template <class T>
void bind_one(SQLite::Statement& st, int i, const std::optional<T>& v) {
  bind_opt(st, i, v);
}

// Binds the values to ?1, ?2, ... in order: one call beside the column list it fills.
template <class... V>
void bind_row(SQLite::Statement& st, const V&... values) {
  int i = 0;
  (bind_one(st, ++i, values), ...);
}

// "INSERT INTO table (columns) VALUES (?, ...) ON CONFLICT(key) DO UPDATE SET c = excluded.c"
// for each of `updated`, or for every column outside the key when `updated` is empty: the
// column list written once, the placeholders and the update list derived from it.
inline std::string upsert_sql(std::string_view table, std::initializer_list<std::string_view> columns,
                              std::initializer_list<std::string_view> key,
                              std::initializer_list<std::string_view> updated = {}) {
  std::vector<std::string_view> set(updated);
  if (set.empty())
    for (const auto c : columns)
      if (std::find(key.begin(), key.end(), c) == key.end()) set.push_back(c);
  auto join = [](const auto& names, auto&& each) {
    std::string out;
    for (const auto name : names) {
      if (!out.empty()) out += ", ";
      each(out, name);
    }
    return out;
  };
  auto name = [](std::string& out, std::string_view n) { out += n; };
  auto placeholder = [](std::string& out, std::string_view) { out += '?'; };
  auto from_excluded = [](std::string& out, std::string_view n) { out.append(n).append(" = excluded.").append(n); };
  return std::string("INSERT INTO ").append(table) + " (" + join(columns, name) + ") VALUES (" +
         join(columns, placeholder) + ") ON CONFLICT(" + join(key, name) + ") DO UPDATE SET " +
         join(set, from_excluded);
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
