// Schema versions of the SQLite store. Migrations only go forward: each entry of k_migrations
// takes the file from version i to i+1 in one transaction, so a crash mid-way leaves the
// previous version intact. Never edit a released step; append a new one.
//
// Times are INTEGER milliseconds since the epoch (UTC); JSON columns are TEXT.
#include "store/sqlite_schema.hpp"

#include <algorithm>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "oddsctl/errors.hpp"

namespace oddsctl::store::sqlite_schema {

namespace {

const std::vector<std::vector<const char*>> k_migrations = {
    // 1: the initial schema.
    {
        R"(CREATE TABLE scans (
             scan_id TEXT NOT NULL, region TEXT NOT NULL, command TEXT NOT NULL,
             worker TEXT NOT NULL, started_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
             status TEXT NOT NULL, error TEXT, failed_sports TEXT NOT NULL DEFAULT '[]',
             requests INTEGER NOT NULL, credits_used INTEGER, credits_remaining INTEGER,
             events INTEGER NOT NULL, opportunity_count INTEGER NOT NULL,
             PRIMARY KEY (scan_id, region)))",
        "CREATE INDEX scans_region_started ON scans(region, started_at)",
        "CREATE INDEX scans_started ON scans(started_at)",
        // The primary key doubles as the (scan_id, region) index.
        R"(CREATE TABLE opportunities (
             scan_id TEXT NOT NULL, region TEXT NOT NULL, idx INTEGER NOT NULL,
             profit_pct REAL NOT NULL, sport_key TEXT NOT NULL, event_id TEXT NOT NULL,
             market TEXT NOT NULL, point REAL, json TEXT NOT NULL,
             PRIMARY KEY (scan_id, region, idx),
             FOREIGN KEY (scan_id, region) REFERENCES scans(scan_id, region) ON DELETE CASCADE))",
        R"(CREATE TABLE latest_good (
             region TEXT PRIMARY KEY, scan_id TEXT NOT NULL,
             FOREIGN KEY (scan_id, region) REFERENCES scans(scan_id, region) ON DELETE CASCADE))",
        "CREATE INDEX latest_good_scan ON latest_good(scan_id, region)",
        R"(CREATE TABLE leases (
             name TEXT PRIMARY KEY, owner TEXT NOT NULL,
             acquired_at INTEGER NOT NULL, expires_at INTEGER NOT NULL))",
        "CREATE INDEX leases_expires ON leases(expires_at)",
        R"(CREATE TABLE ledger (
             id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, key_id TEXT NOT NULL,
             key_hint TEXT NOT NULL, region TEXT NOT NULL, command TEXT NOT NULL,
             endpoint TEXT NOT NULL, sport TEXT NOT NULL, http_status INTEGER NOT NULL,
             used INTEGER, remaining INTEGER, last INTEGER))",
        "CREATE INDEX ledger_key_at ON ledger(key_id, at)",
        "CREATE INDEX ledger_at ON ledger(at)",
        R"(CREATE TABLE tracked_events (
             region TEXT NOT NULL, event_id TEXT NOT NULL, sport_key TEXT NOT NULL,
             sport_title TEXT NOT NULL, home_team TEXT NOT NULL, away_team TEXT NOT NULL,
             commence_time INTEGER NOT NULL, discovered_at INTEGER NOT NULL, pinned_tier TEXT,
             last_synced_at INTEGER, last_changed_at INTEGER, last_attempt_at INTEGER,
             fingerprint TEXT NOT NULL DEFAULT '', failures INTEGER NOT NULL DEFAULT 0,
             last_error TEXT,
             PRIMARY KEY (region, event_id)))",
        "CREATE INDEX tracked_event ON tracked_events(event_id)",
        "CREATE INDEX tracked_sport ON tracked_events(sport_key, commence_time)",
        "CREATE INDEX tracked_commence ON tracked_events(commence_time)",
        R"(CREATE TABLE snapshots (
             id INTEGER PRIMARY KEY AUTOINCREMENT, region TEXT NOT NULL, event_id TEXT NOT NULL,
             sport_key TEXT NOT NULL, taken_at INTEGER NOT NULL, fingerprint TEXT NOT NULL,
             event_json TEXT NOT NULL))",
        "CREATE INDEX snapshots_event ON snapshots(region, event_id, taken_at)",
        "CREATE INDEX snapshots_taken ON snapshots(taken_at)",
        "CREATE INDEX snapshots_sport ON snapshots(sport_key, taken_at)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        R"(CREATE TABLE alerts (
             key TEXT PRIMARY KEY, sent_at INTEGER NOT NULL, profit_pct REAL NOT NULL))",
        "CREATE INDEX alerts_sent ON alerts(sent_at)",
        R"(CREATE TABLE heartbeats (
             worker_id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL,
             command TEXT NOT NULL, started_at INTEGER NOT NULL, last_cycle_at INTEGER NOT NULL,
             cycles INTEGER NOT NULL, last_error TEXT))",
        "CREATE INDEX heartbeats_cycle ON heartbeats(last_cycle_at)",
    },
    // 2: provenance. Every scan says where its odds came from and why it is empty (when it
    // is), and each region keeps a latest good result per source, so that a demo, a replay
    // or a --from-store run never stands in for the API's answer. Scans written before this
    // were all from the API, but those of `scan --from-store`, which say so in their command.
    {
        "ALTER TABLE scans ADD COLUMN source TEXT NOT NULL DEFAULT 'live'",
        "ALTER TABLE scans ADD COLUMN empty TEXT NOT NULL DEFAULT 'none'",
        "UPDATE scans SET source = 'store' WHERE command = 'scan-from-store'",
        // SQLite cannot change a primary key in place: build the new table, copy each old
        // pointer under the source of the scan it names, then swap the tables.
        R"(CREATE TABLE latest_good_v2 (
             region TEXT NOT NULL, source TEXT NOT NULL, scan_id TEXT NOT NULL,
             PRIMARY KEY (region, source),
             FOREIGN KEY (scan_id, region) REFERENCES scans(scan_id, region) ON DELETE CASCADE))",
        R"(INSERT INTO latest_good_v2 (region, source, scan_id)
             SELECT g.region, s.source, g.scan_id FROM latest_good g
             JOIN scans s ON s.scan_id = g.scan_id AND s.region = g.region)",
        "DROP TABLE latest_good",  // its index latest_good_scan goes with it
        "ALTER TABLE latest_good_v2 RENAME TO latest_good",
        // Cleanup's "never a latest good scan" probe, and the cascade from scans.
        "CREATE INDEX latest_good_scan ON latest_good(scan_id, region)",
    },
    // 3: credit reservations (budget guards across processes). Per key its remaining credits
    // as last reported, and the reservations of calls in flight, each with an expiry.
    {
        R"(CREATE TABLE credit_keys (
             key_id TEXT PRIMARY KEY, remaining INTEGER, reported_at INTEGER))",
        R"(CREATE TABLE credit_holds (
             id TEXT PRIMARY KEY, key_id TEXT NOT NULL, owner TEXT NOT NULL, cost INTEGER NOT NULL,
             created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL))",
        "CREATE INDEX credit_holds_key ON credit_holds(key_id, expires_at)",
        "CREATE INDEX credit_holds_expires ON credit_holds(expires_at)",
    },
    // 4: opportunities served without parsing them. text_form 1 says that `json` is exactly
    // what save_scan writes (dump() of to_json, and it reads back as itself), so `cache get
    // --json` writes it out as it is; kind and score (opportunity_score) sit beside it for the
    // filters and the order. Rows of older versions, and rows another program changed, have
    // text_form 0 and are parsed as before. (Later, with no change of schema: text_form 2 is a
    // text form 1 that is also the served form, every stake at the cent; readers that know
    // only 1 read such a row whole, which is still right. 3 comes with version 5.)
    {
        "ALTER TABLE opportunities ADD COLUMN kind TEXT",
        "ALTER TABLE opportunities ADD COLUMN score REAL",
        "ALTER TABLE opportunities ADD COLUMN text_form INTEGER NOT NULL DEFAULT 0",
        // A text or a column changed by anything but save_scan is no longer known to agree.
        R"(CREATE TRIGGER opportunities_text_changed
             AFTER UPDATE OF json, kind, score, region, sport_key, event_id, market, point ON opportunities
             WHEN NEW.text_form <> 0
             BEGIN UPDATE opportunities SET text_form = 0 WHERE rowid = NEW.rowid; END)",
    },
    // 5: a scan's texts served straight from the statement. text_form 3 is a text form 2
    // whose scan save_scan wrote in the served order (every row's read-back values in
    // opportunity_before's order by idx), so that when every row of a scan is 3 a reader
    // writes the texts out in idx order without reading any other column or holding them.
    // The partial index holds only the rows that are not 3 (none, for a scan oddsctl wrote):
    // one probe of it says whether a scan can be served so. Rows written before this step
    // keep their form and are served as before. A row moved to another scan or renumbered
    // is no longer known to be in order, so the trigger now watches scan_id and idx too.
    {
        "CREATE INDEX opportunities_not_as_stored ON opportunities(scan_id, region) WHERE text_form <> 3",
        "DROP TRIGGER opportunities_text_changed",
        R"(CREATE TRIGGER opportunities_text_changed
             AFTER UPDATE OF json, kind, score, scan_id, region, idx, sport_key, event_id, market, point
             ON opportunities
             WHEN NEW.text_form <> 0
             BEGIN UPDATE opportunities SET text_form = 0 WHERE rowid = NEW.rowid; END)",
    },
};

// What check() expects to find (tables, then indexes), for the newest version.
const std::vector<const char*> k_tables = {"schema_version", "scans",          "opportunities", "latest_good", "leases",
                                           "ledger",         "tracked_events", "snapshots",     "meta",        "alerts",
                                           "heartbeats",     "credit_keys",    "credit_holds"};
const std::vector<const char*> k_indexes = {"scans_region_started",
                                            "scans_started",
                                            "latest_good_scan",
                                            "leases_expires",
                                            "ledger_key_at",
                                            "ledger_at",
                                            "tracked_event",
                                            "tracked_sport",
                                            "tracked_commence",
                                            "snapshots_event",
                                            "snapshots_taken",
                                            "snapshots_sport",
                                            "alerts_sent",
                                            "heartbeats_cycle",
                                            "credit_holds_key",
                                            "credit_holds_expires",
                                            "opportunities_not_as_stored"};

int read_version(SQLite::Database& db) {
  SQLite::Statement st(db, "SELECT max(version) FROM schema_version");
  if (!st.executeStep() || st.getColumn(0).isNull()) return 0;
  return st.getColumn(0).getInt();
}

}  // namespace

int known_version() { return static_cast<int>(k_migrations.size()); }

int current_version(SQLite::Database& db) {
  if (!db.tableExists("schema_version")) return 0;
  return read_version(db);
}

void migrate(SQLite::Database& db, const std::string& path) { migrate_to(db, path, known_version()); }

void migrate_to(SQLite::Database& db, const std::string& path, int target) {
  target = std::min(target, known_version());
  // A quick look first, so that a file at the newest version is opened without a write lock.
  if (current_version(db) == target) return;
  for (;;) {
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL)");
    int have = read_version(db);  // again, under the lock: another process may have migrated
    if (have > known_version())
      throw StoreError("sqlite " + path + ": open: the store has schema version " + std::to_string(have) +
                       ", newer than this oddsctl knows (" + std::to_string(known_version()) +
                       "); use a newer oddsctl");
    if (have >= target) {
      tx.commit();
      return;
    }
    for (const char* sql : k_migrations[static_cast<std::size_t>(have)]) db.exec(sql);
    SQLite::Statement st(db,
                         "INSERT INTO schema_version (version, applied_at) VALUES (?, strftime('%s','now') * 1000)");
    st.bind(1, have + 1);
    st.exec();
    tx.commit();
  }
}

std::vector<std::string> check(SQLite::Database& db) {
  std::vector<std::string> problems;
  int version = current_version(db);
  if (version != known_version())
    problems.push_back("schema version " + std::to_string(version) + ", expected " + std::to_string(known_version()));
  SQLite::Statement exists(db, "SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?");
  auto expect = [&](const char* type, const char* name) {
    exists.reset();
    exists.bind(1, type);
    exists.bind(2, name);
    if (!exists.executeStep()) problems.push_back(std::string("missing ") + type + " " + name);
  };
  for (const char* t : k_tables) expect("table", t);
  for (const char* i : k_indexes) expect("index", i);
  if (version >= 4) expect("trigger", "opportunities_text_changed");
  SQLite::Statement quick(db, "PRAGMA quick_check");
  while (quick.executeStep()) {
    std::string row = quick.getColumn(0).getString();
    if (row != "ok") problems.push_back("quick_check: " + row);
  }
  SQLite::Statement fk(db, "PRAGMA foreign_key_check");
  while (fk.executeStep())
    problems.push_back("foreign key broken: table " + fk.getColumn(0).getString() + " row " +
                       fk.getColumn(1).getString() + " refers to a missing " + fk.getColumn(2).getString());
  // An opportunity whose stored text is not JSON makes every read of its scan fail (cache
  // get, alerts): name each one, so that the scan can be removed or rewritten. A store with
  // many such rows lists the first few and counts the rest.
  if (db.tableExists("opportunities")) {
    constexpr int k_listed = 20;
    SQLite::Statement bad(db,
                          "SELECT scan_id, region, idx FROM opportunities WHERE json_valid(json) = 0 "
                          "ORDER BY scan_id, region, idx");
    int found = 0;
    while (bad.executeStep()) {
      if (++found > k_listed) continue;
      problems.push_back("opportunity not valid JSON: scan " + bad.getColumn(0).getString() + " region " +
                         bad.getColumn(1).getString() + " row " + bad.getColumn(2).getString());
    }
    if (found > k_listed)
      problems.push_back("... and " + std::to_string(found - k_listed) + " more opportunities not valid JSON");
  }
  // Likewise a scan whose source or empty reason this binary does not know (reads refuse it
  // rather than guess). The columns exist from version 2 on.
  if (version >= 2 && db.tableExists("scans")) {
    SQLite::Statement odd(db,
                          "SELECT scan_id, region, source, empty FROM scans "
                          "WHERE source NOT IN ('live', 'replay', 'demo', 'store') "
                          "OR empty NOT IN ('none', 'no_events', 'filtered', 'no_snapshots') "
                          "ORDER BY scan_id, region LIMIT 20");
    while (odd.executeStep())
      problems.push_back("scan " + odd.getColumn(0).getString() + " region " + odd.getColumn(1).getString() +
                         ": unknown source '" + odd.getColumn(2).getString() + "' or empty reason '" +
                         odd.getColumn(3).getString() + "'");
  }
  return problems;
}

}  // namespace oddsctl::store::sqlite_schema
