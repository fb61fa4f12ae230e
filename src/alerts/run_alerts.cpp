// run_alerts: latest good scans -> due opportunities -> deliveries -> marks.
#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "oddsctl/alerts.hpp"
#include "oddsctl/cache.hpp"
#include "oddsctl/scan.hpp"

namespace oddsctl::alerts {

namespace {

constexpr const char* k_lease = "alerts";

bool better(const Opportunity& a, const Opportunity& b) {
  const double sa = opportunity_score(a), sb = opportunity_score(b);
  if (sa != sb) return sa > sb;
  if (a.region != b.region) return a.region < b.region;
  return opportunity_before(a, b);
}

// Releases the run's lease however the run ends.
class LeaseGuard {
public:
  LeaseGuard(store::Store& store, std::string owner) : m_store(store), m_owner(std::move(owner)) {}
  ~LeaseGuard() {
    try {
      m_store.release_lease(k_lease, m_owner);
    } catch (const std::exception& e) {
      spdlog::warn("alerts: could not release the lease: {}", e.what());
    }
  }
  LeaseGuard(const LeaseGuard&) = delete;
  LeaseGuard& operator=(const LeaseGuard&) = delete;

private:
  store::Store& m_store;
  std::string m_owner;
};

// The cached opportunities of each asked region that is present and fresh enough.
std::vector<Opportunity> collect(store::Store& store, const AlertOptions& o, AlertReport& report) {
  std::vector<std::string> regions = o.regions;
  if (regions.empty()) regions = cache::resolve_cache_regions(store, {"all"});
  std::vector<Opportunity> out;
  for (const auto& name : regions) {
    AlertRegion r{name, "missing", std::nullopt, std::nullopt, 0};
    if (auto scan = store.latest_good(name, o.source)) {
      r.scan_id = scan->scan_id;
      r.age = std::max(Millis(0), o.now - scan->started_at);
      r.opportunities = static_cast<int>(scan->opportunities.size());
      if (o.max_age && *r.age > *o.max_age) {
        r.status = "stale";
      } else {
        r.status = "ok";
        for (auto& opp : scan->opportunities) {
          if (opportunity_score(opp) < o.min_profit_pct) continue;  // ev_pct for value bets
          if (!o.include_flagged && !opp.flags.empty()) continue;   // outlier_leg, high_roi, thin: verify first
          if (opp.region.empty()) opp.region = name;
          out.push_back(std::move(opp));
        }
      }
    }
    report.regions.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), better);
  return out;
}

}  // namespace

int AlertReport::delivered() const {
  return static_cast<int>(
      std::count_if(alerts.begin(), alerts.end(), [](const AlertResult& a) { return a.delivered; }));
}

int AlertReport::failed() const {
  return static_cast<int>(
      std::count_if(alerts.begin(), alerts.end(), [](const AlertResult& a) { return a.attempted && !a.delivered; }));
}

ExitCode AlertReport::exit_code() const {
  int bad = failed();
  if (bad == 0) return ExitCode::ok;
  return delivered() == 0 ? ExitCode::runtime : ExitCode::partial;
}

AlertReport run_alerts(store::Store& store, const AlertOptions& options, const AlertSink& sink) {
  AlertReport report;
  report.now = options.now;
  report.dry_run = options.dry_run;

  std::optional<LeaseGuard> guard;
  if (!options.dry_run) {
    store::LeaseResult lease = store.acquire_lease(k_lease, options.owner, options.lease_ttl, options.now);
    if (!lease.acquired) {
      spdlog::warn("alerts: another run ({}) holds the alerts lease until {}; nothing sent", lease.lease.owner,
                   format_rfc3339(lease.lease.expires_at));
      report.skipped_busy = true;
      return report;
    }
    guard.emplace(store, options.owner);
  }

  std::set<std::string> seen;
  for (auto& opp : collect(store, options, report)) {
    std::string key = alert_key(opp);
    if (!seen.insert(key).second) continue;  // one alert per key per run
    ++report.considered;
    // Escalation on the kind's own figure: a value bet escalates when its EV rises a step.
    auto reason =
        alert_due(store.get_alert(key), opportunity_score(opp), options.now, options.window, options.escalation_step);
    if (!reason) {
      ++report.suppressed;
      continue;
    }
    AlertResult result;
    result.key = key;
    result.reason = *reason;
    result.payload = scan::opportunity_json(opp);
    result.payload["alert_key"] = key;
    result.payload["reason"] = to_string(*reason);
    result.opportunity = std::move(opp);
    report.alerts.push_back(std::move(result));
  }

  if (options.dry_run) return report;
  for (auto& a : report.alerts) {
    a.attempted = true;
    Delivery d;
    try {
      d = sink(a.payload);
    } catch (const std::exception& e) {
      d = {false, e.what()};
    }
    a.delivered = d.ok;
    a.error = d.error;
    if (d.ok) {
      store.mark_alert(store::AlertMark{a.key, options.now, opportunity_score(a.opportunity)});
    } else {
      spdlog::warn("alerts: {} not delivered (retried next run): {}", a.key, d.error);
    }
    // Deliveries may be slow (timeouts): keep the lease ours for the rest of the run.
    store.renew_lease(k_lease, options.owner, options.lease_ttl, now_utc());
  }
  return report;
}

nlohmann::json alert_report_json(const AlertReport& report) {
  nlohmann::json regions = nlohmann::json::array();
  for (const auto& r : report.regions) {
    regions.push_back({{"region", r.region},
                       {"status", r.status},
                       {"scan_id", r.scan_id ? nlohmann::json(*r.scan_id) : nlohmann::json(nullptr)},
                       {"age_s", r.age ? nlohmann::json(r.age->count() / 1000) : nlohmann::json(nullptr)},
                       {"opportunities", r.opportunities}});
  }
  nlohmann::json alerts = nlohmann::json::array();
  for (const auto& a : report.alerts) {
    const Opportunity& o = a.opportunity;
    alerts.push_back({{"alert_key", a.key},
                      {"reason", to_string(a.reason)},
                      {"region", o.region},
                      {"event_id", o.event_id},
                      {"market", o.market},
                      {"point", o.point ? nlohmann::json(*o.point) : nlohmann::json(nullptr)},
                      {"profit_pct", o.profit_pct},
                      {"attempted", a.attempted},
                      {"delivered", a.delivered},
                      {"error", a.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.error)},
                      {"payload", a.payload}});
  }
  return {{"generated_at", format_rfc3339(report.now)},
          {"dry_run", report.dry_run},
          {"skipped_busy", report.skipped_busy},
          {"considered", report.considered},
          {"due", static_cast<int>(report.alerts.size())},
          {"delivered", report.delivered()},
          {"failed", report.failed()},
          {"suppressed", report.suppressed},
          {"regions", regions},
          {"alerts", alerts}};
}

}  // namespace oddsctl::alerts
