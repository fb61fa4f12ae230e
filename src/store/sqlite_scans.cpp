// Scans and their opportunities in the SQLite store, and the latest-good pointer per region.
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl {

using namespace sqlite_util;

namespace {

constexpr const char* k_scan_columns =
    "s.scan_id, s.region, s.command, s.worker, s.started_at, s.duration_ms, s.status, s.error, "
    "s.failed_sports, s.requests, s.credits_used, s.credits_remaining, s.events, s.opportunity_count";

RegionScan read_scan(SQLite::Statement& st) {
  RegionScan s;
  s.scan_id = st.getColumn(0).getString();
  s.region = st.getColumn(1).getString();
  s.command = st.getColumn(2).getString();
  s.worker = st.getColumn(3).getString();
  s.started_at = col_time(st.getColumn(4));
  s.duration_ms = st.getColumn(5).getInt64();
  s.status = region_status_from_string(st.getColumn(6).getString());
  s.error = col_opt_text(st.getColumn(7));
  s.failed_sports = nlohmann::json::parse(st.getColumn(8).getString()).get<std::vector<std::string>>();
  s.requests = st.getColumn(9).getInt();
  s.credits_used = col_opt_int(st.getColumn(10));
  s.credits_remaining = col_opt_int(st.getColumn(11));
  s.events = st.getColumn(12).getInt();
  s.opportunity_count = st.getColumn(13).getInt();
  return s;
}

void load_opportunities(SQLite::Database& db, RegionScan& scan) {
  SQLite::Statement st(db, "SELECT json FROM opportunities WHERE scan_id = ? AND region = ? ORDER BY idx");
  st.bind(1, scan.scan_id);
  st.bind(2, scan.region);
  while (st.executeStep()) scan.opportunities.push_back(opportunity_from_json(nlohmann::json::parse(st.getColumn(0).getString())));
}

// started_at of the scan the region's pointer names, if any.
std::optional<std::pair<std::string, std::int64_t>> pointer_of(SQLite::Database& db, const std::string& region) {
  SQLite::Statement st(db, "SELECT g.scan_id, s.started_at FROM latest_good g "
                           "JOIN scans s ON s.scan_id = g.scan_id AND s.region = g.region WHERE g.region = ?");
  st.bind(1, region);
  if (!st.executeStep()) return std::nullopt;
  return std::make_pair(st.getColumn(0).getString(), static_cast<std::int64_t>(st.getColumn(1).getInt64()));
}

void write_scan_row(SQLite::Database& db, const RegionScan& scan, int opportunity_count) {
  SQLite::Statement st(db,
                       "INSERT INTO scans (scan_id, region, command, worker, started_at, duration_ms, status, error, "
                       "failed_sports, requests, credits_used, credits_remaining, events, opportunity_count) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(scan_id, region) DO UPDATE SET "
                       "command = excluded.command, worker = excluded.worker, started_at = excluded.started_at, "
                       "duration_ms = excluded.duration_ms, status = excluded.status, error = excluded.error, "
                       "failed_sports = excluded.failed_sports, requests = excluded.requests, "
                       "credits_used = excluded.credits_used, credits_remaining = excluded.credits_remaining, "
                       "events = excluded.events, opportunity_count = excluded.opportunity_count");
  st.bind(1, scan.scan_id);
  st.bind(2, scan.region);
  st.bind(3, scan.command);
  st.bind(4, scan.worker);
  bind_time(st, 5, scan.started_at);
  st.bind(6, static_cast<int64_t>(scan.duration_ms));
  st.bind(7, to_string(scan.status));
  bind_opt(st, 8, scan.error);
  st.bind(9, dump_json(scan.failed_sports));
  st.bind(10, scan.requests);
  bind_opt(st, 11, scan.credits_used);
  bind_opt(st, 12, scan.credits_remaining);
  st.bind(13, scan.events);
  st.bind(14, opportunity_count);
  st.exec();
}

}  // namespace

// The latest-good rule: ok and partial move the region's pointer unless it already names a
// scan that started later (two runs finishing out of order must not roll the cache back);
// failed never moves it; skipped is not stored at all.
void SqliteStore::save_scan(const RegionScan& scan) {
  if (scan.status == RegionStatus::skipped) return;
  // Serialised before taking the write lock: other writers wait for SQL only.
  std::vector<std::string> texts;
  texts.reserve(scan.opportunities.size());
  for (const auto& o : scan.opportunities) texts.push_back(dump_json(to_json(o)));
  int count = scan.opportunities.empty() ? scan.opportunity_count : static_cast<int>(scan.opportunities.size());

  locked("save scan", [&](SQLite::Database& db) {
    auto tx = write_txn(db);
    SQLite::Statement clear(db, "DELETE FROM opportunities WHERE scan_id = ? AND region = ?");
    clear.bind(1, scan.scan_id);
    clear.bind(2, scan.region);
    clear.exec();
    write_scan_row(db, scan, count);
    SQLite::Statement ins(db, "INSERT INTO opportunities (scan_id, region, idx, profit_pct, sport_key, event_id, "
                              "market, point, json) VALUES (?,?,?,?,?,?,?,?,?)");
    for (std::size_t i = 0; i < scan.opportunities.size(); ++i) {
      const auto& o = scan.opportunities[i];
      ins.reset();
      ins.bind(1, scan.scan_id);
      ins.bind(2, scan.region);
      ins.bind(3, static_cast<int64_t>(i));
      ins.bind(4, o.profit_pct);
      ins.bind(5, o.sport_key);
      ins.bind(6, o.event_id);
      ins.bind(7, o.market);
      bind_opt(ins, 8, o.point);
      ins.bind(9, texts[i]);
      ins.exec();
    }
    auto pointer = pointer_of(db, scan.region);
    bool good = scan.status == RegionStatus::ok || scan.status == RegionStatus::partial;
    if (good && (!pointer || pointer->second <= to_epoch_ms(scan.started_at))) {
      SQLite::Statement set(db, "INSERT INTO latest_good (region, scan_id) VALUES (?, ?) "
                                "ON CONFLICT(region) DO UPDATE SET scan_id = excluded.scan_id");
      set.bind(1, scan.region);
      set.bind(2, scan.scan_id);
      set.exec();
    } else if (!good && pointer && pointer->first == scan.scan_id) {
      // The good scan was rewritten as failed: it is no longer good.
      SQLite::Statement drop(db, "DELETE FROM latest_good WHERE region = ?");
      drop.bind(1, scan.region);
      drop.exec();
    }
    tx.commit();
  });
}

std::optional<RegionScan> SqliteStore::latest_good(const std::string& region) {
  return locked("read latest good", [&](SQLite::Database& db) -> std::optional<RegionScan> {
    SQLite::Transaction tx(db);  // one snapshot for the scan and its opportunities
    SQLite::Statement st(db, std::string("SELECT ") + k_scan_columns +
                                 " FROM latest_good g JOIN scans s ON s.scan_id = g.scan_id AND s.region = g.region"
                                 " WHERE g.region = ?");
    st.bind(1, region);
    if (!st.executeStep()) return std::nullopt;
    RegionScan scan = read_scan(st);
    load_opportunities(db, scan);
    return scan;
  });
}

std::vector<RegionScan> SqliteStore::list_scans(const ScanQuery& query) {
  return locked("list scans", [&](SQLite::Database& db) {
    SQLite::Transaction tx(db);
    std::string sql = std::string("SELECT ") + k_scan_columns + " FROM scans s WHERE 1";
    if (query.region) sql += " AND s.region = :region";
    if (query.since) sql += " AND s.started_at >= :since";
    sql += " ORDER BY s.started_at DESC, s.scan_id DESC, s.region";
    if (query.limit > 0) sql += " LIMIT :limit";
    SQLite::Statement st(db, sql);
    if (query.region) st.bind(":region", *query.region);
    if (query.since) st.bind(":since", static_cast<int64_t>(to_epoch_ms(*query.since)));
    if (query.limit > 0) st.bind(":limit", query.limit);
    std::vector<RegionScan> out;
    while (st.executeStep()) out.push_back(read_scan(st));
    if (query.with_opportunities)
      for (auto& s : out) load_opportunities(db, s);
    return out;
  });
}

std::vector<RegionScan> SqliteStore::get_scan(const std::string& scan_id) {
  return locked("read scan", [&](SQLite::Database& db) {
    SQLite::Transaction tx(db);
    SQLite::Statement st(db, std::string("SELECT ") + k_scan_columns + " FROM scans s WHERE s.scan_id = ? ORDER BY s.region");
    st.bind(1, scan_id);
    std::vector<RegionScan> out;
    while (st.executeStep()) out.push_back(read_scan(st));
    for (auto& s : out) load_opportunities(db, s);
    return out;
  });
}

void SqliteStore::invalidate(const std::optional<std::string>& region) {
  locked("invalidate", [&](SQLite::Database& db) {
    auto tx = write_txn(db);
    SQLite::Statement st(db, region ? "DELETE FROM latest_good WHERE region = ?" : "DELETE FROM latest_good");
    if (region) st.bind(1, *region);
    st.exec();
    tx.commit();
  });
}

}  // namespace oddsctl
