// `oddsctl sync`: keep tracked events fresh on a tiered schedule, inside a deadline.
//
// Tracked events (one event in one region) are discovered with the free /events endpoint.
// Each event has a tier (hot, warm, cold by time to start, or a pinned tier, frozen only on
// demand) and is due when its last sync is older than its tier's max age. One run fetches the
// due events batched (one /odds call per region, sport and chunk of ids), in parallel per key,
// stops starting calls at its deadline and commits every finished batch.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/api.hpp"
#include "oddsctl/api/options.hpp"
#include "oddsctl/progress.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/store/lease_helpers.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::sync {

constexpr std::array<store::Tier, 4> k_all_tiers{store::Tier::hot, store::Tier::warm, store::Tier::cold,
                                                 store::Tier::frozen};
// The tiers `--tier auto` walks, in priority order: frozen is only synced on demand.
constexpr std::array<store::Tier, 3> k_auto_tiers{store::Tier::hot, store::Tier::warm, store::Tier::cold};

// When an event is due. Every value is a config key (see tier_policy_from_settings).
struct TierPolicy {
  Millis hot_within = std::chrono::hours(2);    // tiers.hot.within: started or starting within
  Millis warm_within = std::chrono::hours(24);  // tiers.warm.within
  // tiers.<tier>.max_age. frozen 0: due whenever it is asked for.
  std::map<store::Tier, Millis> max_age{{store::Tier::hot, std::chrono::seconds(30)},
                                        {store::Tier::warm, std::chrono::minutes(2)},
                                        {store::Tier::cold, std::chrono::minutes(15)},
                                        {store::Tier::frozen, Millis(0)}};
  // tiers.<tier>.limit: events per tier per run (<= 0: no limit).
  std::map<store::Tier, int> limit{
      {store::Tier::hot, 200}, {store::Tier::warm, 500}, {store::Tier::cold, 1000}, {store::Tier::frozen, 1000}};
  // sync.forget_after: events that started longer ago than this are over; no tier selects them.
  Millis forget_after = std::chrono::hours(6);
  // sync.backoff_cap: after k consecutive failures an event waits max_age * 2^(k-1), at most this.
  Millis backoff_cap = std::chrono::hours(1);
  // sync.give_up_after: an event the API did not return this many times in a row is dropped
  // from tier runs (it is over, or has no odds in that region); `--event` still syncs it.
  int give_up_after = 10;

  // The pinned tier, else by time to start.
  store::Tier tier_of(const store::TrackedEvent& event, TimePoint now) const;
  // True when no tier run selects the event any more (long over, or given up).
  bool retired(const store::TrackedEvent& event, TimePoint now) const;
  // When the event is next due in its tier; nullopt for "never by itself" (frozen, retired).
  // A time <= now means due now; an event never attempted is due at its discovery time.
  std::optional<TimePoint> next_due(const store::TrackedEvent& event, TimePoint now) const;
  bool due(const store::TrackedEvent& event, store::Tier tier, TimePoint now) const;
};

// Events of `tier` that are due: never synced first, then the oldest last sync first (ties by
// commence time, then id), at most the tier's limit.
std::vector<store::TrackedEvent> select_due(const std::vector<store::TrackedEvent>& events, store::Tier tier,
                                            const TierPolicy& policy, TimePoint now);

// SHA-256 (hex) of a canonical form of the event's bookmakers' markets, outcomes, prices and
// points: independent of the order of books, markets and outcomes, blind to last_update and
// titles. Equal fingerprints mean the same lines and prices.
std::string odds_fingerprint(const Event& event);

struct SyncOptions : api::ApiOptions {
  // regions empty: every region with tracked events (sync) / with a key (discovery).
  // Which events: one tier, every auto tier (tier empty and !event_id), or one event.
  std::optional<store::Tier> tier;       // nullopt with no event_id: auto
  std::optional<std::string> event_id;   // `--event ID`
  bool force = false;                    // `--event` even within min_interval
  bool sync = true;                      // false: `--discover` alone
  bool discover = false;                 // discover first
  std::optional<Millis> discover_every;  // auto: discover when the last one is older
  TierPolicy policy;
  int batch_size = 50;         // event ids per /odds call
  Millis min_interval{10000};  // `--event`: not again within this unless force
  // Share of max_credits per tier in auto runs (budget.share.<tier>): hot .6, warm .3, cold .1.
  std::map<store::Tier, double> budget_share{
      {store::Tier::hot, 0.6}, {store::Tier::warm, 0.3}, {store::Tier::cold, 0.1}};
  std::string worker;                       // lease owner
  const std::atomic<bool>* stop = nullptr;  // set (e.g. on SIGTERM): no new call starts
  Progress* progress = nullptr;             // events done of selected, calls, credits, for a caller to show
};

struct SyncFailure {
  std::string region;
  std::string event_id;
  std::string error;
};

// Per tier counts; the run's totals are their sums.
struct SyncCounts {
  int selected = 0;
  int synced = 0;
  int changed = 0;
  int unchanged = 0;
  int failed = 0;
  // Asked for but absent from the answer: over, removed, or no odds in that region. Not a
  // failure of the run (exit code unaffected); the store records the attempt so the event
  // backs off and, after sync.give_up_after such runs, is retired.
  int not_returned = 0;
  int skipped_deadline = 0;
  int skipped_budget = 0;  // a tier's budget share or the guard stopped its calls
  int requests = 0;        // /odds calls started for this tier's batches
  std::int64_t credits_used = 0;
  SyncCounts& operator+=(const SyncCounts& o);
};

struct DiscoveryReport {
  bool ran = false;
  std::vector<std::string> regions;
  int sports = 0;
  int events = 0;  // tracked events upserted
  int requests = 0;
  std::vector<std::string> errors;  // "au/soccer_epl: ..."
};

struct SyncReport {
  std::string tier;  // "hot", "warm", "cold", "frozen", "auto", "event", "none"
  TimePoint started_at{};
  std::int64_t duration_ms = 0;
  SyncCounts totals;
  std::map<store::Tier, SyncCounts> tiers;  // the tiers that took part
  int requests = 0;                         // every HTTP request, discovery included
  std::vector<SyncFailure> failures;
  DiscoveryReport discovery;
  std::vector<std::string> skipped_leases;  // "sync:au:hot held by host:pid"
  bool all_leases_held = false;             // every tier lease asked for was held by another run: nothing done
  int skipped_recent = 0;                   // `--event` within min_interval, not forced
  bool budget_tripped = false;
  bool deadline_hit = false;

  // 5 when a budget guard refused a call, 1 when nothing could be synced but something
  // failed, 3 when some failed, else 0.
  ExitCode exit_code() const;
};

// One run. `api_factory` builds each region's client (tests inject a fake).
SyncReport run_sync(const SyncOptions& options, store::Store& store, const api::ApiFactory& api_factory,
                    const EnvLookup& env);

// The contract's `sync --json` document (plus extra fields).
nlohmann::json sync_report_json(const SyncReport& report);

// `sync list`: tracked events with their tier and due time.
struct TrackedRow {
  store::TrackedEvent event;
  store::Tier tier = store::Tier::cold;
  bool pinned = false;
  bool retired = false;
  std::optional<TimePoint> next_due;
};
struct ListFilter {
  std::optional<store::Tier> tier;
  std::optional<std::string> region;
  std::optional<std::string> sport_key;
  bool include_retired = false;
};
// Sorted by next due time (due first; never-due last), then region and id.
std::vector<TrackedRow> list_tracked_rows(store::TrackingStore& store, const ListFilter& filter,
                                          const TierPolicy& policy, TimePoint now);
nlohmann::json tracked_row_json(const TrackedRow& row, TimePoint now);

// `scan --from-store`: the latest snapshot of every event of `region` synced within max_age
// (freshness is the last sync, which confirms an unchanged snapshot), costing no credits.
std::vector<Event> freshest_events(store::TrackingStore& store, const std::string& region, Millis max_age,
                                   TimePoint now);

}  // namespace oddsctl::sync
