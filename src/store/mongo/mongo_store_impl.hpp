// The MongoDB Store's class. Private to src/store/mongo/ (and the unit tests).
//
// Thread safety: the only shared state is the client pool, which libmongoc makes
// thread-safe; each Store call borrows one client (Conn) for its duration.
#pragma once

#include <string>

#include "oddsctl/store.hpp"
#include "store/mongo/conn.hpp"
#include "store/mongo/handles.hpp"
#include "store/mongo/uri.hpp"

namespace oddsctl::store::mongo {

// The schema version this binary writes; a database marked newer is refused.
// 2: scans carry source and empty, latest_good holds a pointer per (region, source). A
// schema 1 database needs no rewrite (absent fields read as live and none, and live pointers
// keep their ids); the mark keeps an older oddsctl, which would take every source's scan
// for live, from using it.
constexpr int k_schema_version = 2;

class MongoStore final : public Store {
public:
  // Connects (one ping, bounded by serverSelectionTimeoutMS) and creates the collections
  // and indexes when the database is not yet marked with k_schema_version.
  // read_only: connects and checks the mark only, creating nothing.
  explicit MongoStore(MongoTarget target, OpenMode mode = OpenMode::read_write);

  void save_scan(const RegionScan& scan) override;
  using Store::latest_good;  // latest_good(region): live; not hidden by the override below
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

  // store/mongo/mongo_credits.cpp
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
  Conn conn() const { return Conn(m_pool.get(), m_target.database, m_label); }
  void ensure_schema(OpenMode mode);
  std::int64_t data_size(const Conn& c) const;

  MongoTarget m_target;
  std::string m_label;  // "mongodb <uri without password>", the prefix of every error
  PoolHandle m_pool;
};

}  // namespace oddsctl::store::mongo
