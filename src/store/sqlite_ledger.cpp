// The budget ledger in the SQLite store: append-only rows, read by key and time.
#include <SQLiteCpp/Statement.h>

#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl::store {

using namespace sqlite_util;

namespace {

constexpr const char* k_columns =
    "at, key_id, key_hint, region, command, endpoint, sport, http_status, used, remaining, last";

LedgerEntry read_entry(SQLite::Statement& st) {
  LedgerEntry e;
  e.at = col_time(st.getColumn(0));
  e.key_id = st.getColumn(1).getString();
  e.key_hint = st.getColumn(2).getString();
  e.region = st.getColumn(3).getString();
  e.command = st.getColumn(4).getString();
  e.endpoint = st.getColumn(5).getString();
  e.sport = st.getColumn(6).getString();
  e.http_status = st.getColumn(7).getInt();
  e.credits.used = col_opt_int(st.getColumn(8));
  e.credits.remaining = col_opt_int(st.getColumn(9));
  e.credits.last = col_opt_int(st.getColumn(10));
  return e;
}

}  // namespace

void SqliteStore::append_ledger(const std::vector<LedgerEntry>& entries) {
  if (entries.empty()) return;
  writing("append ledger", [&](SQLite::Database& db) {
    SQLite::Statement st(db, std::string("INSERT INTO ledger (") + k_columns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& e : entries) {
      st.reset();
      bind_time(st, 1, e.at);
      st.bind(2, e.key_id);
      st.bind(3, e.key_hint);
      st.bind(4, e.region);
      st.bind(5, e.command);
      st.bind(6, e.endpoint);
      st.bind(7, e.sport);
      st.bind(8, e.http_status);
      bind_opt(st, 9, e.credits.used);
      bind_opt(st, 10, e.credits.remaining);
      bind_opt(st, 11, e.credits.last);
      st.exec();
    }
  });
}

std::vector<LedgerEntry> SqliteStore::ledger(const LedgerQuery& query) {
  return locked("read ledger", [&](SQLite::Database& db) {
    std::string sql = std::string("SELECT ") + k_columns + " FROM ledger WHERE 1";
    if (query.key_id) sql += " AND key_id = :key";
    if (query.since) sql += " AND at >= :since";
    // Insertion order (id) breaks ties between rows of the same millisecond.
    sql += query.limit > 0 ? " ORDER BY at DESC, id DESC LIMIT :limit" : " ORDER BY at, id";
    SQLite::Statement st(db, sql);
    if (query.key_id) st.bind(":key", *query.key_id);
    if (query.since) st.bind(":since", static_cast<int64_t>(to_epoch_ms(*query.since)));
    if (query.limit > 0) st.bind(":limit", query.limit);
    std::vector<LedgerEntry> out;
    while (st.executeStep()) out.push_back(read_entry(st));
    return out;
  });
}

// One indexed probe per distinct key (walking its rows backwards from the newest), not a
// correlated lookup per ledger row.
std::vector<LedgerEntry> SqliteStore::latest_per_key() {
  return locked("read ledger", [&](SQLite::Database& db) {
    SQLite::Statement st(db, std::string("SELECT ") + k_columns +
                                 " FROM ledger WHERE id IN (SELECT (SELECT id FROM ledger n WHERE n.key_id = k.key_id "
                                 "AND n.remaining IS NOT NULL ORDER BY n.at DESC, n.id DESC LIMIT 1) "
                                 "FROM (SELECT DISTINCT key_id FROM ledger) k) ORDER BY key_id");
    std::vector<LedgerEntry> out;
    while (st.executeStep()) out.push_back(read_entry(st));
    return out;
  });
}

}  // namespace oddsctl::store
