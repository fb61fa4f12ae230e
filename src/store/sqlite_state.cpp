// The SQLite store's small state: meta key/values, alert marks, worker heartbeats.
#include <SQLiteCpp/Statement.h>

#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl::store {

using namespace sqlite_util;

std::optional<std::string> SqliteStore::get_meta(const std::string& key) {
  return locked("get meta", [&](SQLite::Database& db) -> std::optional<std::string> {
    SQLite::Statement st(db, "SELECT value FROM meta WHERE key = ?");
    st.bind(1, key);
    if (!st.executeStep()) return std::nullopt;
    return st.getColumn(0).getString();
  });
}

void SqliteStore::set_meta(const std::string& key, const std::string& value) {
  writing("set meta", [&](SQLite::Database& db) {
    static const std::string sql = upsert_sql("meta", {"key", "value"}, {"key"});
    SQLite::Statement st(db, sql);
    bind_row(st, key, value);
    st.exec();
  });
}

// For `store migrate`: every key, in key order.
std::optional<std::map<std::string, std::string>> SqliteStore::list_meta() {
  return locked("list meta", [&](SQLite::Database& db) {
    std::map<std::string, std::string> out;
    SQLite::Statement st(db, "SELECT key, value FROM meta ORDER BY key");
    while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getString();
    return std::optional<std::map<std::string, std::string>>(std::move(out));
  });
}

namespace {
AlertMark read_alert(SQLite::Statement& st) {
  AlertMark a;
  a.key = st.getColumn(0).getString();
  a.sent_at = col_time(st.getColumn(1));
  a.profit_pct = st.getColumn(2).getDouble();
  return a;
}
}  // namespace

std::optional<AlertMark> SqliteStore::get_alert(const std::string& key) {
  return locked("get alert", [&](SQLite::Database& db) -> std::optional<AlertMark> {
    SQLite::Statement st(db, "SELECT key, sent_at, profit_pct FROM alerts WHERE key = ?");
    st.bind(1, key);
    if (!st.executeStep()) return std::nullopt;
    return read_alert(st);
  });
}

void SqliteStore::mark_alert(const AlertMark& mark) {
  writing("mark alert", [&](SQLite::Database& db) {
    static const std::string sql = upsert_sql("alerts", {"key", "sent_at", "profit_pct"}, {"key"});
    SQLite::Statement st(db, sql);
    bind_row(st, mark.key, mark.sent_at, mark.profit_pct);
    st.exec();
  });
}

std::vector<AlertMark> SqliteStore::list_alerts() {
  return locked("list alerts", [&](SQLite::Database& db) {
    std::vector<AlertMark> out;
    SQLite::Statement st(db, "SELECT key, sent_at, profit_pct FROM alerts ORDER BY key");
    while (st.executeStep()) out.push_back(read_alert(st));
    return out;
  });
}

void SqliteStore::heartbeat(const Heartbeat& hb) {
  writing("heartbeat", [&](SQLite::Database& db) {
    static const std::string sql = upsert_sql(
        "heartbeats", {"worker_id", "host", "pid", "command", "started_at", "last_cycle_at", "cycles", "last_error"},
        {"worker_id"});
    SQLite::Statement st(db, sql);
    bind_row(st, hb.worker_id, hb.host, hb.pid, hb.command, hb.started_at, hb.last_cycle_at,
             static_cast<std::int64_t>(hb.cycles), hb.last_error);
    st.exec();
  });
}

std::vector<Heartbeat> SqliteStore::heartbeats() {
  return locked("list heartbeats", [&](SQLite::Database& db) {
    std::vector<Heartbeat> out;
    SQLite::Statement st(db,
                         "SELECT worker_id, host, pid, command, started_at, last_cycle_at, cycles, last_error "
                         "FROM heartbeats ORDER BY worker_id");
    while (st.executeStep()) {
      Heartbeat hb;
      hb.worker_id = st.getColumn(0).getString();
      hb.host = st.getColumn(1).getString();
      hb.pid = st.getColumn(2).getInt();
      hb.command = st.getColumn(3).getString();
      hb.started_at = col_time(st.getColumn(4));
      hb.last_cycle_at = col_time(st.getColumn(5));
      hb.cycles = st.getColumn(6).getInt64();
      hb.last_error = col_opt_text(st.getColumn(7));
      out.push_back(std::move(hb));
    }
    return out;
  });
}

}  // namespace oddsctl::store
