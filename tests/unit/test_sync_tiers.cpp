// Tier policy: tiers by time to start, pins, due times, back-off, selection order and limits.
#include <doctest/doctest.h>

#include "options.hpp"
#include "oddsctl/sync.hpp"

using namespace oddsctl;
using namespace std::chrono_literals;

namespace {

const TimePoint k_now = parse_rfc3339("2026-05-01T12:00:00Z");

store::TrackedEvent ev(const std::string& id, Millis to_start) {
  store::TrackedEvent e;
  e.region = "au";
  e.event_id = id;
  e.sport_key = "soccer_epl";
  e.commence_time = k_now + to_start;
  e.discovered_at = k_now - 1h;
  return e;
}

store::TrackedEvent synced(store::TrackedEvent e, Millis ago) {
  e.last_synced_at = k_now - ago;
  e.last_attempt_at = k_now - ago;
  e.fingerprint = "x";
  return e;
}

}  // namespace

TEST_CASE("the tier follows the time to start unless pinned") {
  sync::TierPolicy p;
  CHECK(p.tier_of(ev("a", -30min), k_now) == store::Tier::hot);  // started
  CHECK(p.tier_of(ev("a", 2h), k_now) == store::Tier::hot);      // boundary is inclusive
  CHECK(p.tier_of(ev("a", 2h + 1s), k_now) == store::Tier::warm);
  CHECK(p.tier_of(ev("a", 24h), k_now) == store::Tier::warm);
  CHECK(p.tier_of(ev("a", 25h), k_now) == store::Tier::cold);
  auto pinned = ev("a", 25h);
  pinned.pinned_tier = store::Tier::hot;
  CHECK(p.tier_of(pinned, k_now) == store::Tier::hot);
  pinned.pinned_tier = store::Tier::frozen;
  CHECK(p.tier_of(pinned, k_now) == store::Tier::frozen);
}

TEST_CASE("due when the last sync is older than the tier's max age") {
  sync::TierPolicy p;
  CHECK(p.due(ev("new", 1h), store::Tier::hot, k_now));                   // never synced
  CHECK_FALSE(p.due(synced(ev("a", 1h), 10s), store::Tier::hot, k_now));  // 10s < 30s
  CHECK(p.due(synced(ev("a", 1h), 30s), store::Tier::hot, k_now));
  CHECK_FALSE(p.due(synced(ev("a", 1h), 30s), store::Tier::warm, k_now));  // not its tier
  CHECK_FALSE(p.due(synced(ev("w", 5h), 90s), store::Tier::warm, k_now));  // warm: 2m
  CHECK(p.due(synced(ev("w", 5h), 3min), store::Tier::warm, k_now));
  CHECK(p.due(synced(ev("c", 48h), 16min), store::Tier::cold, k_now));
  auto next = p.next_due(synced(ev("c", 48h), 5min), k_now);
  REQUIRE(next);
  CHECK(*next == k_now + 10min);
}

TEST_CASE("events long over are retired; so are events the API stopped returning") {
  sync::TierPolicy p;
  CHECK_FALSE(p.retired(ev("a", -5h), k_now));
  CHECK(p.retired(ev("a", -7h), k_now));
  CHECK_FALSE(p.next_due(ev("a", -7h), k_now));
  auto gone = ev("b", 3h);
  gone.failures = 10;
  gone.last_error = "not returned by the API (over, removed, or no odds in region au)";
  CHECK(p.retired(gone, k_now));
  gone.last_error = "timeout";
  CHECK_FALSE(p.retired(gone, k_now));  // a network problem is no reason to give up
}

TEST_CASE("failures back off exponentially from the tier's max age, capped") {
  sync::TierPolicy p;
  auto e = ev("a", 1h);
  e.last_attempt_at = k_now;
  e.failures = 1;
  CHECK(*p.next_due(e, k_now) == k_now + 30s);
  e.failures = 3;
  CHECK(*p.next_due(e, k_now) == k_now + 120s);
  e.failures = 9;
  CHECK(*p.next_due(e, k_now) == k_now + 1h);  // backoff_cap
}

TEST_CASE("selection: never synced first, then oldest first, up to the limit") {
  sync::TierPolicy p;
  p.limit[store::Tier::hot] = 3;
  std::vector<store::TrackedEvent> all{synced(ev("old", 1h), 5min), synced(ev("older", 1h), 10min), ev("new2", 90min),
                                       ev("new1", 30min),           synced(ev("fresh", 1h), 5s),    ev("warm", 5h)};
  auto picked = select_due(all, store::Tier::hot, p, k_now);
  REQUIRE(picked.size() == 3);
  CHECK(picked[0].event_id == "new1");  // never synced; sooner start first
  CHECK(picked[1].event_id == "new2");
  CHECK(picked[2].event_id == "older");
  p.limit[store::Tier::hot] = 0;  // no limit
  CHECK(select_due(all, store::Tier::hot, p, k_now).size() == 4);
  CHECK(select_due(all, store::Tier::warm, p, k_now).size() == 1);
}

TEST_CASE("frozen events are due whenever a frozen run asks for them") {
  sync::TierPolicy p;
  auto e = synced(ev("f", 1h), 1s);
  e.pinned_tier = store::Tier::frozen;
  CHECK(p.due(e, store::Tier::frozen, k_now));
  CHECK_FALSE(p.due(e, store::Tier::hot, k_now));
}

TEST_CASE("the policy and options come from settings") {
  std::map<std::string, std::string> env_values;
  settings::Settings s([&](const std::string& n) -> std::optional<std::string> {
    auto it = env_values.find(n);
    if (it == env_values.end()) return std::nullopt;
    return it->second;
  });
  s.set_flag("tiers.hot.within", "1h");
  s.set_flag("tiers.hot.max_age", "10s");
  s.set_flag("tiers.cold.limit", "7");
  auto p = cmd::tier_policy_from_settings(s);
  CHECK(p.hot_within == 1h);
  CHECK(p.max_age[store::Tier::hot] == 10s);
  CHECK(p.max_age[store::Tier::warm] == 2min);
  CHECK(p.limit[store::Tier::cold] == 7);

  s.set_flag("sync.tier", "warm");
  s.set_flag("budget.share.hot", "0.5");
  auto o = cmd::sync_options_from_settings(s);
  REQUIRE(o.tier);
  CHECK(*o.tier == store::Tier::warm);
  CHECK(o.budget_share[store::Tier::hot] == doctest::Approx(0.5));
  CHECK(o.sync);

  // Checked against the table where it enters, before any options are built.
  CHECK_THROWS_AS(s.set_flag("sync.tier", "lukewarm"), UsageError);
  s.set_flag("sync.tier", "auto");
  auto a = cmd::sync_options_from_settings(s);
  CHECK_FALSE(a.tier);
  s.set_flag("tiers.warm.within", "30m");  // shorter than hot.within
  CHECK_THROWS_AS(cmd::tier_policy_from_settings(s), UsageError);
}
