// Retention in the SQLite store: cleanup in short transactions, compaction, size and counts.
//
// A writer waiting behind a cleanup waits for one short transaction at most: each holds the
// write lock for about k_hold, then frees it for k_gap, which a waiting writer takes (the
// store's busy handler tries every 250 us). How many rows fit in k_hold is measured as
// it goes (Pacer), so a slow disk or a busy machine makes the chunks smaller, not the wait
// longer; policy.batch_size caps the rows of one transaction.
// - Scans (with their opportunities) are deleted oldest first over every region, chunk by
//   chunk, each chunk one statement that applies the rules as it deletes (never a region's
//   latest good scan, never the newest keep_last of a region): see sqlite_cleanup_scans.cpp.
//   Oldest first frees the pages in the order they were written, as one big DELETE would.
// - Other rows are chosen in a READ transaction (in WAL mode it runs beside a writer) and
//   deleted in a write transaction, each DELETE re-checking the rules another process may
//   have changed meanwhile (never a held lease, never a key's newest ledger row, never a row
//   written again since: a newer time, a newer snapshot).
// A cleanup killed half-way leaves a consistent store: whole transactions, whole scans
// (their opportunities go in the same transaction). Victims are walked in keyset order
// (after the last one seen), so a row that a rule spares is not looked at again. A dry run
// chooses with the same rules without a limit and counts: on unchanged data exactly what a
// real run removes.
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

namespace oddsctl::store {

using namespace sqlite_util;

namespace {

constexpr std::int64_t k_no_cutoff = std::numeric_limits<std::int64_t>::max();
using SteadyClock = std::chrono::steady_clock;
constexpr auto k_hold = std::chrono::milliseconds(15);  // the write lock per transaction, about
constexpr auto k_gap = std::chrono::milliseconds(1);    // free between two transactions
// Checkpoint the WAL every this many pages during a cleanup (SQLite's default is 1000): a
// checkpoint syncs the file twice, and a cleanup writes many pages. Writers are not held up
// by one (it runs after the lock is released).
constexpr int k_cleanup_checkpoint_pages = 16384;

// Sizes the chunks of rows deleted under the write lock from the time they have taken: a
// chunk aims at a quarter of k_hold, so a transaction ends within about k_hold.
class Pacer {
public:
  explicit Pacer(std::int64_t cap) : m_cap(std::max<std::int64_t>(1, cap)) { m_chunk = std::min(m_chunk, m_cap); }
  std::int64_t chunk() const { return m_chunk; }
  // How long the next chunk should take.
  SteadyClock::duration expected() const { return m_per_row * m_chunk; }
  void measured(std::int64_t rows, SteadyClock::duration took) {
    if (rows <= 0) return;
    m_per_row = std::max(SteadyClock::duration(1), took / rows);
    const std::int64_t fit = (k_hold / 4) / m_per_row;
    m_chunk = std::clamp<std::int64_t>(fit, std::min<std::int64_t>(16, m_cap), m_cap);
  }

private:
  std::int64_t m_cap;
  std::int64_t m_chunk = 64;
  SteadyClock::duration m_per_row = std::chrono::microseconds(50);
};

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
    const std::string newer =
        "EXISTS (SELECT 1 FROM snapshots n WHERE n.region = s.region AND n.event_id = "
        "s.event_id AND (n.taken_at, n.id) > (s.taken_at, s.id))";
    kinds.push_back({"snapshots", true,
                     "SELECT id, region, taken_at FROM snapshots s WHERE taken_at < :cutoff AND taken_at >= :after_at "
                     "AND (taken_at, id) > (:after_at, :after_key) AND " +
                         newer + " ORDER BY taken_at, id LIMIT :limit",
                     "DELETE FROM snapshots AS s WHERE id = :key AND taken_at < :cutoff AND " + newer,
                     cutoff(p.snapshots_older_than)});
  }
  if (p.ledger_older_than) {
    // Never a key's newest row, nor its newest row with a known remaining (what
    // latest_per_key reads): budget must still know each key's last figures.
    const std::string newer =
        "EXISTS (SELECT 1 FROM ledger n WHERE n.key_id = l.key_id AND (n.at, n.id) > (l.at, l.id)) "
        "AND (l.remaining IS NULL OR EXISTS (SELECT 1 FROM ledger n WHERE n.key_id = l.key_id "
        "AND n.remaining IS NOT NULL AND (n.at, n.id) > (l.at, l.id)))";
    kinds.push_back({"ledger", true,
                     "SELECT id, region, at FROM ledger l WHERE at < :cutoff AND at >= :after_at "
                     "AND (at, id) > (:after_at, :after_key) AND " +
                         newer + " ORDER BY at, id LIMIT :limit",
                     "DELETE FROM ledger AS l WHERE id = :key AND at < :cutoff AND " + newer,
                     cutoff(p.ledger_older_than)});
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
  if (integer_key) st.bind(name, static_cast<int64_t>(v.id));
  else st.bind(name, v.key);
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
    if (kind.integer_key) v.id = st.getColumn(0).getInt64();
    else v.key = st.getColumn(0).getString();
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
  const std::int64_t cap = std::max(1, policy.batch_size);
  report.bytes_before = locked("cleanup", [&](SQLite::Database& db) {
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    return size_bytes(db);
  });
  // Fewer checkpoints while this runs, SQLite's default again after, whatever happens.
  struct Checkpoints {
    SqliteStore& store;
    bool set;
    ~Checkpoints() {
      if (!set) return;
      try {
        store.locked("cleanup", [](SQLite::Database& db) { db.exec("PRAGMA wal_autocheckpoint=1000"); });
      } catch (const std::exception& e) {
        spdlog::debug("cleanup: wal_autocheckpoint not restored: {}", e.what());
      }
    }
  } checkpoints{*this, !dry_run};
  if (!dry_run)
    locked("cleanup", [](SQLite::Database& db) {
      db.exec("PRAGMA wal_autocheckpoint=" + std::to_string(k_cleanup_checkpoint_pages));
    });
  auto pause = [] { std::this_thread::sleep_for(k_gap); };

  // Scans (with their opportunities): sqlite_cleanup_scans.cpp.
  sqlite_cleanup::ScanRule rule;
  rule.keep = std::max(0, policy.keep_last_scans);
  rule.cutoff = policy.scans_older_than ? to_epoch_ms(now - *policy.scans_older_than) : k_no_cutoff;
  if (dry_run) {
    locked("cleanup", [&](SQLite::Database& db) {
      SQLite::Transaction read(db);
      std::map<std::string, sqlite_cleanup::ScanCursor> cursors;
      sqlite_cleanup::count_scans(db, sqlite_cleanup::choose_scans(db, rule, cursors, -1), report);
    });
  }
  Pacer scan_pace(cap);
  sqlite_cleanup::ScanWalk walk;
  sqlite_cleanup::ScanDeleter deleter;
  for (bool more = !dry_run; more;) {
    locked("cleanup", [&](SQLite::Database& db) {
      auto tx = write_txn(db);
      const auto start = SteadyClock::now();
      // The boundaries hold for the transaction: it deletes only scans older than them.
      const auto boundaries = rule.keep > 0 ? sqlite_cleanup::keep_boundaries(db, rule.keep)
                                            : std::map<std::string, sqlite_cleanup::ScanCursor>{};
      std::int64_t in_tx = 0;
      for (;;) {
        const std::int64_t chunk = std::min(scan_pace.chunk(), cap - in_tx);
        const auto t0 = SteadyClock::now();
        const std::int64_t n = deleter.delete_oldest(db, rule, boundaries, walk, chunk, report);
        scan_pace.measured(n, SteadyClock::now() - t0);
        in_tx += n;
        if (n < chunk) {
          more = false;
          break;
        }
        if (in_tx >= cap || SteadyClock::now() - start + scan_pace.expected() > k_hold) break;
      }
      tx.commit();
      spdlog::debug("cleanup: {} scans removed in {} ms", in_tx, ms_since(start, SteadyClock::now()));
    });
    if (more) pause();
  }

  for (const Kind& kind : kinds_for(policy, now)) {
    Victim cursor = first_cursor();
    Pacer pace(cap);
    for (bool more = true; more;) {
      const std::int64_t batch = dry_run ? -1 : pace.chunk();  // -1: no limit
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
        const auto t0 = SteadyClock::now();
        SQLite::Statement remove(db, kind.remove);
        for (const auto& v : victims) {
          remove.reset();
          bind_key(remove, ":key", v, kind.integer_key);
          remove.bind(":cutoff", static_cast<int64_t>(kind.cutoff));
          if (remove.exec() > 0) report.removed[kind.name][v.region] += 1;
        }
        tx.commit();
        // A whole transaction per chunk here: aim it at k_hold, not a quarter of it.
        pace.measured(static_cast<std::int64_t>(victims.size()), (SteadyClock::now() - t0) / 4);
      });
      if (more) pause();
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
    const std::pair<const char*, const char*> tables[] = {{"scans", "scans"},
                                                          {"opportunities", "opportunities"},
                                                          {"snapshots", "snapshots"},
                                                          {"ledger", "ledger"},
                                                          {"leases", "leases"},
                                                          {"alerts", "alerts"},
                                                          {"heartbeats", "heartbeats"},
                                                          {"tracked", "tracked_events"},
                                                          {"meta", "meta"},
                                                          {"latest_good", "latest_good"}};
    for (const auto& [kind, table] : tables)
      info.counts[kind] = db.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
    info.size_bytes = size_bytes(db);
    return info;
  });
}

}  // namespace oddsctl::store
