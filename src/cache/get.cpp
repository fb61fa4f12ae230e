// `cache get`: read each asked region's latest good scan, judge its freshness, filter it,
// optionally refresh it with a live scan first.
#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "cache/order.hpp"
#include "oddsctl/cache.hpp"

namespace oddsctl::cache {

namespace {

// Freshness and the strict rule, once the scan is read.
void judge(CachedRegion& c, const CacheGetOptions& options) {
  // A scan stamped in the future (clock skew between hosts) counts as just taken.
  c.age = std::max(Millis(0), std::chrono::duration_cast<Millis>(options.now - c.scan->started_at));
  c.fresh = *c.age <= options.max_age;
  c.withheld = options.strict && !c.fresh;
}

template <class T>
void keep_matching(std::vector<T>& opps, const CacheGetOptions& options, bool withheld) {
  if (withheld) opps.clear();
  else if (!options.filter.empty())
    opps.erase(std::remove_if(opps.begin(), opps.end(), [&](const T& o) { return !options.filter.matches(o); }),
               opps.end());
}

CachedRegion read_region(store::ScanStore& store, const std::string& region, const CacheGetOptions& options,
                         bool defer) {
  CachedRegion c;
  c.region = region;
  if (options.as_text) {
    defer = defer && options.defer_rows && options.filter.empty() && options.regions.size() == 1;
    auto stored =
        defer ? store.latest_good_deferred(region, options.source) : store.latest_good_stored(region, options.source);
    if (!stored) return c;
    c.scan = std::move(stored->scan);
    c.stored = std::move(stored->opportunities);
    c.stored_opportunities = static_cast<int>(c.stored.size());
    judge(c, options);
    if (stored->deferred) {
      // Withheld, nothing is served, but the region still says how many are stored.
      if (c.withheld) return read_region(store, region, options, false);
      c.rows_deferred = true;
      return c;
    }
    keep_matching(c.stored, options, c.withheld);
  } else {
    c.scan = store.latest_good(region, options.source);
    if (!c.scan) return c;
    c.stored_opportunities = static_cast<int>(c.scan->opportunities.size());
    judge(c, options);
    keep_matching(c.scan->opportunities, options, c.withheld);
  }
  c.scan->opportunity_count = static_cast<int>(c.served());
  return c;
}

}  // namespace

bool CacheResult::all_fresh() const {
  return std::all_of(regions.begin(), regions.end(), [](const CachedRegion& r) { return r.fresh; });
}

std::vector<Opportunity> CacheResult::opportunities() const {
  for (const auto& r : regions)
    if (r.rows_deferred) throw std::logic_error("cache get: the rows of region " + r.region + " are not read");
  // Sorted as keys first, then read (a stored text parsed) or copied once each, in order:
  // sorting whole opportunities moved each of them many times.
  struct Item {
    ServedKey key;
    const store::StoredOpportunity* stored = nullptr;
    const Opportunity* whole = nullptr;
  };
  std::vector<Item> items;
  for (const auto& r : regions) {
    if (!r.scan) continue;
    for (const auto& o : r.stored) items.push_back({served_key(o), &o, nullptr});
    for (const auto& o : r.scan->opportunities) items.push_back({served_key(o), nullptr, &o});
  }
  const auto before = [](const Item& a, const Item& b) { return served_before(a.key, b.key); };
  if (!std::is_sorted(items.begin(), items.end(), before)) std::stable_sort(items.begin(), items.end(), before);
  std::vector<Opportunity> all;
  all.reserve(items.size());
  for (const auto& item : items) {
    if (item.whole) all.push_back(*item.whole);
    else if (item.stored->opportunity) all.push_back(*item.stored->opportunity);
    else all.push_back(opportunity_from_json(nlohmann::json::parse(item.stored->text)));
  }
  return all;
}

ExitCode CacheResult::exit_code() const { return all_fresh() ? ExitCode::ok : ExitCode::not_fresh; }

CacheResult cache_get(store::ScanStore& store, const CacheGetOptions& options, const FallbackScan& fallback) {
  CacheResult result;
  result.now = options.now;
  result.max_age = options.max_age;
  result.source = options.source;
  for (const auto& region : options.regions) result.regions.push_back(read_region(store, region, options, true));
  if (!fallback || result.all_fresh()) return result;

  std::vector<std::string> stale;
  for (const auto& r : result.regions)
    if (!r.fresh) stale.push_back(r.region);
  std::optional<scan::ScanReport> report;
  std::string error;
  try {
    report = fallback(stale);
  } catch (const std::exception& e) {
    // The cache still answers with what it has; the caller sees why it is not fresher.
    error = e.what();
  }
  for (auto& r : result.regions) {
    if (r.fresh) continue;
    CachedRegion refreshed = read_region(store, r.region, options, true);
    if (report) {
      refreshed.fallback_scan_id = report->scan_id;
      for (const auto& scanned : report->regions) {
        if (scanned.region != r.region) continue;
        refreshed.fallback_status = scanned.status;
        refreshed.fallback_error = scanned.error;
      }
    } else {
      refreshed.fallback_error = error;
    }
    r = std::move(refreshed);
  }
  return result;
}

void read_deferred_rows(CacheResult& result, store::ScanStore& store, const CacheGetOptions& options) {
  for (auto& r : result.regions) {
    if (!r.rows_deferred) continue;
    CachedRegion again = read_region(store, r.region, options, false);
    again.fallback_scan_id = std::move(r.fallback_scan_id);
    again.fallback_status = r.fallback_status;
    again.fallback_error = std::move(r.fallback_error);
    r = std::move(again);
  }
}

}  // namespace oddsctl::cache
