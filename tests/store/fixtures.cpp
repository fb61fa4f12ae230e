#include "fixtures.hpp"

#include <doctest/doctest.h>

namespace oddsctl::test {

// A month ahead of the real clock: every test time is then in the future, so a backend that
// also expires rows by wall clock (MongoDB's TTL index on leases) never removes them mid-case.
TimePoint t0() {
  static const TimePoint base = std::chrono::floor<std::chrono::seconds>(now_utc()) + std::chrono::hours(24 * 30);
  return base;
}
TimePoint at_s(std::int64_t s) { return t0() + std::chrono::seconds(s); }

Event make_event(const std::string& id, const std::string& sport_key, double home_price) {
  Event e;
  e.id = id;
  e.sport_key = sport_key;
  e.sport_title = sport_key == "soccer_epl" ? "EPL" : "Other";
  e.home_team = "Arsenal " + id;
  e.away_team = "Chelsea " + id;
  e.commence_time = at_s(86400);
  Bookmaker neds{"neds", "Neds", at_s(-60), {}};
  neds.markets.push_back(
      {"h2h", at_s(-61), {{"Arsenal " + id, home_price, {}}, {"Chelsea " + id, 3.4, {}}, {"Draw", 3.25, {}}}});
  neds.markets.push_back({"spreads", std::nullopt, {{"Arsenal " + id, 1.91, -0.5}, {"Chelsea " + id, 1.95, 0.5}}});
  Bookmaker betfair{"betfair_ex_au", "Betfair", std::nullopt, {}};
  betfair.markets.push_back({"totals", at_s(-5), {{"Over", 1.87, 2.5}, {"Under", 2.02, 2.5}}});
  e.bookmakers = {neds, betfair};
  return e;
}

Opportunity make_opportunity(const std::string& region, const std::string& event_id, const std::string& market,
                             std::optional<double> point, double profit_pct) {
  Opportunity o;
  o.region = region;
  o.sport_key = "soccer_epl";
  o.sport_title = "EPL";
  o.event_id = event_id;
  o.home_team = "Arsenal";
  o.away_team = "Chelsea \"The Blues\" ü";  // quoting and UTF-8 survive
  o.commence_time = at_s(7200);
  o.market = market;
  o.point = point;
  o.implied_sum = 0.975;
  o.profit_pct = profit_pct;
  Leg home{"Arsenal", point, 2.04, 2.04, {"neds"}, 49.0};
  Leg away{
      "Chelsea",   point ? std::optional<double>(-*point) : std::nullopt, 2.1, 2.045, {"betfair_ex_au", "ladbrokes"},
      std::nullopt};
  o.legs = {home, away};
  return o;
}

store::RegionScan make_scan(const std::string& scan_id, const std::string& region, TimePoint started_at,
                            store::RegionStatus status, int opportunities) {
  store::RegionScan s;
  s.scan_id = scan_id;
  s.region = region;
  s.command = "scan";
  s.worker = "host-a:4242";
  s.started_at = started_at;
  s.duration_ms = 812;
  s.status = status;
  if (status == store::RegionStatus::failed) s.error = "HTTP 500 from /v4/sports";
  if (status == store::RegionStatus::partial) s.failed_sports = {"tennis_atp", "cricket_ipl"};
  s.requests = 7;
  s.credits_used = 18;
  s.credits_remaining = status == store::RegionStatus::failed ? std::nullopt : std::optional<std::int64_t>(99982);
  s.events = 72;
  const char* markets[] = {"h2h", "spreads", "totals"};
  for (int i = 0; i < opportunities; ++i) {
    std::string m = markets[i % 3];
    std::optional<double> point = m == "h2h" ? std::nullopt : std::optional<double>(m == "spreads" ? -0.5 : 2.5);
    s.opportunities.push_back(make_opportunity(region, "ev" + std::to_string(i), m, point, 5.0 - i * 0.25));
  }
  s.opportunity_count = opportunities;
  return s;
}

store::TrackedEvent make_tracked(const std::string& region, const std::string& event_id, TimePoint commence) {
  store::TrackedEvent e;
  e.region = region;
  e.event_id = event_id;
  e.sport_key = "soccer_epl";
  e.sport_title = "EPL";
  e.home_team = "Arsenal";
  e.away_team = "Chelsea";
  e.commence_time = commence;
  e.discovered_at = t0();
  return e;
}

store::Snapshot make_snapshot(const std::string& region, const std::string& event_id, TimePoint taken_at,
                              const std::string& fingerprint) {
  store::Snapshot s;
  s.region = region;
  s.event_id = event_id;
  s.sport_key = "soccer_epl";
  s.taken_at = taken_at;
  s.fingerprint = fingerprint;
  s.event = make_event(event_id);
  return s;
}

LedgerEntry make_ledger(const std::string& key_id, TimePoint at, std::optional<std::int64_t> remaining,
                        const std::string& region) {
  LedgerEntry e;
  e.at = at;
  e.key_id = key_id;
  e.key_hint = "\xE2\x80\xA6" + key_id.substr(key_id.size() > 4 ? key_id.size() - 4 : 0);
  e.region = region;
  e.command = "scan";
  e.endpoint = "odds";
  e.sport = "soccer_epl";
  e.http_status = 200;
  e.credits.remaining = remaining;
  e.credits.used = remaining ? std::optional<std::int64_t>(100000 - *remaining) : std::nullopt;
  e.credits.last = 3;
  return e;
}

std::int64_t removed(const store::CleanupReport& r, const std::string& kind) {
  auto it = r.removed.find(kind);
  if (it == r.removed.end()) return 0;
  std::int64_t n = 0;
  for (const auto& [region, count] : it->second) n += count;
  return n;
}

std::int64_t removed(const store::CleanupReport& r, const std::string& kind, const std::string& region) {
  auto it = r.removed.find(kind);
  if (it == r.removed.end()) return 0;
  auto jt = it->second.find(region);
  return jt == it->second.end() ? 0 : jt->second;
}

}  // namespace oddsctl::test
