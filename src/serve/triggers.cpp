// The write endpoints, which exist only when ODDSCTL_SERVE_TOKEN is set: one scan of a
// region (the regional scan-au ... endpoints of the design serve replaces) and the
// on-demand sync of one event, each behind the bearer token.
#include <cctype>
#include <cmath>
#include <strings.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "oddsctl/errors.hpp"
#include "serve/service.hpp"

namespace oddsctl::serve {

namespace {

// Marks a key busy for the life of the object; `acquired` false when it already was.
class Busy {
public:
  Busy(std::mutex& m, std::set<std::string>& set, std::string key) : m_mutex(m), m_set(set), m_key(std::move(key)) {
    std::lock_guard lock(m_mutex);
    acquired = m_set.insert(m_key).second;
  }
  ~Busy() {
    if (!acquired) return;
    std::lock_guard lock(m_mutex);
    m_set.erase(m_key);
  }
  bool acquired = false;

private:
  std::mutex& m_mutex;
  std::set<std::string>& m_set;
  std::string m_key;
};

HttpResponse json_response(int status, const nlohmann::json& doc) {
  HttpResponse r;
  r.status = status;
  r.body = doc.dump();
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

bool safe_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return true;
}

}  // namespace

std::optional<HttpResponse> Service::unauthorized(const HttpRequest& request) const {
  const std::string header = request.header("Authorization");
  const std::string prefix = "Bearer ";
  bool ok = false;
  if (header.size() > prefix.size() && strncasecmp(header.c_str(), prefix.c_str(), prefix.size()) == 0)
    ok = secrets_equal(header.substr(prefix.size()), *m_options.token);
  if (ok) return std::nullopt;
  HttpResponse r = error_response(
      401, header.empty() ? "authorization required: Authorization: Bearer <ODDSCTL_SERVE_TOKEN>" : "bad token", 2);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"oddsctl\"");
  return r;
}

HttpResponse Service::trigger_scan(const HttpRequest& request, const std::string& region_text) {
  if (auto denied = unauthorized(request)) return *denied;
  std::string region;
  for (char c : region_text) region += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!is_known_region(region)) return error_response(404, "unknown region '" + region_text + "' (au, uk, us, eu)", 2);
  Busy busy(m_mutex, m_scanning, region);
  if (!busy.acquired) return error_response(409, "a scan of " + region + " is already running (started here)", 75);

  scan::ScanOptions o = m_options.scan;
  o.regions = {region};
  o.command = "serve";
  o.store_results = true;
  auto store = m_pool.acquire();
  scan::ScanReport report;
  try {
    report = run_scan(o, store.get(), m_options.api_factory, m_options.env);
  } catch (const StoreError&) {
    store.broken();
    throw;
  }
  nlohmann::json doc = scan_report_json(report);
  const store::RegionScan* r = report.regions.empty() ? nullptr : &report.regions.front();
  int status = 200;
  if (r && r->status == store::RegionStatus::skipped) {
    doc["error"] = {
        {"exit_code", 75},
        {"message", "region " + region + " is being scanned by another run: " + r->error.value_or("its lease is held")},
        {"status", 409}};
    status = 409;
  } else if (report.budget_stopped) {
    status = 503;
  } else if (r && r->status == store::RegionStatus::failed) {
    status = 502;  // the upstream answered nothing usable; the body says why
  }
  spdlog::info("serve: triggered scan of {}: {} ({} ms)", region, r ? to_string(r->status) : "?", report.duration_ms);
  return json_response(status, doc);
}

HttpResponse Service::trigger_sync(const HttpRequest& request, const std::string& event_id) {
  if (auto denied = unauthorized(request)) return *denied;
  if (!safe_id(event_id)) return error_response(404, "not a tracked event id: '" + event_id + "'", 2);
  const Millis interval = m_options.sync.min_interval;
  auto retry_after = [&](Millis wait, const std::string& why) {
    const auto secs = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait.count() / 1000.0)));
    HttpResponse r = error_response(429, why + "; retry in " + std::to_string(secs) + " s", 75);
    r.headers.emplace_back("Retry-After", std::to_string(secs));
    return r;
  };
  Busy busy(m_mutex, m_syncing, event_id);
  if (!busy.acquired) return retry_after(interval, "event " + event_id + " is being synced now");

  auto store = m_pool.acquire();
  try {
    // The minimum-interval guard, before any credit is spent: when every region of the
    // event was synced (or tried) within sync.min_interval, say when it may be asked again.
    store::TrackedQuery q;
    q.event_id = event_id;
    auto tracked = store->list_tracked(q);
    if (tracked.empty())
      return error_response(404, "'" + event_id + "' is not a tracked event (run sync --discover first)", 2);
    const TimePoint now = now_utc();
    std::optional<Millis> soonest;
    bool any_due = false;
    for (const auto& e : tracked) {
      auto last = e.last_attempt_at ? e.last_attempt_at : e.last_synced_at;
      if (!last || *last + interval <= now) {
        any_due = true;
        break;
      }
      Millis wait = std::chrono::duration_cast<Millis>(*last + interval - now);
      if (!soonest || wait < *soonest) soonest = wait;
    }
    if (!any_due)
      return retry_after(*soonest, "event " + event_id + " was synced less than sync.min_interval (" +
                                       format_duration(interval) + ") ago");

    sync::SyncOptions o = m_options.sync;
    o.event_id = event_id;
    o.tier.reset();
    o.force = false;
    o.sync = true;
    o.discover = false;
    o.discover_every.reset();
    sync::SyncReport report = run_sync(o, *store, m_options.api_factory, m_options.env);
    nlohmann::json doc = sync_report_json(report);
    int status = 200;
    if (report.totals.synced == 0 && report.skipped_recent > 0)
      return retry_after(interval, "synced by another run just now");
    if (report.budget_tripped) status = 503;
    else if (report.totals.synced == 0 && report.totals.failed > 0) status = 502;
    spdlog::info("serve: triggered sync of {}: {} synced, {} failed", event_id, report.totals.synced,
                 report.totals.failed);
    return json_response(status, doc);
  } catch (const StoreError&) {
    store.broken();
    throw;
  }
}

}  // namespace oddsctl::serve
