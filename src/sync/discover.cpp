// Discovery: the free /events endpoint turns a sport's upcoming events into tracked events.
#include <algorithm>
#include <mutex>

#include <spdlog/spdlog.h>

#include "sync/sync_internal.hpp"

namespace oddsctl::sync::detail {

namespace {

// Meta keys: the last discovery of a region's every-active-sport list, or of one sport.
std::string stamp_key(const std::string& region, const std::optional<std::string>& sport) {
  return "sync.discovered_at." + region + (sport ? "." + *sport : "");
}

bool stale(store::Store& store, const std::string& key, Millis every, TimePoint now) {
  auto value = store.get_meta(key);
  if (!value) return true;
  auto at = try_parse_rfc3339(*value);
  return !at || *at + every <= now;
}

// Sports whose events are matches: outrights (futures) have no h2h events to track.
std::vector<std::string> active_sports(api::OddsApi& api) {
  std::vector<std::string> keys;
  for (const auto& s : api.sports())
    if (s.active && !s.has_outrights) keys.push_back(s.key);
  return keys;
}

}  // namespace

DiscoveryReport discover(const SyncOptions& options, store::Store& store, ClientSet& clients, const EnvLookup& env,
                         TimePoint now, bool only_stale) {
  DiscoveryReport report;
  std::vector<std::string> regions = options.regions;
  if (regions.empty())
    for (const auto& r : known_regions())
      if (resolve_key(r, env)) regions.push_back(r);
  if (regions.empty())
    throw UsageError(
        "sync --discover: no API key set: set ODDS_API_KEY or ODDS_API_KEY_<REGION> (e.g. ODDS_API_KEY_AU)");
  Millis every = options.discover_every.value_or(Millis(0));
  const bool explicit_sports = !options.sports.empty();

  // Work items: (region, sport). Sports lists come first, from /v4/sports (free).
  struct Item {
    std::string region;
    std::string sport;
  };
  std::vector<Item> items;
  std::vector<std::string> stamp_regions;  // regions whose all-sports stamp we renew
  for (const auto& region : regions) {
    if (only_stale && !explicit_sports && !stale(store, stamp_key(region, std::nullopt), every, now)) continue;
    RegionClient& rc = clients.get(region);
    if (rc.error) {
      report.errors.push_back(region + ": " + *rc.error);
      continue;
    }
    std::vector<std::string> sports = options.sports;
    if (!explicit_sports) {
      try {
        sports = active_sports(*rc.api);
        stamp_regions.push_back(region);
      } catch (const std::exception& e) {
        report.errors.push_back(region + "/sports: " + e.what());
        continue;
      }
    }
    for (const auto& sport : sports) {
      if (only_stale && explicit_sports && !stale(store, stamp_key(region, sport), every, now)) continue;
      items.push_back({region, sport});
    }
  }

  for (const auto& region : regions) {
    bool used = std::find(stamp_regions.begin(), stamp_regions.end(), region) != stamp_regions.end();
    for (const auto& it : items) used = used || it.region == region;
    if (used) report.regions.push_back(region);
  }

  std::mutex mutex;
  std::vector<std::string> done_sports;
  std::map<std::string, int> sports_seen;
  // /events is free: every region's calls may overlap, within the per-key cap.
  run_parallel(items.size(), options.concurrency * static_cast<int>(std::max<std::size_t>(1, regions.size())),
               [&](std::size_t i) {
                 const Item& item = items[i];
                 RegionClient& rc = clients.get(item.region);  // made above: lookup only
                 try {
                   std::vector<store::TrackedEvent> tracked;
                   for (const auto& e : rc.api->events(item.sport)) {
                     if (e.commence_time + options.policy.forget_after < now) continue;  // already over
                     store::TrackedEvent t;
                     t.region = item.region;
                     t.event_id = e.id;
                     t.sport_key = e.sport_key.empty() ? item.sport : e.sport_key;
                     t.sport_title = e.sport_title;
                     t.home_team = e.home_team;
                     t.away_team = e.away_team;
                     t.commence_time = e.commence_time;
                     t.discovered_at = now;
                     tracked.push_back(std::move(t));
                   }
                   store.upsert_tracked(tracked);
                   std::lock_guard lock(mutex);
                   report.events += static_cast<int>(tracked.size());
                   sports_seen[item.sport] += 1;
                   if (explicit_sports) done_sports.push_back(item.region + "." + item.sport);
                 } catch (const std::exception& e) {
                   std::lock_guard lock(mutex);
                   report.errors.push_back(item.region + "/" + item.sport + ": " + e.what());
                 }
               });
  report.sports = static_cast<int>(sports_seen.size());
  // "ran" when asked for, or when staleness made it call the API; a no-op check is not a run.
  report.ran = !only_stale || !report.regions.empty() || !report.errors.empty();

  // Stamps only for what fully worked, so a failed discovery is retried next run.
  std::string stamp = format_rfc3339(now);
  for (const auto& region : stamp_regions) {
    bool failed = false;
    for (const auto& err : report.errors)
      if (err.rfind(region + "/", 0) == 0 || err.rfind(region + ":", 0) == 0) failed = true;
    if (!failed) store.set_meta(stamp_key(region, std::nullopt), stamp);
  }
  for (const auto& rs : done_sports) store.set_meta("sync.discovered_at." + rs, stamp);
  spdlog::info("sync: discovered {} events in {} sports across {} regions", report.events, report.sports,
               report.regions.size());
  return report;
}

}  // namespace oddsctl::sync::detail
