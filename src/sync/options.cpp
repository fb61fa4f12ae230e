// SyncOptions and TierPolicy from layered settings (flags > env > config file > defaults).
#include "oddsctl/errors.hpp"
#include "oddsctl/sync.hpp"

namespace oddsctl {

namespace {

Millis positive_duration(const Settings& s, const std::string& key, Millis fallback, bool allow_zero = false) {
  auto d = s.duration(key);
  if (!d) return fallback;
  if (*d < Millis(0) || (!allow_zero && *d == Millis(0)))
    throw UsageError(key + ": must be " + (allow_zero ? "0 or more" : "more than 0") + ", got '" +
                     s.get_or(key, "") + "'");
  return *d;
}

int int_setting(const Settings& s, const std::string& key, int fallback, int min_value) {
  auto v = s.integer(key);
  if (!v) return fallback;
  if (*v < min_value || *v > 1000000)
    throw UsageError(key + ": " + std::to_string(*v) + " is out of range (at least " + std::to_string(min_value) + ")");
  return static_cast<int>(*v);
}

std::optional<std::int64_t> credits_setting(const Settings& s, const std::string& key) {
  auto v = s.integer(key);
  if (v && *v < 0) throw UsageError(key + ": credits cannot be negative (" + std::to_string(*v) + ")");
  return v;
}

}  // namespace

TierPolicy tier_policy_from_settings(const Settings& s) {
  TierPolicy p;
  p.hot_within = positive_duration(s, "tiers.hot.within", p.hot_within, true);
  p.warm_within = positive_duration(s, "tiers.warm.within", p.warm_within, true);
  if (p.warm_within < p.hot_within)
    throw UsageError("tiers.warm.within (" + format_duration(p.warm_within) + ") is shorter than tiers.hot.within (" +
                     format_duration(p.hot_within) + ")");
  for (Tier t : k_all_tiers) {
    std::string name = to_string(t);
    p.max_age[t] = positive_duration(s, "tiers." + name + ".max_age", p.max_age[t], true);
    p.limit[t] = int_setting(s, "tiers." + name + ".limit", p.limit[t], 0);
  }
  p.forget_after = positive_duration(s, "sync.forget_after", p.forget_after, true);
  p.backoff_cap = positive_duration(s, "sync.backoff_cap", p.backoff_cap);
  p.give_up_after = int_setting(s, "sync.give_up_after", p.give_up_after, 0);
  return p;
}

SyncOptions sync_options_from_settings(const Settings& s) {
  SyncOptions o;
  o.policy = tier_policy_from_settings(s);
  o.event_id = s.get("sync.event");
  if (o.event_id && o.event_id->empty()) throw UsageError("--event: the event id is empty");
  o.force = s.boolean("sync.force").value_or(false);
  o.discover = s.boolean("sync.discover").value_or(false);
  auto tier_text = s.get("sync.tier");
  if (tier_text && o.event_id) throw UsageError("--tier and --event do not go together: --event syncs one event whatever its tier");
  if (o.force && !o.event_id) throw UsageError("--force only applies to --event");
  if (tier_text && *tier_text != "auto") {
    o.tier = tier_from_string(*tier_text);
    if (!o.tier) throw UsageError("--tier: '" + *tier_text + "' is not one of hot, warm, cold, frozen, auto");
  }
  // `sync --discover` alone only discovers; `sync` alone is `sync --tier auto`.
  o.sync = !(o.discover && !tier_text && !o.event_id);
  if (!o.tier && !o.event_id && o.sync)
    o.discover_every = positive_duration(s, "sync.discover_every", std::chrono::hours(6), true);
  for (const auto& r : s.list("api.regions")) {
    if (r == "all") {
      o.regions = known_regions();
      break;
    }
    if (!is_known_region(r)) throw UsageError("--regions: unknown region '" + r + "'");
    o.regions.push_back(r);
  }
  o.sports = s.list("api.sports");
  auto markets = s.list("api.markets");
  if (!markets.empty()) o.markets = markets;
  o.concurrency = int_setting(s, "api.concurrency", o.concurrency, 1);
  o.batch_size = int_setting(s, "sync.batch_size", o.batch_size, 1);
  o.timeout = positive_duration(s, "api.timeout", o.timeout);
  o.connect_timeout = positive_duration(s, "api.connect_timeout", o.connect_timeout);
  o.max_retries = int_setting(s, "api.retries", o.max_retries, 0);
  if (s.get("api.deadline")) o.deadline = positive_duration(s, "api.deadline", Millis(0));
  o.min_interval = positive_duration(s, "sync.min_interval", o.min_interval, true);
  o.reserve = credits_setting(s, "budget.reserve");
  o.max_credits = credits_setting(s, "budget.max_credits");
  for (Tier t : k_auto_tiers) {
    auto v = s.number(std::string("budget.share.") + to_string(t));
    if (!v) continue;
    if (*v < 0 || *v > 1)
      throw UsageError(std::string("budget.share.") + to_string(t) + ": a share is between 0 and 1, got " + std::to_string(*v));
    o.budget_share[t] = *v;
  }
  o.base_url = s.get_or("api.base_url", o.base_url);
  o.bookmakers = s.list("api.bookmakers");
  o.worker = s.get_or("worker_id", "");
  return o;
}

}  // namespace oddsctl
