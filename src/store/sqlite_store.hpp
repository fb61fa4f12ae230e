// The SQLite Store: one file, one connection per object, serialised by a mutex.
//
// Concurrency: WAL journal (readers never block the writer), a busy timeout so that a second
// process waits instead of failing, and BEGIN IMMEDIATE for every write so that two writers
// queue on the busy timeout rather than failing on a read-to-write lock upgrade.
// This header is private to src/ (and the tests): no sqlite3 type leaks into include/.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <nlohmann/json.hpp>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"
#include "store/sqlite_util.hpp"

struct sqlite3_stmt;

namespace oddsctl::store {

class SqliteStore final : public Store {
public:
  // read_write: creates the file (0600) and its folder (0700) when missing, sets the pragmas
  // and brings the schema up to date. read_only: opens an existing file without writing to
  // it (SQLITE_OPEN_READONLY; `immutable` when not even the -shm file can be made); a missing
  // or empty file is "no store at PATH: run a scan first". Either way StoreError when it
  // cannot, when the file is not an oddsctl store (another program's tables: refused before
  // anything is written), or when its schema is newer than this binary knows.
  explicit SqliteStore(std::string path, OpenMode mode = OpenMode::read_write);
  ~SqliteStore() override;

  const std::string& path() const { return m_path; }

  void save_scan(const RegionScan& scan) override;
  using Store::latest_good;  // latest_good(region): live; not hidden by the override below
  std::optional<RegionScan> latest_good(const std::string& region, ScanSource source) override;
  std::optional<StoredScan> latest_good_stored(const std::string& region, ScanSource source) override;
  std::optional<StoredScan> latest_good_deferred(const std::string& region, ScanSource source) override;
  bool served_texts(const RegionScan& scan, const std::function<void()>& begin,
                    const std::function<void(std::string_view)>& text) override;
  std::vector<RegionScan> list_scans(const ScanQuery& query) override;
  std::vector<RegionScan> get_scan(const std::string& scan_id) override;
  void invalidate(const std::optional<std::string>& region) override;

  LeaseResult acquire_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) override;
  bool renew_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) override;
  LeaseResult acquire_lease_from(const std::string& name, const std::string& owner, const std::string& dead_owner,
                                 Millis ttl, TimePoint now) override;
  void release_lease(const std::string& name, const std::string& owner) override;
  std::vector<Lease> list_leases() override;

  void append_ledger(const std::vector<LedgerEntry>& entries) override;
  std::vector<LedgerEntry> ledger(const LedgerQuery& query) override;
  std::vector<LedgerEntry> latest_per_key() override;

  CreditGrant reserve_credits(const CreditRequest& request) override;
  void settle_credits(const CreditHold& hold, std::int64_t charged, const Credits& credits, TimePoint now) override;
  void release_credits(const CreditHold& hold) override;

  void upsert_tracked(const std::vector<TrackedEvent>& events) override;
  std::vector<TrackedEvent> list_tracked(const TrackedQuery& query) override;
  int set_pin(const std::string& event_id, const std::optional<std::string>& region, std::optional<Tier> tier) override;
  void record_sync(const std::vector<SyncOutcome>& outcomes) override;
  std::vector<Snapshot> snapshots(const SnapshotQuery& query) override;
  void import_snapshots(const std::vector<Snapshot>& snapshots) override;

  std::optional<std::string> get_meta(const std::string& key) override;
  void set_meta(const std::string& key, const std::string& value) override;
  std::optional<std::map<std::string, std::string>> list_meta() override;

  std::optional<AlertMark> get_alert(const std::string& key) override;
  void mark_alert(const AlertMark& mark) override;
  std::vector<AlertMark> list_alerts() override;

  void heartbeat(const Heartbeat& hb) override;
  std::vector<Heartbeat> heartbeats() override;

  CleanupReport cleanup(const RetentionPolicy& policy, TimePoint now, bool dry_run) override;
  void compact() override;
  StoreInfo info() override;
  std::vector<std::string> check() override;

private:
  // Runs `fn(db)` holding the connection's mutex; library failures become
  // StoreError("sqlite <path>: <op>: <cause>"). A StoreError passes through unchanged.
  template <class F>
  auto locked(const char* op, F&& fn) -> std::invoke_result_t<F, SQLite::Database&> {
    std::lock_guard<std::mutex> lock(m_mutex);
    try {
      return fn(*m_db);
    } catch (const StoreError&) {
      throw;
    } catch (const std::exception& e) {  // SQLite, JSON, or a bad stored value: a store failure
      throw fail(op, e.what());
    }
  }
  // locked(), inside one write transaction (BEGIN IMMEDIATE) that commits when fn returns;
  // a throw rolls it back.
  template <class F>
  auto writing(const char* op, F&& fn) -> std::invoke_result_t<F, SQLite::Database&> {
    return locked(op, [&](SQLite::Database& db) {
      auto tx = sqlite_util::write_txn(db);
      if constexpr (std::is_void_v<std::invoke_result_t<F, SQLite::Database&>>) {
        fn(db);
        tx.commit();
      } else {
        auto result = fn(db);
        tx.commit();
        return result;
      }
    });
  }
  StoreError fail(const char* op, const std::string& cause) const;
  // `sql` prepared on the connection once and kept for the next call (reset, bindings
  // cleared), for statements a run repeats: preparing one costs more than running it. `sql`
  // must be a string that lives as long as the program (it is the key). Call under locked().
  sqlite3_stmt* reused(const char* sql);
  // latest_good_stored and latest_good_deferred: with `may_defer`, rows stored as served
  // are left in the store (StoredScan::deferred) rather than read.
  std::optional<StoredScan> read_latest_good(const std::string& region, ScanSource source, bool may_defer);
  std::int64_t size_bytes(SQLite::Database& db);

  void open_read_write();
  void open_read_only();

  std::string m_path;
  OpenMode m_mode;
  std::mutex m_mutex;
  std::unique_ptr<SQLite::Database> m_db;
  // Statements of m_db's connection (reused()): after m_db, so finalised before it closes,
  // and cleared wherever m_db is replaced.
  struct Reused {
    const char* sql;
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement;
  };
  std::vector<Reused> m_reused;
};

}  // namespace oddsctl::store
