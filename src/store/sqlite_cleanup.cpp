// Retention in the SQLite store: cleanup in small transactions, compaction, size and counts.
//
// Each kind of row is removed batch by batch, and a batch takes three steps:
// 1. choose up to batch_size victims, oldest first, in a READ transaction through indexes: in
//    WAL mode it runs beside a writer and holds no lock that a writer waits for;
// 2. delete exactly those in a short BEGIN IMMEDIATE transaction, each DELETE re-checking
//    the rules that another process may have changed meanwhile (never a region's latest
//    good scan, never the newest keep_last of a region, never a held lease, never a key's
//    newest ledger row, never a row written again since: a newer time, a newer snapshot);
// 3. release the connection and sleep a few ms, so that a writer waiting on its busy
//    handler (another process, or this Store's other users) gets the lock.
// A writer thus waits for at most one batch's deletes, never for the choosing. A cleanup
// killed half-way leaves a consistent store: whole batches, whole scans (their
// opportunities go with them, ON DELETE CASCADE).
// Victims are chosen in keyset order (after the last one seen), so a row that a re-check
// spares is not chosen again. A dry run chooses with the same queries without a limit and
// counts: on unchanged data exactly what a real run removes.
#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <thread>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <spdlog/spdlog.h>

#include "store/sqlite_cleanup_scans.hpp"
#include "store/sqlite_schema.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl {

using namespace sqlite_util;

namespace {

constexpr std::int64_t k_no_cutoff = std::numeric_limits<std::int64_t>::max();
constexpr auto k_yield = std::chrono::milliseconds(5);

// A row to remove: its key (text, or an integer id), its region ("" when not regional), and
// where it sits in the kind's order (time, then key) for the keyset.
struct Victim {
  std::string key;
  std::int64_t id = 0;
  std::string region;
  std::int64_t at = 0;
};

// One kind of row other than scans. `select` yields key, region, time; takes :cutoff,
// :after_at, :after_key and :limit. `remove` deletes one row (:key) and re-checks with
// :cutoff that it is still a victim.
struct Kind {
  const char* name;
  bool integer_key;
  std::string select;
  std::string remove;
  std::int64_t cutoff;
};

std::vector<Kind> kinds_for(const RetentionPolicy& p, TimePoint now) {
  auto cutoff = [&](const std::optional<Millis>& age) { return to_epoch_ms(now - *age); };
  auto by_time = [](const char* table, const char* key, const char* region, const char* at) {
    // "at >= :after_at" repeats the row-value test so that the index range starts there.
    return std::string("SELECT ") + key + ", " + region + ", " + at + " FROM " + table + " WHERE " + at +
           " < :cutoff AND " + at + " >= :after_at AND (" + at + ", " + key + ") > (:after_at, :after_key) ORDER BY " +
           at + ", " + key + " LIMIT :limit";
  };
  std::vector<Kind> kinds;
  if (p.snapshots_older_than) {
    // Never an event's newest snapshot: sync compares against it.
    const std::string newer = "EXISTS (SELECT 1 FROM snapshots n WHERE n.region = s.region AND n.event_id = "
                              "s.event_id AND (n.taken_at, n.id) > (s.taken_at, s.id))";
    kinds.push_back({"snapshots", true,
                     "SELECT id, region, taken_at FROM snapshots s WHERE taken_at < :cutoff AND taken_at >= :after_at "
                     "AND (taken_at, id) > (:after_at, :after_key) AND " + newer + " ORDER BY taken_at, id LIMIT :limit",
                     "DELETE FROM snapshots AS s WHERE id = :key AND taken_at < :cutoff AND " + newer,
                     cutoff(p.snapshots_older_than)});
  }
  if (p.ledger_older_than) {
    // Never a key's newest row, nor its newest row with a known remaining (what
    // latest_per_key reads): budget must still know each key's last figures.
    const std::string newer = "EXISTS (SELECT 1 FROM ledger n WHERE n.key_id = l.key_id AND (n.at, n.id) > (l.at, l.id)) "
                              "AND (l.remaining IS NULL OR EXISTS (SELECT 1 FROM ledger n WHERE n.key_id = l.key_id "
                              "AND n.remaining IS NOT NULL AND (n.at, n.id) > (l.at, l.id)))";
    kinds.push_back({"ledger", true,
                     "SELECT id, region, at FROM ledger l WHERE at < :cutoff AND at >= :after_at "
                     "AND (at, id) > (:after_at, :after_key) AND " + newer + " ORDER BY at, id LIMIT :limit",
                     "DELETE FROM ledger AS l WHERE id = :key AND at < :cutoff AND " + newer, cutoff(p.ledger_older_than)});
  }
  if (p.alerts_older_than)
    kinds.push_back({"alerts", false, by_time("alerts", "key", "''", "sent_at"),
                     "DELETE FROM alerts WHERE key = :key AND sent_at < :cutoff", cutoff(p.alerts_older_than)});
  if (p.heartbeats_older_than)
    kinds.push_back({"heartbeats", false, by_time("heartbeats", "worker_id", "''", "last_cycle_at"),
                     "DELETE FROM heartbeats WHERE worker_id = :key AND last_cycle_at < :cutoff",
                     cutoff(p.heartbeats_older_than)});
  // Expired leases always; a held one (expires_at > now) never. "<=": :cutoff is now + 1.
  kinds.push_back({"leases", false, by_time("leases", "name", "''", "expires_at"),
                   "DELETE FROM leases WHERE name = :key AND expires_at < :cutoff", to_epoch_ms(now) + 1});
  return kinds;
}

void bind_key(SQLite::Statement& st, const char* name, const Victim& v, bool integer_key) {
  if (integer_key)
    st.bind(name, static_cast<int64_t>(v.id));
  else
    st.bind(name, v.key);
}

std::vector<Victim> select_victims(SQLite::Database& db, const Kind& kind, const Victim& after, std::int64_t limit) {
  SQLite::Statement st(db, kind.select);
  st.bind(":cutoff", static_cast<int64_t>(kind.cutoff));
  st.bind(":after_at", static_cast<int64_t>(after.at));
  bind_key(st, ":after_key", after, kind.integer_key);
  st.bind(":limit", static_cast<int64_t>(limit));
  std::vector<Victim> out;
  while (st.executeStep()) {
    Victim v;
    if (kind.integer_key)
      v.id = st.getColumn(0).getInt64();
    else
      v.key = st.getColumn(0).getString();
    v.region = st.getColumn(1).getString();
    v.at = st.getColumn(2).getInt64();
    out.push_back(std::move(v));
  }
  return out;
}

std::int64_t ms_since(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

// Before every row: the first cursor of a keyset walk ("" sorts before every text key).
Victim first_cursor() {
  Victim v;
  v.at = std::numeric_limits<std::int64_t>::min();
  v.id = std::numeric_limits<std::int64_t>::min();
  return v;
}

}  // namespace

CleanupReport SqliteStore::cleanup(const RetentionPolicy& policy, TimePoint now, bool dry_run) {
  CleanupReport report;
  report.dry_run = dry_run;
  for (const char* k : {"scans", "opportunities", "snapshots", "ledger"}) report.removed[k];
  for (const char* k : {"leases", "alerts", "heartbeats"}) report.removed[k][""] = 0;
  const std::int64_t batch = dry_run ? -1 : std::max(1, policy.batch_size);  // -1: no limit
  report.bytes_before = locked("cleanup", [&](SQLite::Database& db) {
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    return size_bytes(db);
  });
  auto pause = [&] {
    if (!dry_run) std::this_thread::sleep_for(k_yield);
  };

  // Scans (with their opportunities): sqlite_cleanup_scans.cpp.
  sqlite_cleanup::ScanRule rule;
  rule.keep = std::max(0, policy.keep_last_scans);
  rule.cutoff = policy.scans_older_than ? to_epoch_ms(now - *policy.scans_older_than) : k_no_cutoff;
  std::map<std::string, sqlite_cleanup::ScanCursor> scan_cursors;
  for (bool more = true; more;) {
    const auto t0 = std::chrono::steady_clock::now();
    auto victims = locked("cleanup", [&](SQLite::Database& db) {
      SQLite::Transaction read(db);  // deferred: a read snapshot, no write lock
      return sqlite_cleanup::choose_scans(db, rule, scan_cursors, batch);
    });
    if (victims.empty()) break;
    const auto t1 = std::chrono::steady_clock::now();
    locked("cleanup", [&](SQLite::Database& db) {
      if (dry_run) {
        SQLite::Transaction read(db);
        sqlite_cleanup::remove_scans(db, rule, victims, true, report);
        return;
      }
      auto tx = write_txn(db);
      sqlite_cleanup::remove_scans(db, rule, victims, false, report);
      tx.commit();
    });
    spdlog::debug("cleanup: {} scans chosen in {} ms, removed in {} ms", victims.size(), ms_since(t0, t1),
                  ms_since(t1, std::chrono::steady_clock::now()));
    more = static_cast<std::int64_t>(victims.size()) == batch;
    pause();
  }

  for (const Kind& kind : kinds_for(policy, now)) {
    Victim cursor = first_cursor();
    for (bool more = true; more;) {
      auto victims = locked("cleanup", [&](SQLite::Database& db) {
        SQLite::Transaction read(db);
        return select_victims(db, kind, cursor, batch);
      });
      if (victims.empty()) break;
      cursor = victims.back();
      more = static_cast<std::int64_t>(victims.size()) == batch;
      if (dry_run) {
        for (const auto& v : victims) report.removed[kind.name][v.region] += 1;
        continue;
      }
      locked("cleanup", [&](SQLite::Database& db) {
        auto tx = write_txn(db);
        SQLite::Statement remove(db, kind.remove);
        for (const auto& v : victims) {
          remove.reset();
          bind_key(remove, ":key", v, kind.integer_key);
          remove.bind(":cutoff", static_cast<int64_t>(kind.cutoff));
          if (remove.exec() > 0) report.removed[kind.name][v.region] += 1;
        }
        tx.commit();
      });
      pause();
    }
  }

  report.bytes_after = locked("cleanup", [&](SQLite::Database& db) {
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    return size_bytes(db);
  });
  return report;
}

void SqliteStore::compact() {
  locked("compact", [&](SQLite::Database& db) {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.exec("VACUUM");
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  });
}

StoreInfo SqliteStore::info() {
  return locked("info", [&](SQLite::Database& db) {
    SQLite::Transaction tx(db);
    StoreInfo info;
    info.backend = "sqlite";
    info.location = m_path;
    info.schema_version = sqlite_schema::current_version(db);
    const std::pair<const char*, const char*> tables[] = {
        {"scans", "scans"},     {"opportunities", "opportunities"}, {"snapshots", "snapshots"},
        {"ledger", "ledger"},   {"leases", "leases"},               {"alerts", "alerts"},
        {"heartbeats", "heartbeats"}, {"tracked", "tracked_events"}, {"meta", "meta"},
        {"latest_good", "latest_good"}};
    for (const auto& [kind, table] : tables)
      info.counts[kind] = db.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
    info.size_bytes = size_bytes(db);
    return info;
  });
}

}  // namespace oddsctl
