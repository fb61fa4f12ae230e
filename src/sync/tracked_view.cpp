// Read-only views of the tracked events: `sync list` and `scan --from-store`.
#include <algorithm>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "oddsctl/sync.hpp"

namespace oddsctl::sync {

std::vector<TrackedRow> list_tracked_rows(store::TrackingStore& store, const ListFilter& filter,
                                          const TierPolicy& policy, TimePoint now) {
  store::TrackedQuery q;
  q.region = filter.region;
  q.sport_key = filter.sport_key;
  std::vector<TrackedRow> rows;
  for (auto& e : store.list_tracked(q)) {
    TrackedRow row;
    row.tier = policy.tier_of(e, now);
    row.pinned = e.pinned_tier.has_value();
    row.retired = policy.retired(e, now);
    if (filter.tier && row.tier != *filter.tier) continue;
    if (row.retired && !filter.include_retired) continue;
    // Frozen events are never due by themselves: they wait for `--tier frozen` or `--event`.
    row.next_due = row.tier == store::Tier::frozen ? std::nullopt : policy.next_due(e, now);
    row.event = std::move(e);
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const TrackedRow& a, const TrackedRow& b) {
    if (a.next_due.has_value() != b.next_due.has_value()) return a.next_due.has_value();
    if (a.next_due && *a.next_due != *b.next_due) return *a.next_due < *b.next_due;
    if (a.event.region != b.event.region) return a.event.region < b.event.region;
    return a.event.event_id < b.event.event_id;
  });
  return rows;
}

nlohmann::json tracked_row_json(const TrackedRow& row, TimePoint now) {
  const store::TrackedEvent& e = row.event;
  auto opt_time = [](const std::optional<TimePoint>& t) {
    return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
  };
  return {{"region", e.region},
          {"event_id", e.event_id},
          {"sport_key", e.sport_key},
          {"sport_title", e.sport_title},
          {"home_team", e.home_team},
          {"away_team", e.away_team},
          {"commence_time", format_rfc3339(e.commence_time)},
          {"tier", to_string(row.tier)},
          {"pinned", row.pinned},
          {"retired", row.retired},
          {"last_synced_at", opt_time(e.last_synced_at)},
          {"last_changed_at", opt_time(e.last_changed_at)},
          {"next_due_at", opt_time(row.next_due)},
          {"due", row.next_due.has_value() && *row.next_due <= now},
          {"failures", e.failures},
          {"last_error", e.last_error ? nlohmann::json(*e.last_error) : nlohmann::json(nullptr)}};
}

std::vector<Event> freshest_events(store::TrackingStore& store, const std::string& region, Millis max_age,
                                   TimePoint now) {
  store::TrackedQuery tq;
  tq.region = region;
  std::unordered_map<std::string, bool> fresh;
  for (const auto& e : store.list_tracked(tq))
    if (e.last_synced_at && *e.last_synced_at + max_age >= now) fresh[e.event_id] = true;
  if (fresh.empty()) return {};
  store::SnapshotQuery sq;
  sq.region = region;
  sq.latest_only = true;
  std::vector<Event> events;
  for (auto& s : store.snapshots(sq))
    if (fresh.count(s.event_id)) events.push_back(std::move(s.event));
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.commence_time != b.commence_time ? a.commence_time < b.commence_time : a.id < b.id;
  });
  return events;
}

}  // namespace oddsctl::sync
