// Tracked events, pins, sync results and odds snapshots in the SQLite store.
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl::store {

using namespace sqlite_util;

namespace {

TrackedEvent read_tracked(SQLite::Statement& st) {
  TrackedEvent e;
  e.region = st.getColumn(0).getString();
  e.event_id = st.getColumn(1).getString();
  e.sport_key = st.getColumn(2).getString();
  e.sport_title = st.getColumn(3).getString();
  e.home_team = st.getColumn(4).getString();
  e.away_team = st.getColumn(5).getString();
  e.commence_time = col_time(st.getColumn(6));
  e.discovered_at = col_time(st.getColumn(7));
  if (auto tier = col_opt_text(st.getColumn(8))) e.pinned_tier = tier_from_string(*tier);
  e.last_synced_at = col_opt_time(st.getColumn(9));
  e.last_changed_at = col_opt_time(st.getColumn(10));
  e.last_attempt_at = col_opt_time(st.getColumn(11));
  e.fingerprint = st.getColumn(12).getString();
  e.failures = st.getColumn(13).getInt();
  e.last_error = col_opt_text(st.getColumn(14));
  return e;
}

Snapshot read_snapshot(SQLite::Statement& st) {
  Snapshot s;
  s.region = st.getColumn(0).getString();
  s.event_id = st.getColumn(1).getString();
  s.sport_key = st.getColumn(2).getString();
  s.taken_at = col_time(st.getColumn(3));
  s.fingerprint = st.getColumn(4).getString();
  s.event = event_from_json(nlohmann::json::parse(st.getColumn(5).getString()));
  return s;
}

struct SnapshotText {
  const Snapshot* snapshot;
  std::string json;
};

void insert_snapshots(SQLite::Database& db, const std::vector<SnapshotText>& rows) {
  SQLite::Statement st(db,
                       "INSERT INTO snapshots (region, event_id, sport_key, taken_at, fingerprint, event_json) "
                       "VALUES (?,?,?,?,?,?)");
  for (const auto& r : rows) {
    st.reset();
    st.bind(1, r.snapshot->region);
    st.bind(2, r.snapshot->event_id);
    st.bind(3, r.snapshot->sport_key);
    bind_time(st, 4, r.snapshot->taken_at);
    st.bind(5, r.snapshot->fingerprint);
    st.bind(6, r.json);
    st.exec();
  }
}

}  // namespace

void SqliteStore::upsert_tracked(const std::vector<TrackedEvent>& events) {
  if (events.empty()) return;
  writing("upsert tracked events", [&](SQLite::Database& db) {
    // On conflict only what discovery knows is refreshed: pin and sync state stay.
    static const std::string sql =
        upsert_sql("tracked_events",
                   {"region", "event_id", "sport_key", "sport_title", "home_team", "away_team", "commence_time",
                    "discovered_at", "pinned_tier", "last_synced_at", "last_changed_at", "last_attempt_at",
                    "fingerprint", "failures", "last_error"},
                   {"region", "event_id"}, {"sport_key", "sport_title", "home_team", "away_team", "commence_time"});
    SQLite::Statement st(db, sql);
    for (const auto& e : events) {
      st.reset();
      const auto pinned = e.pinned_tier ? std::optional<std::string>(to_string(*e.pinned_tier)) : std::nullopt;
      bind_row(st, e.region, e.event_id, e.sport_key, e.sport_title, e.home_team, e.away_team, e.commence_time,
               e.discovered_at, pinned, e.last_synced_at, e.last_changed_at, e.last_attempt_at, e.fingerprint,
               e.failures, e.last_error);
      st.exec();
    }
  });
}

std::vector<TrackedEvent> SqliteStore::list_tracked(const TrackedQuery& query) {
  return locked("list tracked events", [&](SQLite::Database& db) {
    std::string sql =
        "SELECT region, event_id, sport_key, sport_title, home_team, away_team, commence_time, discovered_at, "
        "pinned_tier, last_synced_at, last_changed_at, last_attempt_at, fingerprint, failures, last_error "
        "FROM tracked_events WHERE 1";
    if (query.region) sql += " AND region = :region";
    if (query.sport_key) sql += " AND sport_key = :sport";
    if (query.event_id) sql += " AND event_id = :event";
    if (query.commence_after) sql += " AND commence_time >= :after";
    sql += " ORDER BY commence_time, region, event_id";
    SQLite::Statement st(db, sql);
    if (query.region) st.bind(":region", *query.region);
    if (query.sport_key) st.bind(":sport", *query.sport_key);
    if (query.event_id) st.bind(":event", *query.event_id);
    if (query.commence_after) st.bind(":after", static_cast<int64_t>(to_epoch_ms(*query.commence_after)));
    std::vector<TrackedEvent> out;
    while (st.executeStep()) out.push_back(read_tracked(st));
    return out;
  });
}

int SqliteStore::set_pin(const std::string& event_id, const std::optional<std::string>& region,
                         std::optional<Tier> tier) {
  return writing("set pin", [&](SQLite::Database& db) {
    SQLite::Statement st(db, region ? "UPDATE tracked_events SET pinned_tier = ? WHERE event_id = ? AND region = ?"
                                    : "UPDATE tracked_events SET pinned_tier = ? WHERE event_id = ?");
    if (tier) st.bind(1, to_string(*tier));
    else st.bind(1);
    st.bind(2, event_id);
    if (region) st.bind(3, *region);
    int changed = st.exec();
    return changed;
  });
}

void SqliteStore::record_sync(const std::vector<SyncOutcome>& outcomes) {
  if (outcomes.empty()) return;
  std::vector<SnapshotText> snaps;
  for (const auto& o : outcomes)
    if (o.ok && o.snapshot) snaps.push_back({&*o.snapshot, dump_json(to_json(o.snapshot->event))});
  writing("record sync", [&](SQLite::Database& db) {
    SQLite::Statement ok(db,
                         "UPDATE tracked_events SET last_synced_at = :at, last_attempt_at = :at, "
                         "fingerprint = :fp, failures = 0, last_error = NULL, "
                         "last_changed_at = coalesce(:changed, last_changed_at) "
                         "WHERE region = :region AND event_id = :event");
    SQLite::Statement bad(db,
                          "UPDATE tracked_events SET failures = failures + 1, last_error = :error, "
                          "last_attempt_at = :at WHERE region = :region AND event_id = :event");
    for (const auto& o : outcomes) {
      SQLite::Statement& st = o.ok ? ok : bad;
      st.reset();
      st.clearBindings();
      st.bind(":at", static_cast<int64_t>(to_epoch_ms(o.attempted_at)));
      st.bind(":region", o.region);
      st.bind(":event", o.event_id);
      if (o.ok) {
        st.bind(":fp", o.fingerprint);
        // A stored snapshot means the odds changed, at the moment it was taken.
        if (o.snapshot) st.bind(":changed", static_cast<int64_t>(to_epoch_ms(o.snapshot->taken_at)));
      } else {
        st.bind(":error", o.error.value_or("sync failed"));
      }
      st.exec();
    }
    insert_snapshots(db, snaps);
  });
}

std::vector<Snapshot> SqliteStore::snapshots(const SnapshotQuery& query) {
  return locked("read snapshots", [&](SQLite::Database& db) {
    std::string where = " WHERE 1";
    if (query.region) where += " AND region = :region";
    if (query.sport_key) where += " AND sport_key = :sport";
    if (query.event_id) where += " AND event_id = :event";
    if (query.since) where += " AND taken_at >= :since";
    const std::string cols = "region, event_id, sport_key, taken_at, fingerprint, event_json";
    std::string sql =
        query.latest_only
            ? "SELECT " + cols + " FROM (SELECT " + cols +
                  ", row_number() OVER (PARTITION BY region, event_id ORDER BY taken_at DESC, id DESC) AS rn "
                  "FROM snapshots" +
                  where + ") WHERE rn = 1 ORDER BY region, event_id"
            : "SELECT " + cols + " FROM snapshots" + where + " ORDER BY region, event_id, taken_at, id";
    SQLite::Statement st(db, sql);
    if (query.region) st.bind(":region", *query.region);
    if (query.sport_key) st.bind(":sport", *query.sport_key);
    if (query.event_id) st.bind(":event", *query.event_id);
    if (query.since) st.bind(":since", static_cast<int64_t>(to_epoch_ms(*query.since)));
    std::vector<Snapshot> out;
    while (st.executeStep()) out.push_back(read_snapshot(st));
    return out;
  });
}

void SqliteStore::import_snapshots(const std::vector<Snapshot>& snapshots) {
  if (snapshots.empty()) return;
  std::vector<SnapshotText> rows;
  rows.reserve(snapshots.size());
  for (const auto& s : snapshots) rows.push_back({&s, dump_json(to_json(s.event))});
  writing("import snapshots", [&](SQLite::Database& db) { insert_snapshots(db, rows); });
}

}  // namespace oddsctl::store
