// data/demo (what `oddsctl scan --demo` replays): exactly the planted arbitrages are found,
// and each trap listed in data/demo/README.md is what keeps its false arbitrage out.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "oddsctl/engine/arbitrage.hpp"

using namespace oddsctl;
namespace fs = std::filesystem;

namespace {

const TimePoint k_capture = parse_rfc3339("2025-06-01T12:00:00Z");

// Every sport file of one region, as a demo scan reads them.
std::vector<Event> region_events(const std::string& region) {
  std::vector<Event> all;
  const fs::path dir = fs::path(ODDSCTL_DATA_DIR) / "demo" / region;
  REQUIRE_MESSAGE(fs::is_directory(dir), "missing " << dir);
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto events = parse_events_json(ss.str(), OddsFormat::automatic);
    all.insert(all.end(), events.begin(), events.end());
  }
  return all;
}

engine::ArbRules demo_rules(const std::vector<Event>& events) {
  engine::ArbRules r;
  r.now = newest_update(events).value();
  return r;
}

// "region event-id market point books|books|..." for comparing whole sets.
std::string key(const std::string& region, const Opportunity& o) {
  std::string s = region + " " + o.home_team + " " + o.market + " " + (o.point ? std::to_string(*o.point) : "-");
  for (const auto& l : o.legs) {
    s += " ";
    for (const auto& b : l.bookmakers) s += b + ",";
  }
  return s;
}

}  // namespace

TEST_CASE("the demo's capture time is one moment in every region") {
  for (const char* region : {"au", "uk", "us", "eu"}) CHECK(newest_update(region_events(region)) == k_capture);
}

TEST_CASE("exactly the planted arbitrages are found") {
  std::set<std::string> found;
  std::map<std::string, double> profit;
  for (const char* region : {"au", "uk", "us", "eu"}) {
    auto events = region_events(region);
    for (const auto& o : find_arbitrage(region, events, demo_rules(events))) {
      found.insert(key(region, o));
      profit[o.home_team] = o.profit_pct;
    }
  }
  const std::set<std::string> planted = {
      "au Arsenal h2h - sportsbet, tab, neds,",
      "au Denver Nuggets h2h - ladbrokes_au, betfair_ex_au,",
      "uk Carlos Alcaraz h2h - williamhill, skybet,",
      "us Boston Celtics spreads -4.500000 draftkings, fanduel,",
      "us Philadelphia Eagles totals 44.500000 betmgm, caesars,",
      "eu Real Betis h2h - pinnacle, onexbet, betsson,",
  };
  CHECK(found == planted);
  // The profits data/demo/README.md lists.
  CHECK(profit["Arsenal"] == doctest::Approx(1.5725).epsilon(1e-4));
  CHECK(profit["Denver Nuggets"] == doctest::Approx(2.4417).epsilon(1e-4));  // net of Betfair's 5 %
  CHECK(profit["Carlos Alcaraz"] == doctest::Approx(2.9612).epsilon(1e-4));
  CHECK(profit["Boston Celtics"] == doctest::Approx(1.4975).epsilon(1e-4));  // from American odds
  CHECK(profit["Philadelphia Eagles"] == doctest::Approx(0.4975).epsilon(1e-4));
  CHECK(profit["Real Betis"] == doctest::Approx(1.7621).epsilon(1e-4));
}

TEST_CASE("each trap is removed by its rule") {
  auto has = [](const std::vector<Opportunity>& ops, const std::string& home, const std::string& market) {
    return std::any_of(ops.begin(), ops.end(),
                       [&](const Opportunity& o) { return o.home_team == home && o.market == market; });
  };
  auto eu = region_events("eu");
  engine::ArbRules r = demo_rules(eu);
  CHECK_FALSE(has(find_arbitrage("eu", eu, r), "Casper Ruud", "h2h"));
  r.include_live = true;  // the in-play match is the only thing include_live adds
  auto live = find_arbitrage("eu", eu, r);
  CHECK(has(live, "Casper Ruud", "h2h"));
  CHECK(live.size() == 2);

  auto uk = region_events("uk");
  r = demo_rules(uk);
  r.max_quote_age = std::chrono::hours(4);  // paddypower's 3 h old quotes become usable
  CHECK(has(find_arbitrage("uk", uk, r), "Liverpool", "h2h"));
  r = demo_rules(uk);
  r.commissions.set("betfair_ex_uk", 0.0);  // without commission the exchange leg makes it
  CHECK(has(find_arbitrage("uk", uk, r), "Novak Djokovic", "h2h"));
  r = demo_rules(uk);
  r.markets = {"h2h", "h2h_lay"};
  CHECK(find_arbitrage("uk", uk, r).size() == 1);  // lay prices never join

  auto au = region_events("au");
  r = demo_rules(au);
  CHECK_FALSE(has(find_arbitrage("au", au, r), "Newcastle United", "h2h"));  // Draw still needed
  r.commissions.set("betfair_ex_au", 0.0);
  CHECK(find_arbitrage("au", au, r).size() == 2);  // no other Betfair leg hides an arbitrage
}
