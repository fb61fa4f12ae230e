// The PostgreSQL Store's class, shared by the files of src/store/pg/.
//
// DESIGN
// - The same tables as the SQLite store (times as BIGINT epoch milliseconds, JSON as TEXT,
//   opportunities in their own table), in the URI's schema (default public).
// - One connection per Store object, serialised by a mutex; every call is one transaction
//   (conn.hpp says why that is what a transaction pooler needs).
// - A region's scan, its opportunities and its latest-good pointer are written in one
//   transaction holding pg_advisory_xact_lock on the region: writers of one region queue,
//   other regions never wait, and cleanup takes the same lock before it removes a region's
//   scans, so it never removes a scan that a concurrent save is making the latest good.
// - Leases are rows: INSERT ... ON CONFLICT DO UPDATE ... WHERE (expired or ours), one
//   statement, atomic across machines. Their clock is the server's (see lease_now_ms).
// - Credit reservations lock the key's row (SELECT ... FOR UPDATE) for the check-and-insert.
// - Schema migrations run in one transaction under pg_advisory_xact_lock: two runners
//   upgrading at once apply each step once, the second sees the result.
#pragma once

#include <mutex>
#include <string>
#include <type_traits>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"
#include "store/pg/conn.hpp"

namespace oddsctl::store::pg {

class PgStore final : public Store {
public:
  PgStore(Target target, OpenMode mode);
  ~PgStore() override;

  void save_scan(const RegionScan& scan) override;
  using Store::latest_good;
  std::optional<RegionScan> latest_good(const std::string& region, ScanSource source) override;
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

  // A per-store key for pg_advisory_xact_lock: "<schema>:<what>" hashed by the server.
  std::string lock_key(const std::string& what) const { return "oddsctl:" + m_conn.target().schema + ":" + what; }

private:
  // Runs fn(tx) in one transaction holding the mutex; failures become
  // StoreError("postgresql <uri>: <op>: <cause>"). A StoreError passes through unchanged.
  template <class F>
  void run(const char* op, TxKind kind, F&& fn, const std::string& prelude = "") {
    std::lock_guard<std::mutex> lock(m_mutex);
    try {
      m_conn.transaction(
          kind, [&](Tx& tx) { fn(tx); }, prelude);
    } catch (const StoreError&) {
      throw;
    } catch (const std::exception& e) {
      throw fail(op, e.what());
    }
  }
  void write(const char* op, const std::function<void(Tx&)>& fn, const std::string& prelude = "") {
    if (m_mode == OpenMode::read_only) throw fail(op, "the store was opened read-only");
    run(op, TxKind::read_write, fn, prelude);
  }
  // A prelude that takes the advisory lock `what` (lock_key) with BEGIN, in one round trip.
  std::string lock_prelude(const std::string& what) const {
    return "SELECT pg_advisory_xact_lock(hashtext(" + quote_literal(lock_key(what)) + "))";
  }
  void read(const char* op, const std::function<void(Tx&)>& fn, TxKind kind = TxKind::read_only) { run(op, kind, fn); }
  StoreError fail(const char* op, const std::string& cause) const;
  void open_schema();
  void migrate_schema();

  Conn m_conn;
  OpenMode m_mode;
  std::string m_label;  // "postgresql <redacted uri>"
  std::mutex m_mutex;
};

// The milliseconds a lease operation counts from. A caller's `now` within a few seconds of
// this machine's clock means "now": the server's clock is used instead (nullopt), so runners
// on machines whose clocks disagree still agree on who holds a lease. A `now` further off is
// a simulated time (tests, replays) and is taken as given.
std::optional<std::int64_t> lease_now_ms(TimePoint now);
// SQL for "the operation's now": $n when given, else the server's clock.
std::string now_sql(int param);

}  // namespace oddsctl::store::pg
