// Every field of every kind of opportunity survives every codec the opportunity passes
// through: to_json/opportunity_from_json (the one description), the SQLite store (its text
// and its SAX fast path), the fast `cache get --json` writer, and the MongoDB mapping. A new
// field set in full_opportunities() and missing from any codec fails here.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "oddsctl/cache.hpp"
#include "oddsctl/engine/detect.hpp"
#include "test_cache_util.hpp"

#ifdef ODDSCTL_WITH_MONGO
#include "store/mongo/mapping.hpp"
#endif

using namespace cache_test;
using nlohmann::json;

namespace {

// One opportunity per kind with every optional field set, and a plain arbitrage.
std::vector<Opportunity> full_opportunities(const std::string& region) {
  std::vector<Opportunity> v;
  Opportunity plain = opp(region, "soccer_epl", "e0", "h2h", 1.25);
  v.push_back(plain);

  Opportunity arb = opp(region, "basketball_nba", "e1", "spreads", 3.5);
  arb.point = -4.5;
  arb.flags = {"high_roi", "outlier_leg"};
  for (auto& l : arb.legs) {
    l.stake = 50.01;
    l.age_s = 12.5;
    l.seen_since = t0() - std::chrono::minutes(3);
    l.previous_price = 1.95;
    l.link = "https://book.example/slip?e=1&o=\"x\"";
  }
  arb.stake_plan = StakePlan{true, 100.0, 103.5, 3.5, std::string("neds")};
  v.push_back(arb);

  Opportunity value = opp(region, "soccer_epl", "e2", "h2h", 0);
  value.kind = OpportunityKind::value;
  value.legs.resize(1);
  value.value = ValueBet{"neds",  value.legs[0].outcome, 2.3,  2.3,  0.47, 1.0 / 0.47, 8.1,
                         "power", {"pinnacle"},          2.75, 30.0, 12.34};
  value.flags = {"thin"};
  v.push_back(value);

  Opportunity middle = opp(region, "americanfootball_nfl", "e3", "spreads", 0);
  middle.kind = OpportunityKind::middle;
  middle.point = -2.5;
  middle.legs[0].point = -2.5;
  middle.legs[1].point = 3.5;
  middle.middle = Middle{2.5, 3.5, -2.1, 95.8, 0.093, 6.9, "nfl_margins.csv"};
  middle.implied_sum = 1.021;
  middle.profit_pct = -2.1;
  v.push_back(middle);

  Opportunity hold = opp(region, "tennis_atp", "e4", "totals", 0);
  hold.kind = OpportunityKind::lowhold;
  hold.point = 22.5;
  hold.implied_sum = 1.012;
  hold.profit_pct = (1 / 1.012 - 1) * 100;
  hold.hold_pct = 1.2;
  v.push_back(hold);
  return v;
}

}  // namespace

TEST_CASE("to_json and opportunity_from_json agree on every field of every kind") {
  for (const auto& o : full_opportunities("au")) {
    const json j = to_json(o);
    CAPTURE(j.dump());
    CHECK(j.at("kind") == to_string(o.kind));
    CHECK(j.at("flags").is_array());
    CHECK(to_json(opportunity_from_json(j)) == j);
  }
  // A value bet has no implied sum or profit to mislead with; the others keep the schema.
  const auto all = full_opportunities("au");
  CHECK_FALSE(to_json(all[2]).contains("profit_pct"));
  CHECK(to_json(all[2]).at("ev_pct") == 8.1);
  CHECK(to_json(all[3]).at("window") == json::array({2.5, 3.5}));
  CHECK(to_json(all[4]).at("hold_pct") == 1.2);
  CHECK(to_json(all[1]).at("legs")[0].at("link") == "https://book.example/slip?e=1&o=\"x\"");
}

TEST_CASE("documents from before kinds existed read as arbitrages without flags") {
  json j = to_json(full_opportunities("au")[0]);
  j.erase("kind");
  j.erase("flags");
  const Opportunity o = opportunity_from_json(j);
  CHECK(o.kind == OpportunityKind::arb);
  CHECK(o.flags.empty());
  j["kind"] = "sideways";
  CHECK_THROWS(opportunity_from_json(j));
}

TEST_CASE("the SQLite store and the fast cache writer keep every field of every kind") {
  TempStore store;
  const auto opps = full_opportunities("au");
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, opps));
  auto back = store->latest_good("au");
  REQUIRE(back);
  REQUIRE(back->opportunities.size() == opps.size());
  for (std::size_t i = 0; i < opps.size(); ++i) {
    CAPTURE(i);
    CHECK(to_json(back->opportunities[i]) == to_json(opps[i]));
  }

  oddsctl::cache::CacheGetOptions options;
  options.regions = {"au"};
  options.now = t0() + std::chrono::minutes(1);
  for (int k = 0; k < 2; ++k) {
    if (k == 1) options.filter.kinds = {OpportunityKind::value, OpportunityKind::lowhold};
    oddsctl::cache::CacheResult result = cache_get(*store, options);
    const json slow = cache_get_json(result);
    CAPTURE(slow.dump());
    CHECK(json::parse(cache_get_json_text(result)) == slow);
    CHECK(slow.at("opportunities").size() == (k == 0 ? opps.size() : 2));
  }
}

#ifdef ODDSCTL_WITH_MONGO
TEST_CASE("the MongoDB mapping keeps every field of every kind") {
  store::RegionScan s = region_scan("run-1", "au", t0(), store::RegionStatus::ok, full_opportunities("au"));
  auto doc = store::mongo::scan_to_bson(s);
  store::RegionScan back = store::mongo::scan_from_bson(store::mongo::Reader(doc.get()));
  REQUIRE(back.opportunities.size() == s.opportunities.size());
  for (std::size_t i = 0; i < s.opportunities.size(); ++i) {
    CAPTURE(i);
    CHECK(to_json(back.opportunities[i]) == to_json(s.opportunities[i]));
  }
}
#endif

TEST_CASE("--find and --kind name what they take and suggest the nearest") {
  CHECK(oddsctl::engine::parse_find_kinds({"arbs"}).only_arbs());
  CHECK_THROWS_WITH_AS(oddsctl::engine::parse_find_kinds({"arbz"}), doctest::Contains("did you mean 'arbs'"),
                       UsageError);
  CHECK_THROWS_AS(oddsctl::engine::parse_find_kinds({""}), UsageError);
  CHECK(oddsctl::engine::parse_opportunity_kinds({"arb,lowhold", "middles"}, "--kind") ==
        std::vector<OpportunityKind>{OpportunityKind::arb, OpportunityKind::lowhold, OpportunityKind::middle});
  CHECK_THROWS_WITH_AS(oddsctl::engine::parse_opportunity_kinds({"valeu"}, "--kind"),
                       doctest::Contains("--kind: unknown kind 'valeu'"), UsageError);
}
