// Role: tracked events and their snapshots. What `sync` keeps fresh on its tiers, and the
// full odds it stored for each change (read by `scan --from-store`, history and clv).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oddsctl/odds.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store {

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
  std::string fingerprint;  // of the last stored snapshot, empty before the first
  int failures = 0;         // consecutive
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
  std::optional<TimePoint> since;  // taken_at >= since
  bool latest_only = true;         // the newest snapshot per (region, event) only
};

// What one sync did for one event; applied together in one transaction.
struct SyncOutcome {
  std::string region;
  std::string event_id;
  TimePoint attempted_at{};
  bool ok = true;
  std::optional<std::string> error;  // when !ok: failures += 1, last_error
  std::string fingerprint;           // when ok
  std::optional<Snapshot> snapshot;  // when ok and changed: stored, last_changed_at set
};

class TrackingStore {
public:
  virtual ~TrackingStore() = default;

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
};

}  // namespace oddsctl::store
