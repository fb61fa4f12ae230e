// cache get: freshness, filters, strict, fallback, the JSON document and the TTY lines,
// against a real SQLite store.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "test_cache_util.hpp"
#include "oddsctl/cache.hpp"

using namespace oddsctl;
using namespace cache_test;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

cache::CacheGetOptions options_at(TimePoint now, std::vector<std::string> regions) {
  cache::CacheGetOptions o;
  o.now = now;
  o.regions = std::move(regions);
  return o;
}

void fill(store::Store& s) {
  s.save_scan(region_scan("s1", "au", t0(), store::RegionStatus::ok,
                          {opp("au", "soccer_epl", "e1", "h2h", 1.5), opp("au", "basketball_nba", "e2", "spreads", 3.0),
                           opp("au", "soccer_spain_la_liga", "e3", "totals", 0.5)}));
  s.save_scan(region_scan("s1", "uk", t0() - minutes(30), store::RegionStatus::ok,
                          {opp("uk", "soccer_epl", "e9", "h2h", 2.0)}));
}

}  // namespace

TEST_CASE("a fresh region is served with its age and exit 0") {
  TempStore store;
  fill(*store);
  auto r = cache_get(*store, options_at(t0() + seconds(42), {"au"}));
  REQUIRE(r.regions.size() == 1);
  CHECK(r.regions[0].fresh);
  CHECK(r.regions[0].age == Millis(42000));
  CHECK(r.exit_code() == ExitCode::ok);
  auto opps = r.opportunities();
  REQUIRE(opps.size() == 3);
  CHECK(opps[0].profit_pct == doctest::Approx(3.0));  // best first
  CHECK(cache_status_lines(r).at(0) == "AU: 3 opportunities, updated 42 s ago");
}

TEST_CASE("stale and missing regions exit 4 but are still printed unless strict") {
  TempStore store;
  fill(*store);
  auto o = options_at(t0() + seconds(10), {"au", "uk", "us"});
  auto r = cache_get(*store, o);
  CHECK(r.exit_code() == ExitCode::not_fresh);
  CHECK(r.regions[0].fresh);
  CHECK_FALSE(r.regions[1].fresh);  // 30 min old > 15m
  CHECK(r.regions[1].scan->opportunities.size() == 1);
  CHECK_FALSE(r.regions[2].scan.has_value());  // never scanned
  auto lines = cache_status_lines(r);
  CHECK(lines[1] == "UK: 1 opportunity, updated 30 min ago (stale: max age 15m)");
  CHECK(lines[2] == "US: no result in the cache");

  auto doc = cache_get_json(r);
  CHECK(doc["fresh"] == false);
  CHECK(doc["stale"] == nlohmann::json({"uk"}));
  CHECK(doc["missing"] == nlohmann::json({"us"}));
  CHECK(doc["regions"][2]["status"] == "missing");
  CHECK(doc["regions"][2]["age_s"].is_null());
  CHECK(doc["regions"][1]["age_s"] == 1810);
  CHECK(doc["regions"][1]["scanned_at"] == "2024-03-27T11:30:00Z");
  CHECK(doc["opportunities"].size() == 4);
  CHECK(doc["scan_id"] == "s1");

  o.strict = true;
  r = cache_get(*store, o);
  CHECK(r.regions[1].withheld);
  CHECK(r.regions[1].scan->opportunities.empty());
  CHECK(r.opportunities().size() == 3);
  CHECK(cache_status_lines(r)[1].find("withheld") != std::string::npos);

  o.max_age = std::chrono::hours(1);
  o.regions = {"uk"};
  CHECK(cache_get(*store, o).exit_code() == ExitCode::ok);
}

TEST_CASE("filters: sport (key or group), market, event, min profit") {
  TempStore store;
  fill(*store);
  auto o = options_at(t0(), {"au"});
  o.filter.sports = {"soccer"};
  auto r = cache_get(*store, o);
  CHECK(r.opportunities().size() == 2);
  CHECK(cache_status_lines(r)[0] == "AU: 2 of 3 opportunities, updated 0 s ago");
  CHECK(cache_get_json(r)["regions"][0]["opportunities"] == 2);
  CHECK(cache_get_json(r)["regions"][0]["opportunities_stored"] == 3);

  o.filter = {};
  o.filter.sports = {"soccer_ep"};  // not a group prefix: no match
  CHECK(cache_get(*store, o).opportunities().empty());

  o.filter = {};
  o.filter.markets = {"spreads", "totals"};
  CHECK(cache_get(*store, o).opportunities().size() == 2);

  o.filter = {};
  o.filter.events = {"e3"};
  CHECK(cache_get(*store, o).opportunities().at(0).event_id == "e3");

  o.filter = {};
  o.filter.min_profit_pct = 1.5;
  CHECK(cache_get(*store, o).opportunities().size() == 2);
}

TEST_CASE("invalidate makes a region missing; a failed scan never replaces the latest good") {
  TempStore store;
  fill(*store);
  store->save_scan(region_scan("s2", "au", t0() + minutes(1), store::RegionStatus::failed));
  auto r = cache_get(*store, options_at(t0() + minutes(2), {"au"}));
  CHECK(r.regions[0].scan->scan_id == "s1");
  store->invalidate(std::string("au"));
  r = cache_get(*store, options_at(t0() + minutes(2), {"au", "uk"}));
  CHECK_FALSE(r.regions[0].scan.has_value());
  CHECK(r.regions[1].scan.has_value());  // only au was invalidated
}

TEST_CASE("fallback scans only the regions not fresh, then serves what the store holds") {
  TempStore store;
  fill(*store);
  std::vector<std::string> asked;
  cache::FallbackScan fallback = [&](const std::vector<std::string>& regions) {
    asked = regions;
    scan::ScanReport report;
    report.scan_id = "live1";
    for (const auto& region : regions) {
      auto s = region_scan("live1", region, t0() + minutes(20),
                           region == "us" ? store::RegionStatus::failed : store::RegionStatus::ok,
                           {opp(region, "soccer_epl", "e7", "h2h", 4.0)});
      s.command = "cache-fallback";
      store->save_scan(s);
      report.regions.push_back(s);
    }
    return report;
  };
  auto r = cache_get(*store, options_at(t0() + minutes(20), {"au", "uk", "us"}), fallback);
  CHECK(asked == std::vector<std::string>{"au", "uk", "us"});  // au is 20 min old: stale too
  CHECK(r.regions[0].fresh);
  CHECK(r.regions[0].scan->scan_id == "live1");
  CHECK(r.regions[0].scan->command == "cache-fallback");
  CHECK(r.regions[1].fallback_status == store::RegionStatus::ok);
  CHECK_FALSE(r.regions[2].fresh);  // the live scan failed: still missing
  CHECK(r.regions[2].fallback_error == std::string("upstream said no"));
  CHECK(r.exit_code() == ExitCode::not_fresh);
  CHECK(cache_get_json(r)["regions"][2]["fallback"]["status"] == "failed");

  // Everything fresh: no fallback call at all.
  asked.clear();
  r = cache_get(*store, options_at(t0() + minutes(21), {"au", "uk"}), fallback);
  CHECK(asked.empty());
  CHECK(r.exit_code() == ExitCode::ok);

  // A fallback that throws leaves the cache's answer and says why.
  cache::FallbackScan broken = [](const std::vector<std::string>&) -> scan::ScanReport {
    throw BudgetError("reserve reached");
  };
  r = cache_get(*store, options_at(t0() + std::chrono::hours(2), {"au"}), broken);
  CHECK(r.regions[0].scan->scan_id == "live1");
  CHECK(r.regions[0].fallback_error == std::string("reserve reached"));
  CHECK(cache_status_lines(r)[0].find("live scan failed: reserve reached") != std::string::npos);
}

TEST_CASE("regions: lists, all, unknown") {
  TempStore store;
  CHECK(cache::resolve_cache_regions(*store, {"all"}) == known_regions());  // empty store: every region
  fill(*store);
  CHECK(cache::resolve_cache_regions(*store, {"all"}) == std::vector<std::string>{"au", "uk"});
  CHECK(cache::resolve_cache_regions(*store, {"UK, au", "uk"}) == std::vector<std::string>{"uk", "au"});
  CHECK_THROWS_AS(cache::resolve_cache_regions(*store, {"mars"}), UsageError);
  CHECK_THROWS_AS(cache::resolve_cache_regions(*store, {""}), UsageError);
}

TEST_CASE("format_age") {
  CHECK(cache::format_age(Millis(42000)) == "42 s");
  CHECK(cache::format_age(Millis(119000)) == "119 s");
  CHECK(cache::format_age(minutes(5)) == "5 min");
  CHECK(cache::format_age(std::chrono::hours(3)) == "3 h");
  CHECK(cache::format_age(std::chrono::hours(24 * 9)) == "9 d");
  CHECK(cache::format_age(Millis(-5)) == "0 s");
}
