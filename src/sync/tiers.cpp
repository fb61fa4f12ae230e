// Tier policy: which tier an event is in, when it is due, and which events a run selects.
#include <algorithm>

#include "oddsctl/sync.hpp"

namespace oddsctl::sync {

namespace {

Millis max_age_of(const TierPolicy& policy, store::Tier tier) {
  auto it = policy.max_age.find(tier);
  return it == policy.max_age.end() ? Millis(0) : it->second;
}

// The wait after `failures` consecutive failures: max_age * 2^(failures-1), capped. A zero
// max age (frozen) still backs off from one second so a failing event does not spin.
Millis retry_wait(const TierPolicy& policy, store::Tier tier, int failures) {
  Millis base = std::max(max_age_of(policy, tier), Millis(1000));
  int shift = std::min(failures - 1, 20);
  Millis wait = base * (std::int64_t{1} << shift);
  return std::min(wait, std::max(policy.backoff_cap, base));
}

bool not_returned(const store::TrackedEvent& e) { return e.last_error && e.last_error->rfind("not returned", 0) == 0; }

}  // namespace

store::Tier TierPolicy::tier_of(const store::TrackedEvent& event, TimePoint now) const {
  if (event.pinned_tier) return *event.pinned_tier;
  auto to_start = event.commence_time - now;  // negative once started
  if (to_start <= hot_within) return store::Tier::hot;
  if (to_start <= warm_within) return store::Tier::warm;
  return store::Tier::cold;
}

bool TierPolicy::retired(const store::TrackedEvent& event, TimePoint now) const {
  if (event.commence_time + forget_after < now) return true;
  return give_up_after > 0 && event.failures >= give_up_after && not_returned(event);
}

std::optional<TimePoint> TierPolicy::next_due(const store::TrackedEvent& event, TimePoint now) const {
  if (retired(event, now)) return std::nullopt;
  store::Tier tier = tier_of(event, now);
  if (!event.last_attempt_at && !event.last_synced_at) return event.discovered_at;
  if (event.failures > 0) {
    TimePoint from = event.last_attempt_at.value_or(event.last_synced_at.value_or(event.discovered_at));
    return from + retry_wait(*this, tier, event.failures);
  }
  TimePoint from = event.last_synced_at.value_or(event.last_attempt_at.value_or(event.discovered_at));
  return from + max_age_of(*this, tier);
}

bool TierPolicy::due(const store::TrackedEvent& event, store::Tier tier, TimePoint now) const {
  if (tier_of(event, now) != tier) return false;
  auto at = next_due(event, now);
  return at && *at <= now;
}

std::vector<store::TrackedEvent> select_due(const std::vector<store::TrackedEvent>& events, store::Tier tier,
                                            const TierPolicy& policy, TimePoint now) {
  std::vector<store::TrackedEvent> due;
  for (const auto& e : events)
    if (policy.due(e, tier, now)) due.push_back(e);
  // Never synced first, then the stalest; ties are broken so runs are reproducible.
  std::stable_sort(due.begin(), due.end(), [](const store::TrackedEvent& a, const store::TrackedEvent& b) {
    if (a.last_synced_at.has_value() != b.last_synced_at.has_value()) return !a.last_synced_at;
    if (a.last_synced_at && *a.last_synced_at != *b.last_synced_at) return *a.last_synced_at < *b.last_synced_at;
    if (a.commence_time != b.commence_time) return a.commence_time < b.commence_time;
    if (a.region != b.region) return a.region < b.region;
    return a.event_id < b.event_id;
  });
  auto it = policy.limit.find(tier);
  if (it != policy.limit.end() && it->second > 0 && due.size() > static_cast<std::size_t>(it->second))
    due.resize(static_cast<std::size_t>(it->second));
  return due;
}

}  // namespace oddsctl::sync
