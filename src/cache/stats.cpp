// `cache stats`: per region health of the cache, computed from the retained scans.
#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "oddsctl/cache.hpp"
#include "oddsctl/keys.hpp"

namespace oddsctl::cache {

using nlohmann::json;

std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p % of the values at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  rank = std::clamp<std::size_t>(rank, 1, values.size());
  return values[rank - 1];
}

namespace {

RegionStats region_stats(store::Store& store, const std::string& region, const std::vector<store::RegionScan>& scans,
                         TimePoint now, store::ScanSource source) {
  // `scans` is newest first.
  RegionStats st;
  st.region = region;
  std::vector<std::int64_t> latencies;
  std::int64_t credits_sum = 0, credits_n = 0;
  for (const auto& s : scans) {
    ++st.scans;
    const bool good = s.good();  // an empty, filtered answer is no success
    if (s.status == store::RegionStatus::ok) ++st.ok;
    if (s.status == store::RegionStatus::partial) ++st.partial;
    if (s.status == store::RegionStatus::failed) ++st.failed;
    if (good && !st.last_success) st.last_success = s;
    if (s.status == store::RegionStatus::failed && !st.last_failure) st.last_failure = s;
    // Latency of scans that produced something: fast failures (a bad key) would hide slowness.
    if (good) latencies.push_back(s.duration_ms);
    if (s.credits_used) {
      credits_sum += *s.credits_used;
      ++credits_n;
    }
  }
  if (st.last_success) {
    st.age = std::max(Millis(0), std::chrono::duration_cast<Millis>(now - st.last_success->started_at));
    st.latency_last_ms = st.last_success->duration_ms;
  }
  st.latency_p50_ms = percentile(latencies, 50);
  st.latency_p95_ms = percentile(latencies, 95);
  st.success_rate = st.scans ? static_cast<double>(st.ok + st.partial) / static_cast<double>(st.scans) : 0.0;
  if (credits_n) st.credits_per_scan = static_cast<double>(credits_sum) / static_cast<double>(credits_n);
  st.cached = store.latest_good(region, source).has_value();
  return st;
}

json opt_json(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

std::int64_t seconds_of(Millis m) { return std::chrono::duration_cast<std::chrono::seconds>(m).count(); }

}  // namespace

CacheStats cache_stats(store::Store& store, TimePoint now, const std::optional<std::string>& region,
                       store::ScanSource source) {
  store::ScanQuery q;
  q.region = region;
  q.source = source;
  q.limit = 0;
  std::map<std::string, std::vector<store::RegionScan>> by_region;
  for (auto& s : store.list_scans(q)) by_region[s.region].push_back(std::move(s));

  CacheStats stats;
  stats.now = now;
  stats.source = source;
  for (const auto& known : known_regions()) {
    auto it = by_region.find(known);
    if (it == by_region.end()) continue;
    stats.regions.push_back(region_stats(store, known, it->second, now, source));
    by_region.erase(it);
  }
  for (const auto& [name, scans] : by_region) stats.regions.push_back(region_stats(store, name, scans, now, source));
  stats.workers = store.heartbeats();
  return stats;
}

json cache_stats_json(const CacheStats& stats) {
  json regions = json::array();
  for (const auto& r : stats.regions) {
    json j = {{"region", r.region},   {"source", to_string(stats.source)},
              {"scans", r.scans},     {"ok", r.ok},
              {"partial", r.partial}, {"failed", r.failed},
              {"cached", r.cached}};
    j["last_success"] = r.last_success ? json{{"scan_id", r.last_success->scan_id},
                                              {"at", format_rfc3339(r.last_success->started_at)},
                                              {"status", to_string(r.last_success->status)},
                                              {"opportunities", r.last_success->opportunity_count}}
                                       : json(nullptr);
    j["last_failure"] = r.last_failure
                            ? json{{"scan_id", r.last_failure->scan_id},
                                   {"at", format_rfc3339(r.last_failure->started_at)},
                                   {"error", r.last_failure->error ? json(*r.last_failure->error) : json(nullptr)}}
                            : json(nullptr);
    j["age_s"] = r.age ? json(seconds_of(*r.age)) : json(nullptr);
    j["latency_ms"] = {{"last", opt_json(r.latency_last_ms)},
                       {"p50", opt_json(r.latency_p50_ms)},
                       {"p95", opt_json(r.latency_p95_ms)}};
    j["success_rate"] = r.success_rate;
    j["credits_per_scan"] = r.credits_per_scan ? json(*r.credits_per_scan) : json(nullptr);
    regions.push_back(std::move(j));
  }
  json workers = json::array();
  for (const auto& w : stats.workers) {
    workers.push_back(
        {{"worker_id", w.worker_id},
         {"host", w.host},
         {"pid", w.pid},
         {"command", w.command},
         {"started_at", format_rfc3339(w.started_at)},
         {"last_cycle_at", format_rfc3339(w.last_cycle_at)},
         {"last_cycle_age_s",
          seconds_of(std::max(Millis(0), std::chrono::duration_cast<Millis>(stats.now - w.last_cycle_at)))},
         {"cycles", w.cycles},
         {"last_error", w.last_error ? json(*w.last_error) : json(nullptr)}});
  }
  return {
      {"generated_at", format_rfc3339(stats.now)}, {"regions", std::move(regions)}, {"workers", std::move(workers)}};
}

}  // namespace oddsctl::cache
