// /metrics in the Prometheus text format (0.0.4). Everything is read from the store at
// scrape time, so every process serving one store reports the same figures; only the
// request counts are this process's own.
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "oddsctl/budget.hpp"
#include "oddsctl/cache.hpp"
#include "serve/service.hpp"

namespace oddsctl::serve {

namespace {

// Label values: backslash, quote and newline escaped.
std::string esc(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string num(double v) {
  if (std::isnan(v)) return "NaN";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

class Writer {
public:
  void family(const std::string& name, const char* type, const std::string& help) {
    m_out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
  }
  void sample(const std::string& name, const std::vector<std::pair<std::string, std::string>>& labels, double v) {
    m_out << name;
    if (!labels.empty()) {
      m_out << "{";
      bool first = true;
      for (const auto& [k, val] : labels) {
        m_out << (first ? "" : ",") << k << "=\"" << esc(val) << "\"";
        first = false;
      }
      m_out << "}";
    }
    m_out << " " << num(v) << "\n";
  }
  std::string str() const { return m_out.str(); }

private:
  std::ostringstream m_out;
};

// The last 4 characters of a key ("…abcd" → "abcd"): never more of it.
std::string key_suffix(const std::string& hint) {
  const std::string ellipsis = "\xE2\x80\xA6";
  std::string s = hint.rfind(ellipsis, 0) == 0 ? hint.substr(ellipsis.size()) : hint;
  return s.size() > 4 ? s.substr(s.size() - 4) : s;
}

double seconds(TimePoint t) { return static_cast<double>(to_epoch_ms(t)) / 1000.0; }

const std::vector<double> k_buckets{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

}  // namespace

std::string metrics_text(store::Store* store, const MetricsInput& in, const EnvLookup& env) {
  Writer w;
  w.family("oddsctl_up", "gauge", "1 when the store could be read for this scrape");
  w.sample("oddsctl_up", {}, store && in.store_up ? 1 : 0);
  w.family("oddsctl_build_info", "gauge", "the oddsctl version");
  w.sample("oddsctl_build_info", {{"version", ODDSCTL_VERSION}}, 1);

  w.family("oddsctl_http_requests_total", "counter", "HTTP requests answered by this process, by status code");
  for (const auto& [status, n] : in.responses)
    w.sample("oddsctl_http_requests_total", {{"code", std::to_string(status)}}, static_cast<double>(n));

  if (!store || !in.store_up) return w.str();
  const std::string source = to_string(in.source);

  // Scans by region and status, and the latest result's age and freshness.
  cache::CacheStats stats = cache::cache_stats(*store, in.now, std::nullopt, in.source);
  std::map<std::string, const cache::RegionStats*> by_region;
  for (const auto& r : stats.regions) by_region[r.region] = &r;
  w.family("oddsctl_scans", "gauge", "stored (retained) scans by region and status");
  for (const auto& region : in.regions) {
    auto it = by_region.find(region);
    const cache::RegionStats* r = it == by_region.end() ? nullptr : it->second;
    for (const char* status : {"ok", "partial", "failed"}) {
      double n = !r                                 ? 0
                 : std::string(status) == "ok"      ? r->ok
                 : std::string(status) == "partial" ? r->partial
                                                    : r->failed;
      w.sample("oddsctl_scans", {{"region", region}, {"status", status}, {"source", source}}, n);
    }
  }
  w.family("oddsctl_scan_success_ratio", "gauge", "(ok + partial) / stored scans, by region");
  for (const auto& region : in.regions)
    if (auto it = by_region.find(region); it != by_region.end() && it->second->scans > 0)
      w.sample("oddsctl_scan_success_ratio", {{"region", region}, {"source", source}}, it->second->success_rate);

  w.family("oddsctl_last_success_timestamp_seconds", "gauge", "start of the newest good scan, Unix time, by region");
  for (const auto& region : in.regions)
    if (auto it = by_region.find(region); it != by_region.end() && it->second->last_success)
      w.sample("oddsctl_last_success_timestamp_seconds", {{"region", region}, {"source", source}},
               seconds(it->second->last_success->started_at));

  // Scan durations of the retained scans (the newest 1000 per region).
  w.family("oddsctl_scan_duration_seconds", "histogram", "duration of stored scans, by region");
  for (const auto& region : in.regions) {
    store::ScanQuery q;
    q.region = region;
    q.source = in.source;
    q.limit = 1000;
    std::vector<std::uint64_t> counts(k_buckets.size(), 0);
    double sum = 0;
    std::uint64_t total = 0;
    for (const auto& s : store->list_scans(q)) {
      double d = static_cast<double>(s.duration_ms) / 1000.0;
      for (std::size_t i = 0; i < k_buckets.size(); ++i)
        if (d <= k_buckets[i]) ++counts[i];
      sum += d;
      ++total;
    }
    for (std::size_t i = 0; i < k_buckets.size(); ++i)
      w.sample("oddsctl_scan_duration_seconds_bucket", {{"region", region}, {"le", num(k_buckets[i])}},
               static_cast<double>(counts[i]));
    w.sample("oddsctl_scan_duration_seconds_bucket", {{"region", region}, {"le", "+Inf"}}, static_cast<double>(total));
    w.sample("oddsctl_scan_duration_seconds_sum", {{"region", region}}, sum);
    w.sample("oddsctl_scan_duration_seconds_count", {{"region", region}}, static_cast<double>(total));
  }

  // The latest result served per region: its age, freshness and opportunities by kind.
  cache::CacheGetOptions o;
  o.regions = in.regions;
  o.source = in.source;
  o.max_age = in.max_age;
  o.now = in.now;
  cache::CacheResult latest = cache_get(*store, o);
  w.family("oddsctl_cache_age_seconds", "gauge", "age of the latest good result, by region");
  for (const auto& c : latest.regions)
    if (c.age)
      w.sample("oddsctl_cache_age_seconds", {{"region", c.region}, {"source", source}}, c.age->count() / 1000.0);
  w.family("oddsctl_cache_fresh", "gauge", "1 when the latest good result is younger than --max-age, by region");
  for (const auto& c : latest.regions)
    w.sample("oddsctl_cache_fresh", {{"region", c.region}, {"source", source}}, c.fresh ? 1 : 0);
  w.family("oddsctl_opportunities", "gauge", "opportunities in the latest good result, by region and kind");
  for (const auto& c : latest.regions) {
    std::map<std::string, int> kinds{{"arb", 0}, {"value", 0}, {"middle", 0}, {"lowhold", 0}};
    if (c.scan)
      for (const auto& opp : c.scan->opportunities) ++kinds[to_string(opp.kind)];
    for (const auto& [kind, n] : kinds) w.sample("oddsctl_opportunities", {{"region", c.region}, {"kind", kind}}, n);
  }

  // Credits per key (its last 4 characters only) and region.
  std::vector<budget::ConfiguredKey> configured = budget::configured_keys(env);
  budget::BudgetStatus budget = budget_status(*store, configured, in.now);
  w.family("oddsctl_credits_remaining", "gauge", "credits left as last reported by the API, by key suffix and region");
  for (const auto& k : budget.keys)
    if (k.remaining)
      for (const auto& region : k.regions)
        w.sample("oddsctl_credits_remaining", {{"key", key_suffix(k.key_hint)}, {"region", region}},
                 static_cast<double>(*k.remaining));
  w.family("oddsctl_credits_spent", "gauge", "credits spent in the window, by key suffix and region");
  for (const auto& k : budget.keys)
    for (const auto& region : k.regions)
      for (const auto& [window, n] :
           {std::pair<const char*, std::int64_t>{"1h", k.spent_1h}, {"24h", k.spent_24h}, {"30d", k.spent_30d}})
        w.sample("oddsctl_credits_spent", {{"key", key_suffix(k.key_hint)}, {"region", region}, {"window", window}},
                 static_cast<double>(n));
  // Calls to The Odds API in the last 24 h, by region and HTTP status (from the ledger).
  store::LedgerQuery lq;
  lq.since = in.now - std::chrono::hours(24);
  std::map<std::pair<std::string, int>, int> calls;
  for (const auto& row : store->ledger(lq)) ++calls[{row.region, row.http_status}];
  w.family("oddsctl_api_requests_24h", "gauge", "calls to The Odds API in the last 24 h, by region and HTTP status");
  for (const auto& [k, n] : calls)
    w.sample("oddsctl_api_requests_24h", {{"region", k.first}, {"status", std::to_string(k.second)}}, n);
  w.family("oddsctl_worker_last_cycle_timestamp_seconds", "gauge", "last cycle of each worker (scan/sync --every)");
  for (const auto& h : stats.workers)
    w.sample("oddsctl_worker_last_cycle_timestamp_seconds", {{"worker", h.worker_id}, {"command", h.command}},
             seconds(h.last_cycle_at));
  return w.str();
}

}  // namespace oddsctl::serve
