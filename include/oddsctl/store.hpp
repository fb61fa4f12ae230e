// The Store: all state oddsctl keeps. One interface, one implementation per backend
// (SQLite always, MongoDB when built with libmongoc), chosen by URI scheme.
//
// Every method is atomic: it either does all of its work or none (a transaction in SQLite,
// single-document updates or a transaction in MongoDB). Failures throw StoreError with the
// backend, the operation and the cause in the message. Implementations are safe for use
// by several threads through one Store object (they serialise internally) and by several
// processes on one store.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/arbitrage.hpp"
#include "oddsctl/ledger.hpp"
#include "oddsctl/odds.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl {

enum class RegionStatus { ok, partial, failed, skipped };
const char* to_string(RegionStatus s);
RegionStatus region_status_from_string(const std::string& s);

// Where a scan's odds came from. Each region keeps a latest good result per source, and
// readers serve `live` unless asked otherwise: a demo or a replay never stands in for the
// API's answer.
enum class ScanSource { live, replay, demo, store };
const char* to_string(ScanSource s);
std::optional<ScanSource> scan_source_from_string(const std::string& s);

// Why a region's result holds no odds, when it holds none. `no_events` is the API's own
// empty answer (nothing on the board): a real, good result. `filtered` (every call came back
// empty because of the request's own filters, e.g. --bookmakers) and `no_snapshots`
// (--from-store with nothing synced) produced nothing usable: stored for the record, never
// the latest good result.
enum class EmptyReason { none, no_events, filtered, no_snapshots };
const char* to_string(EmptyReason r);  // "none", "no_events", "filtered", "no_snapshots"
std::optional<EmptyReason> empty_reason_from_string(const std::string& s);

// One region's part of one scan run.
struct RegionScan {
  std::string scan_id;   // shared by all regions of one run
  std::string region;
  std::string command = "scan";  // "scan", "cache-fallback", "scan-from-store"
  ScanSource source = ScanSource::live;
  EmptyReason empty = EmptyReason::none;
  std::string worker;            // host:pid or --worker-id
  TimePoint started_at{};
  std::int64_t duration_ms = 0;
  RegionStatus status = RegionStatus::ok;
  std::optional<std::string> error;
  std::vector<std::string> failed_sports;
  int requests = 0;
  std::optional<std::int64_t> credits_used;
  std::optional<std::int64_t> credits_remaining;
  int events = 0;
  int opportunity_count = 0;            // kept when opportunities are not loaded
  std::vector<Opportunity> opportunities;

  // ok or partial, and something usable came back: may become the latest good result.
  bool good() const {
    return (status == RegionStatus::ok || status == RegionStatus::partial) && empty != EmptyReason::filtered &&
           empty != EmptyReason::no_snapshots;
  }
};

// One stored opportunity as a reader that serves JSON takes it (`cache get --json`): the
// fields opportunities are filtered and ranked on, and either its text or, when the store
// keeps it in another form than this oddsctl writes (an older version's, another writer's),
// the opportunity read from it.
struct StoredOpportunity {
  std::string region;
  std::string sport_key;
  std::string event_id;
  std::string market;
  std::optional<double> point;
  OpportunityKind kind = OpportunityKind::arb;
  double score = 0;                 // opportunity_score()
  std::string value_outcome;        // kind value: the bet's outcome and book, else empty
  std::string value_bookmaker;
  // dump() of to_json(o) exactly, for an o that reads back as itself (to_json of what
  // opportunity_from_json reads from this text is this text again). Empty when `opportunity`
  // is set.
  std::string text;
  std::optional<Opportunity> opportunity;
};

// The fields of an opportunity read whole (no text).
StoredOpportunity stored_opportunity(Opportunity o);

// A region scan with its opportunities as StoredOpportunity (scan.opportunities is empty;
// scan.opportunity_count is as stored).
struct StoredScan {
  RegionScan scan;
  std::vector<StoredOpportunity> opportunities;
};

struct ScanQuery {
  std::optional<std::string> region;
  std::optional<TimePoint> since;       // started_at >= since
  std::optional<ScanSource> source;     // only scans of this source
  int limit = 100;                      // newest first; <= 0 means no limit
  bool with_opportunities = false;
};

struct Lease {
  std::string name;     // "scan:au", "sync:hot", ...
  std::string owner;    // host:pid or worker id
  TimePoint acquired_at{};
  TimePoint expires_at{};
};

struct LeaseResult {
  bool acquired = false;
  Lease lease;  // ours when acquired, else the holder's
};

enum class Tier { hot, warm, cold, frozen };
const char* to_string(Tier t);
std::optional<Tier> tier_from_string(const std::string& s);

// A tracked event: one event in one region.
struct TrackedEvent {
  std::string region;
  std::string event_id;
  std::string sport_key;
  std::string sport_title;
  std::string home_team;
  std::string away_team;
  TimePoint commence_time{};
  TimePoint discovered_at{};
  std::optional<Tier> pinned_tier;
  std::optional<TimePoint> last_synced_at;
  std::optional<TimePoint> last_changed_at;
  std::optional<TimePoint> last_attempt_at;
  std::string fingerprint;   // of the last stored snapshot, empty before the first
  int failures = 0;          // consecutive
  std::optional<std::string> last_error;
};

struct TrackedQuery {
  std::optional<std::string> region;
  std::optional<std::string> sport_key;
  std::optional<std::string> event_id;
  std::optional<TimePoint> commence_after;  // commence_time >= this
};

// The full odds of one event in one region at one moment.
struct Snapshot {
  std::string region;
  std::string event_id;
  std::string sport_key;
  TimePoint taken_at{};
  std::string fingerprint;
  Event event;
};

struct SnapshotQuery {
  std::optional<std::string> region;
  std::optional<std::string> sport_key;
  std::optional<std::string> event_id;
  std::optional<TimePoint> since;   // taken_at >= since
  bool latest_only = true;          // the newest snapshot per (region, event) only
};

// What one sync did for one event; applied together in one transaction.
struct SyncOutcome {
  std::string region;
  std::string event_id;
  TimePoint attempted_at{};
  bool ok = true;
  std::optional<std::string> error;       // when !ok: failures += 1, last_error
  std::string fingerprint;                // when ok
  std::optional<Snapshot> snapshot;       // when ok and changed: stored, last_changed_at set
};

struct AlertMark {
  std::string key;       // {region}:{event}:{market}:{point}
  TimePoint sent_at{};
  double profit_pct = 0;
};

struct Heartbeat {
  std::string worker_id;
  std::string host;
  int pid = 0;
  std::string command;
  TimePoint started_at{};
  TimePoint last_cycle_at{};
  std::int64_t cycles = 0;
  std::optional<std::string> last_error;
};

struct LedgerQuery {
  std::optional<std::string> key_id;
  std::optional<TimePoint> since;
  int limit = 0;  // <= 0: all; otherwise the newest `limit`, newest first
};

struct RetentionPolicy {
  int keep_last_scans = 100;                 // per region
  std::optional<Millis> scans_older_than;    // scans beyond keep_last go only if older too
  std::optional<Millis> snapshots_older_than;
  std::optional<Millis> ledger_older_than;
  std::optional<Millis> alerts_older_than;
  std::optional<Millis> heartbeats_older_than;
  int batch_size = 5000;                     // rows per transaction
};

// Counts per kind ("scans", "opportunities", "snapshots", "ledger", "leases", "alerts",
// "heartbeats") and, where it applies, per region ("" when not regional).
struct CleanupReport {
  std::map<std::string, std::map<std::string, std::int64_t>> removed;
  std::int64_t bytes_before = 0;
  std::int64_t bytes_after = 0;
  bool dry_run = false;
};

struct StoreInfo {
  std::string backend;       // "sqlite", "mongodb"
  std::string location;      // path or URI with credentials removed
  int schema_version = 0;
  std::map<std::string, std::int64_t> counts;  // per kind
  std::int64_t size_bytes = 0;
};

// --- credit reservations: budget guards across processes ---
// Before a call that costs credits, a guard reserves its estimated cost in the store; after
// the response it settles with the real cost, or releases the reservation when the call
// failed uncharged. The check is atomic across processes on one store, so several runs
// sharing a key cannot all pass it on the same figure. A reservation expires (ttl) so that
// one left by a killed process blocks nobody for long.

// One live reservation.
struct CreditHold {
  std::string key_id;
  std::string id;
};

struct CreditRequest {
  std::string key_id;                            // ApiKey::id()
  std::string owner;                             // host:pid or worker id (for the record)
  std::int64_t cost = 0;
  std::optional<std::int64_t> reserve;           // nullopt: never refused, only recorded
  // The caller's newest figure for the key and when the API reported it (nullopt: older
  // than any figure the store has). The store keeps the newer of its own and this one;
  // two figures within k_report_span (budget.hpp) of each other: the lower.
  std::optional<std::int64_t> known_remaining;
  std::optional<TimePoint> known_at;
  Millis ttl{std::chrono::minutes(2)};
  TimePoint now{};
};

struct CreditGrant {
  std::optional<CreditHold> hold;                // set when granted
  std::optional<std::int64_t> remaining;         // the key's figure the check used
  std::int64_t held = 0;                         // credits of other live reservations
  bool granted() const { return hold.has_value(); }
};

class CreditReservations {
public:
  virtual ~CreditReservations() = default;
  // Atomically: drops expired reservations, and reserves `cost` when the key's remaining
  // is unknown, or no reserve is asked, or remaining - held - cost >= reserve.
  virtual CreditGrant reserve_credits(const CreditRequest& request) = 0;
  // The call was answered: the reservation goes, the key's figure becomes the API's
  // (credits.remaining), else goes down by `charged`. Unknown or expired holds: only the figure.
  virtual void settle_credits(const CreditHold& hold, std::int64_t charged, const Credits& credits,
                              TimePoint now) = 0;
  // The call failed before it was charged.
  virtual void release_credits(const CreditHold& hold) = 0;
};

class Store : public CreditReservations {
public:
  ~Store() override = default;

  // --- scans ---
  // Stores one region's scan and its opportunities in one transaction. A good() scan becomes
  // the latest good result of its (region, source) unless that already names a scan that
  // started later; anything else never replaces it. skipped is not stored.
  virtual void save_scan(const RegionScan& scan) = 0;
  // The latest good scan of (region, source) with its opportunities; nullopt when none or
  // invalidated.
  virtual std::optional<RegionScan> latest_good(const std::string& region, ScanSource source) = 0;
  std::optional<RegionScan> latest_good(const std::string& region) { return latest_good(region, ScanSource::live); }
  // latest_good with the opportunities in the order stored, as StoredOpportunity: a backend
  // that keeps to_json's text hands it over without parsing it; one it cannot read is
  // skipped, as latest_good skips it. The default reads latest_good and gives each
  // opportunity whole.
  virtual std::optional<StoredScan> latest_good_stored(const std::string& region, ScanSource source);
  // Newest first.
  virtual std::vector<RegionScan> list_scans(const ScanQuery& query) = 0;
  // Every region of one run, with opportunities; empty when unknown.
  virtual std::vector<RegionScan> get_scan(const std::string& scan_id) = 0;
  // Drops the latest-good pointers of every source (nullopt = every region); deletes nothing else.
  virtual void invalidate(const std::optional<std::string>& region) = 0;

  // --- leases ---
  // Taken when free, expired, or already ours (then extended). Atomic across processes
  // (and machines, for shared backends).
  virtual LeaseResult acquire_lease(const std::string& name, const std::string& owner, Millis ttl,
                                    TimePoint now) = 0;
  // Extends a lease we hold; false when it is no longer ours.
  virtual bool renew_lease(const std::string& name, const std::string& owner, Millis ttl,
                           TimePoint now) = 0;
  // Takes the lease over from `dead_owner` (a holder known to be gone, see lease_owner_gone),
  // whatever its expiry: a conditional update that matches only while dead_owner still holds
  // it, so a live run that took it meanwhile keeps it. When dead_owner no longer holds it,
  // this is acquire_lease. Atomic like acquire_lease.
  virtual LeaseResult acquire_lease_from(const std::string& name, const std::string& owner,
                                         const std::string& dead_owner, Millis ttl, TimePoint now) = 0;
  virtual void release_lease(const std::string& name, const std::string& owner) = 0;
  virtual std::vector<Lease> list_leases() = 0;

  // --- budget ledger ---
  virtual void append_ledger(const std::vector<LedgerEntry>& entries) = 0;
  // Oldest first when limit <= 0; otherwise the newest `limit`, newest first.
  virtual std::vector<LedgerEntry> ledger(const LedgerQuery& query) = 0;
  // Per key id, the newest entry whose credits.remaining is known.
  virtual std::vector<LedgerEntry> latest_per_key() = 0;

  // --- tracked events, sync, snapshots ---
  // New events are inserted whole; known ones get teams, titles and commence_time updated
  // and keep their pin and sync state.
  virtual void upsert_tracked(const std::vector<TrackedEvent>& events) = 0;
  virtual std::vector<TrackedEvent> list_tracked(const TrackedQuery& query) = 0;
  // nullopt unpins. region nullopt: every region of that event. Returns events changed.
  virtual int set_pin(const std::string& event_id, const std::optional<std::string>& region,
                      std::optional<Tier> tier) = 0;
  // Applies a batch of sync results (and their snapshots) in one transaction.
  virtual void record_sync(const std::vector<SyncOutcome>& outcomes) = 0;
  virtual std::vector<Snapshot> snapshots(const SnapshotQuery& query) = 0;
  // For migration: stores snapshots as they are, touching no tracked event.
  virtual void import_snapshots(const std::vector<Snapshot>& snapshots) = 0;

  // --- small key/value state (discovery times, ...) ---
  virtual std::optional<std::string> get_meta(const std::string& key) = 0;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;
  // Every key/value, for `store migrate`. nullopt when the backend cannot list them (the
  // default, so that a backend without it still builds; migrate then warns).
  virtual std::optional<std::map<std::string, std::string>> list_meta() { return std::nullopt; }

  // --- alerts ---
  virtual std::optional<AlertMark> get_alert(const std::string& key) = 0;
  virtual void mark_alert(const AlertMark& mark) = 0;
  virtual std::vector<AlertMark> list_alerts() = 0;

  // --- worker heartbeats ---
  virtual void heartbeat(const Heartbeat& hb) = 0;
  virtual std::vector<Heartbeat> heartbeats() = 0;

  // --- housekeeping ---
  // Never removes a region's latest good scan nor a lease still held (expires_at > now).
  // Removes expired leases. Deletes in batches of policy.batch_size rows per transaction.
  virtual CleanupReport cleanup(const RetentionPolicy& policy, TimePoint now, bool dry_run) = 0;
  virtual void compact() = 0;  // VACUUM or equivalent
  virtual StoreInfo info() = 0;
  // Problems with the schema or indexes; empty when all is well.
  virtual std::vector<std::string> check() = 0;
};

// Which backends this build has: {"sqlite"} or {"sqlite", "mongodb"}.
std::vector<std::string> built_in_stores();

// How a command means to use a store. read_write (scan, sync, cleanup, alerts...) makes a
// missing SQLite file and its folder (the file 0600) and brings the schema up to date.
// read_only (cache get/list/stats/show/export, budget, sync list, store check) never makes
// or changes anything: a missing SQLite file is StoreError "no store at PATH: run a scan
// first"; the file may be one the user may only read, on a read-only filesystem or a full
// disk; a MongoDB database gets no collections or indexes. A store opened read_only throws
// StoreError on any write.
enum class OpenMode { read_write, read_only };

// "sqlite:///abs/path.db", "sqlite:relative.db", a bare path, or "mongodb://.../dbname"
// (also "mongodb+srv://"). UsageError for an unknown scheme or mongodb:// on a build without
// it; StoreError when the store cannot be opened, or when a SQLite file is not an oddsctl
// store (another program's tables: refused, never written to).
std::unique_ptr<Store> open_store(const std::string& uri, OpenMode mode = OpenMode::read_write);

// $XDG_STATE_HOME/oddsctl/oddsctl.db, else ~/.local/state/oddsctl/oddsctl.db
std::string default_store_path();

// A URI or path with any password removed, for messages.
std::string redact_store_uri(const std::string& uri);

}  // namespace oddsctl
