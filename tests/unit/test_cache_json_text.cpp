// cache_get_json_text (the fast `cache get --json` writer) must read back as exactly what
// cache_get_json builds: same fields, values, rounding and order, through the store.
#include <doctest/doctest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "test_cache_util.hpp"
#include "oddsctl/cache.hpp"

using namespace cache_test;
using nlohmann::json;

namespace {

// Stakes with fractions of a cent, spreads and totals with points, profit ties broken by
// region/event/market/point, escapes and UTF-8 (valid and broken) in names.
std::vector<Opportunity> varied(const std::string& region) {
  std::vector<Opportunity> v;
  v.push_back(opp(region, "soccer_epl", "e1", "h2h", 2.5));
  v.push_back(opp(region, "soccer_epl", "e2", "spreads", 2.5));  // tie with e1
  v.push_back(opp(region, "soccer_epl", "e2", "h2h", 2.5));
  v.push_back(opp(region, "basketball_nba", "e3", "totals", 1.0 / 3.0));
  v.push_back(opp(region, "basketball_nba", "e4", "spreads", 7.0));
  v.back().point = 1.5;
  v.push_back(opp(region, "tennis_atp", "e5", "h2h", 0.1234567891));
  v.back().home_team = "Quote \" and \\ and \n tab\t";
  v.back().away_team = "M\xc3\xbcnchen \xe2\x82\xac broken \xff";
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i].implied_sum = 0.97123456789 + static_cast<double>(i) * 1e-9;
    for (auto& l : v[i].legs) {
      l.stake = 48.123456 + static_cast<double>(i) * 0.005;  // .xx5 rounds to the cent
      l.effective_price = 2.0987654321;
      l.price = 2.0 + static_cast<double>(i);  // integral prices
    }
  }
  v[0].legs[1].stake = std::nullopt;
  v[0].legs[0].bookmakers = {"neds", "tab", "sportsbet"};
  return v;
}

json fast(const oddsctl::cache::CacheResult& r) { return json::parse(cache_get_json_text(r)); }

}  // namespace

TEST_CASE("the fast cache get text reads back as cache_get_json, filtered or not") {
  TempStore store;
  const TimePoint now = t0() + std::chrono::minutes(1);
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, varied("au")));
  store->save_scan(
      region_scan("run-2", "uk", t0() - std::chrono::hours(2), store::RegionStatus::partial, varied("uk")));

  std::vector<oddsctl::cache::OpportunityFilter> filters(6);
  filters[1].sports = {"soccer"};
  filters[2].markets = {"spreads", "totals"};
  filters[3].events = {"e2", "e5"};
  filters[4].min_profit_pct = 2.5;
  filters[5].sports = {"basketball_nba"};
  filters[5].min_profit_pct = 100;  // nothing left
  for (const auto& filter : filters) {
    for (bool strict : {false, true}) {
      for (const auto& regions : std::vector<std::vector<std::string>>{{"au"}, {"au", "uk"}, {"uk", "us"}}) {
        oddsctl::cache::CacheGetOptions options;
        options.regions = regions;
        options.now = now;
        options.strict = strict;
        options.filter = filter;
        oddsctl::cache::CacheResult result = cache_get(*store, options);
        const json slow = cache_get_json(result);
        CAPTURE(slow.dump());
        CHECK(fast(result) == slow);
      }
    }
  }
}

TEST_CASE("stakes are served to the cent and ties keep the served order") {
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, varied("au")));
  oddsctl::cache::CacheGetOptions options;
  options.regions = {"au"};
  options.now = t0();
  const json doc = fast(cache_get(*store, options));
  REQUIRE(doc["opportunities"].size() == 6);
  CHECK(doc["opportunities"][0]["event_id"] == "e4");
  CHECK(doc["opportunities"][1]["event_id"] == "e1");
  CHECK(doc["opportunities"][2]["market"] == "h2h");
  CHECK(doc["opportunities"][3]["market"] == "spreads");
  for (const auto& o : doc["opportunities"])
    for (const auto& l : o["legs"])
      if (!l["stake"].is_null()) {
        const double cents = l["stake"].get<double>() * 100.0;
        CHECK(std::fabs(cents - std::round(cents)) < 1e-6);
      }
  CHECK(doc["opportunities"][1]["legs"][1]["stake"].is_null());
}
