// Low hold (the contract's "Low hold"): hold_pct = (implied_sum - 1) * 100 from the best
// prices, listed at or below --max-hold, arbitrages included with a negative hold.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "detect_fixture.hpp"
#include "oddsctl/engine/detect.hpp"
#include "oddsctl/errors.hpp"

using namespace oddsctl;
using namespace detect_test;
using namespace std::chrono_literals;

namespace {

std::vector<Opportunity> lowhold(const std::vector<Event>& events, double max_hold = 2.0) {
  engine::ArbRules r;
  r.now = k_now;
  engine::DetectRules d;
  d.find = engine::parse_find_kinds({"lowhold"});
  d.lowhold.max_hold_pct = max_hold;
  return find_opportunities("us", events, r, d);
}

}  // namespace

TEST_CASE("the hold of an arbitrage is negative, and it is listed as lowhold") {
  Event e = event("arb");
  quote(e, "a", "h2h", {{"Home", 2.2, {}}, {"Away", 1.8, {}}});
  quote(e, "b", "h2h", {{"Home", 1.8, {}}, {"Away", 2.1, {}}});
  auto ops = lowhold({e});
  REQUIRE(ops.size() == 1);
  const auto& o = ops[0];
  CHECK(o.kind == OpportunityKind::lowhold);
  REQUIRE(o.hold_pct.has_value());
  CHECK(*o.hold_pct < 0);
  CHECK(*o.hold_pct == doctest::Approx((1 / 2.2 + 1 / 2.1 - 1) * 100));
  CHECK(o.profit_pct == doctest::Approx((1 / (1 / 2.2 + 1 / 2.1) - 1) * 100));
  CHECK(o.legs.size() == 2);
}

TEST_CASE("--max-hold: at or below it, best first; the schema is an arbitrage's plus hold_pct") {
  Event near = event("near");  // 1/1.97 + 1/1.97 = 1.01523: hold 1.52 %
  quote(near, "a", "h2h", {{"Home", 1.97, {}}, {"Away", 1.90, {}}});
  quote(near, "b", "h2h", {{"Home", 1.90, {}}, {"Away", 1.97, {}}});
  Event wide = event("wide");  // 1/1.91 + 1/1.91 = 1.04712: hold 4.71 %
  quote(wide, "a", "h2h", {{"Home", 1.91, {}}, {"Away", 1.91, {}}});
  Event two = event("two");  // 1/1.96 + 1/1.96 = 1.020408: hold 2.04 %, above 2
  quote(two, "a", "h2h", {{"Home", 1.96, {}}, {"Away", 1.96, {}}});
  Event arb = event("arb");
  quote(arb, "a", "h2h", {{"Home", 2.1, {}}, {"Away", 2.1, {}}});

  auto ops = lowhold({near, wide, two, arb});
  REQUIRE(ops.size() == 2);
  CHECK(ops[0].event_id == "arb");  // the lowest hold first
  CHECK(ops[1].event_id == "near");
  CHECK(*ops[1].hold_pct == doctest::Approx(1.5228).epsilon(1e-3));

  auto j = to_json(ops[1]);
  CHECK(j["kind"] == "lowhold");
  CHECK(j["hold_pct"].get<double>() == doctest::Approx(1.522843).epsilon(1e-6));
  for (const char* key : {"point", "implied_sum", "profit_pct", "legs", "flags", "event_id", "market"})
    CHECK_MESSAGE(j.contains(key), key);
  CHECK(opportunity_from_json(j).hold_pct.value() == doctest::Approx(*ops[1].hold_pct));

  CHECK(lowhold({near, wide, two, arb}, 5.0).size() == 4);
  CHECK(lowhold({near, wide, two, arb}, -1.0).size() == 1);  // only the arbitrage (hold -4.76 %)
}

TEST_CASE("low hold uses the contract's lines: spreads and totals per line, every side priced") {
  Event e = event("lines");
  quote(e, "a", "spreads", {{"Home", 1.95, -3.5}, {"Away", 1.95, 3.5}});
  quote(e, "b", "spreads", {{"Home", 2.05, -4.5}});  // no away at +4.5: not a market to hold
  quote(e, "a", "totals", {{"Over", 2.0, 220.5}, {"Under", 1.98, 220.5}});
  auto ops = lowhold({e});
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].market == "totals");
  CHECK(*ops[0].point == 220.5);
  auto wider = lowhold({e}, 3.0);
  REQUIRE(wider.size() == 2);
  CHECK(wider[1].market == "spreads");
  CHECK(*wider[1].point == -3.5);
}

TEST_CASE("--find lowhold is in this build") {
  CHECK(engine::parse_find_kinds({"lowhold"}).lowhold);
  CHECK(engine::parse_find_kinds({"middles"}).middles);
  auto all = engine::parse_find_kinds({"all"});
  CHECK(all.lowhold);
  CHECK(all.middles);
}
