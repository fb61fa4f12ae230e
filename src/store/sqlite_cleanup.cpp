// Retention in the SQLite store: cleanup in small transactions, compaction, size and counts.
//
// Each kind of row is removed by repeating "select up to batch_size victims, delete them" in
// its own BEGIN IMMEDIATE transaction, releasing the connection between batches: a cleanup
// killed half-way leaves a consistent store, and another writer waits at most one batch.
// The victims are chosen by the same query in a dry run (without a limit), so a dry run
// counts exactly what a real run on the same data removes.
#include <limits>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "store/sqlite_schema.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl {

using namespace sqlite_util;

namespace {

constexpr std::int64_t k_no_cutoff = std::numeric_limits<std::int64_t>::max();

// One kind of row to remove. `select` yields the key column(s) then the region, oldest
// first, and takes :cutoff, :keep and :limit where it needs them; `remove` deletes one row by
// key (?1, ?2) and re-checks the condition so that a row revived meanwhile stays.
struct Kind {
  const char* name;
  int key_columns;
  std::string select;
  std::string remove;
  std::int64_t cutoff;
};

std::vector<Kind> kinds_for(const RetentionPolicy& p, TimePoint now) {
  auto cutoff = [&](const std::optional<Millis>& age) { return age ? to_epoch_ms(now - *age) : k_no_cutoff; };
  std::vector<Kind> kinds;
  // Scans: beyond the newest keep_last of their region, older than the cutoff when one is
  // set, and never the region's latest good scan.
  kinds.push_back({"scans", 2,
                   "SELECT scan_id, region, region FROM (SELECT scan_id, region, started_at, row_number() OVER "
                   "(PARTITION BY region ORDER BY started_at DESC, scan_id DESC) AS rn FROM scans) c "
                   "WHERE rn > :keep AND started_at < :cutoff AND NOT EXISTS (SELECT 1 FROM latest_good g "
                   "WHERE g.region = c.region AND g.scan_id = c.scan_id) ORDER BY started_at, scan_id LIMIT :limit",
                   "DELETE FROM scans WHERE scan_id = ?1 AND region = ?2 AND NOT EXISTS (SELECT 1 FROM latest_good "
                   "g WHERE g.region = ?2 AND g.scan_id = ?1)",
                   p.scans_older_than ? cutoff(p.scans_older_than) : k_no_cutoff});
  if (p.snapshots_older_than)
    // Never an event's newest snapshot: sync compares against it.
    kinds.push_back({"snapshots", 1,
                     "SELECT id, region FROM snapshots s WHERE taken_at < :cutoff AND EXISTS (SELECT 1 FROM "
                     "snapshots n WHERE n.region = s.region AND n.event_id = s.event_id AND (n.taken_at > "
                     "s.taken_at OR (n.taken_at = s.taken_at AND n.id > s.id))) ORDER BY taken_at, id LIMIT :limit",
                     "DELETE FROM snapshots WHERE id = ?1", cutoff(p.snapshots_older_than)});
  if (p.ledger_older_than)
    kinds.push_back({"ledger", 1, "SELECT id, region FROM ledger WHERE at < :cutoff ORDER BY at, id LIMIT :limit",
                     "DELETE FROM ledger WHERE id = ?1", cutoff(p.ledger_older_than)});
  if (p.alerts_older_than)
    kinds.push_back({"alerts", 1,
                     "SELECT key, '' FROM alerts WHERE sent_at < :cutoff ORDER BY sent_at, key LIMIT :limit",
                     "DELETE FROM alerts WHERE key = ?1", cutoff(p.alerts_older_than)});
  if (p.heartbeats_older_than)
    kinds.push_back({"heartbeats", 1,
                     "SELECT worker_id, '' FROM heartbeats WHERE last_cycle_at < :cutoff "
                     "ORDER BY last_cycle_at, worker_id LIMIT :limit",
                     "DELETE FROM heartbeats WHERE worker_id = ?1", cutoff(p.heartbeats_older_than)});
  // Expired leases always; a held one (expires_at > now) never.
  kinds.push_back({"leases", 1,
                   "SELECT name, '' FROM leases WHERE expires_at <= :cutoff ORDER BY expires_at, name LIMIT :limit",
                   "DELETE FROM leases WHERE name = ?1 AND expires_at <= " + std::to_string(to_epoch_ms(now)),
                   to_epoch_ms(now)});
  return kinds;
}

struct Victim {
  std::string key[2];
  std::string region;
};

std::vector<Victim> select_victims(SQLite::Database& db, const Kind& kind, int keep, std::int64_t limit) {
  SQLite::Statement st(db, kind.select);
  st.bind(":cutoff", static_cast<int64_t>(kind.cutoff));
  st.bind(":limit", static_cast<int64_t>(limit));
  if (kind.select.find(":keep") != std::string::npos) st.bind(":keep", keep);
  std::vector<Victim> out;
  while (st.executeStep()) {
    Victim v;
    for (int i = 0; i < kind.key_columns; ++i) v.key[i] = st.getColumn(i).getString();
    v.region = st.getColumn(kind.key_columns).getString();
    out.push_back(std::move(v));
  }
  return out;
}

// Removes (or, dry, counts) the victims and the opportunities of victim scans.
void apply(SQLite::Database& db, const Kind& kind, const std::vector<Victim>& victims, bool dry_run,
           CleanupReport& report) {
  bool scans = std::string(kind.name) == "scans";
  SQLite::Statement remove(db, kind.remove);
  SQLite::Statement opps(db, dry_run ? "SELECT count(*) FROM opportunities WHERE scan_id = ?1 AND region = ?2"
                                     : "DELETE FROM opportunities WHERE scan_id = ?1 AND region = ?2");
  for (const auto& v : victims) {
    if (scans) {
      opps.reset();
      opps.bind(1, v.key[0]);
      opps.bind(2, v.key[1]);
      std::int64_t n = dry_run ? (opps.executeStep(), opps.getColumn(0).getInt64()) : opps.exec();
      if (n > 0) report.removed["opportunities"][v.region] += n;
    }
    if (!dry_run) {
      remove.reset();
      for (int i = 0; i < kind.key_columns; ++i) remove.bind(i + 1, v.key[i]);
      if (remove.exec() == 0) continue;
    }
    report.removed[kind.name][v.region] += 1;
  }
}

}  // namespace

CleanupReport SqliteStore::cleanup(const RetentionPolicy& policy, TimePoint now, bool dry_run) {
  CleanupReport report;
  report.dry_run = dry_run;
  for (const char* k : {"scans", "opportunities", "snapshots", "ledger"}) report.removed[k];
  for (const char* k : {"leases", "alerts", "heartbeats"}) report.removed[k][""] = 0;
  int keep = std::max(0, policy.keep_last_scans);
  std::int64_t batch = std::max(1, policy.batch_size);
  report.bytes_before = locked("cleanup", [&](SQLite::Database& db) {
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    return size_bytes(db);
  });
  for (const Kind& kind : kinds_for(policy, now)) {
    if (dry_run) {
      locked("cleanup", [&](SQLite::Database& db) {
        SQLite::Transaction tx(db);
        apply(db, kind, select_victims(db, kind, keep, -1), true, report);
      });
      continue;
    }
    for (bool more = true; more;) {
      // The lock is released between batches, so this Store's other users interleave too.
      locked("cleanup", [&](SQLite::Database& db) {
        auto tx = write_txn(db);
        auto victims = select_victims(db, kind, keep, batch);
        apply(db, kind, victims, false, report);
        tx.commit();
        more = static_cast<std::int64_t>(victims.size()) == batch;
      });
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
