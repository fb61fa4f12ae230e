// The value-bet detector: reference choice, EV threshold, the rules it shares with arbitrage
// (fresh quotes, --bookmakers, exchanges net of commission), Kelly, and the JSON it writes.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "oddsctl/alerts.hpp"
#include "oddsctl/engine/detect.hpp"

using namespace oddsctl;
using namespace std::chrono_literals;

namespace {

const TimePoint k_now = parse_rfc3339("2024-05-01T12:00:00Z");

Event event(const std::string& id, const std::string& sport = "basketball_nba") {
  Event e;
  e.id = id;
  e.sport_key = sport;
  e.sport_title = sport;
  e.home_team = "Home";
  e.away_team = "Away";
  e.commence_time = k_now + 6h;
  return e;
}

void quote(Event& e, const std::string& book, const std::string& market, std::vector<Outcome> outcomes,
           Millis age = 1min) {
  auto it = std::find_if(e.bookmakers.begin(), e.bookmakers.end(), [&](auto& b) { return b.key == book; });
  if (it == e.bookmakers.end()) {
    e.bookmakers.push_back(Bookmaker{book, book, k_now - age, {}});
    it = e.bookmakers.end() - 1;
  }
  it->markets.push_back(Market{market, k_now - age, std::move(outcomes)});
}

void h2h(Event& e, const std::string& book, double home, double away, Millis age = 1min) {
  quote(e, book, "h2h", {{"Home", home, {}}, {"Away", away, {}}}, age);
}

engine::ArbRules arb_rules() {
  engine::ArbRules r;
  r.now = k_now;
  return r;
}

std::vector<Opportunity> value_bets(const std::vector<Event>& events, engine::ValueRules v = {},
                                    engine::ArbRules r = arb_rules()) {
  engine::DetectRules d;
  d.find = engine::FindKinds{false, true, false, false};
  d.value = std::move(v);
  return find_opportunities("us", events, r, d);
}

// pinnacle 1.80 / 2.10, power devig: p(Home) = 0.540278393592, p(Away) = 0.459721606408.
Event sharp_world() {
  Event e = event("ev1");
  h2h(e, "pinnacle", 1.80, 2.10);
  h2h(e, "soft_a", 1.95, 2.00);  // Home: 0.540278 * 1.95 = +5.354 %
  h2h(e, "soft_b", 1.85, 2.05);  // neither side beats fair
  h2h(e, "soft_c", 1.80, 2.25);  // Away: 0.459722 * 2.25 = +3.437 %
  return e;
}

}  // namespace

TEST_CASE("the sharp book's devigged price finds exactly the soft prices above fair") {
  auto found = value_bets({sharp_world()});
  REQUIRE(found.size() == 2);
  const auto& a = found[0];
  CHECK(a.kind == OpportunityKind::value);
  REQUIRE(a.value);
  CHECK(a.value->bookmaker == "soft_a");
  CHECK(a.value->outcome == "Home");
  CHECK(a.value->price == 1.95);
  CHECK(a.value->p_fair == doctest::Approx(0.540278393592).epsilon(1e-9));
  CHECK(a.value->fair_price == doctest::Approx(1.0 / 0.540278393592).epsilon(1e-9));
  CHECK(a.value->ev_pct == doctest::Approx(5.3542867504).epsilon(1e-8));
  CHECK(a.value->devig == "power");
  CHECK(a.value->reference == std::vector<std::string>{"pinnacle"});
  CHECK(a.value->reference_hold_pct == doctest::Approx((1 / 1.80 + 1 / 2.10 - 1) * 100));
  CHECK(a.value->age_s == doctest::Approx(60.0));
  CHECK_FALSE(a.value->kelly_stake.has_value());
  REQUIRE(a.legs.size() == 1);
  CHECK(a.legs[0].bookmakers == std::vector<std::string>{"soft_a"});
  CHECK(a.legs[0].outcome == "Home");
  CHECK_FALSE(a.point.has_value());
  CHECK(found[1].value->bookmaker == "soft_c");
  CHECK(found[1].value->outcome == "Away");
  CHECK(found[1].value->ev_pct == doctest::Approx(3.4373614418).epsilon(1e-8));
}

TEST_CASE("--min-ev filters; the reference book is never its own value bet") {
  engine::ValueRules v;
  v.min_ev_pct = 4.0;
  CHECK(value_bets({sharp_world()}, v).size() == 1);
  v.min_ev_pct = -100;  // everything, yet never pinnacle against itself
  auto all = value_bets({sharp_world()}, v);
  CHECK(all.size() == 6);
  for (const auto& o : all) CHECK(o.value->bookmaker != "pinnacle");
}

TEST_CASE("the first --sharp book quoting every outcome is the reference; exchanges at effective prices") {
  Event e = event("ev2");
  quote(e, "pinnacle", "h2h", {{"Home", 1.80, {}}});  // pinnacle lacks Away: not the reference
  h2h(e, "betfair_ex_uk", 2.0, 2.0);                  // effective 1.95 / 1.95: p = 0.5 / 0.5
  h2h(e, "soft", 2.10, 1.90);
  auto found = value_bets({e});
  REQUIRE(found.size() == 1);
  CHECK(found[0].value->reference == std::vector<std::string>{"betfair_ex_uk"});
  CHECK(found[0].value->p_fair == doctest::Approx(0.5));
  CHECK(found[0].value->ev_pct == doctest::Approx(5.0));
  CHECK(found[0].value->reference_hold_pct == doctest::Approx((2 / 1.95 - 1) * 100));
  // Another exchange is a candidate at its effective price: 2.2 -> 2.14 at 5 %.
  h2h(e, "betfair_ex_eu", 2.2, 1.5);
  found = value_bets({e});
  REQUIRE(found.size() == 2);
  CHECK(found[0].value->bookmaker == "betfair_ex_eu");
  CHECK(found[0].value->effective_price == doctest::Approx(2.14));
  CHECK(found[0].value->ev_pct == doctest::Approx(7.0));
}

TEST_CASE("no reference, no value bets: a custom --sharp list, --bookmakers, stale and lay quotes") {
  engine::ValueRules v;
  v.sharp = {"circa"};
  CHECK(value_bets({sharp_world()}, v).empty());
  v.sharp = {"circa", "soft_b"};  // soft_b as the reference: 1.85 / 2.05
  auto found = value_bets({sharp_world()}, v);
  REQUIRE_FALSE(found.empty());
  for (const auto& o : found) CHECK(o.value->reference == std::vector<std::string>{"soft_b"});

  engine::ArbRules r = arb_rules();
  r.bookmakers = {"soft_a", "soft_b", "soft_c"};  // the sharp book filtered out
  CHECK(value_bets({sharp_world()}, {}, r).empty());

  Event stale = event("ev3");
  h2h(stale, "pinnacle", 1.80, 2.10, 2h);  // older than --max-quote-age
  h2h(stale, "soft_a", 1.95, 2.00);
  CHECK(value_bets({stale}).empty());

  Event lay = event("ev4");
  quote(lay, "betfair_ex_uk", "h2h_lay", {{"Home", 1.80, {}}, {"Away", 2.10, {}}});
  h2h(lay, "soft_a", 1.95, 2.00);
  r = arb_rules();
  r.markets = {"h2h", "h2h_lay"};
  CHECK(value_bets({lay}, {}, r).empty());
}

TEST_CASE("three-way: a reference without the Draw is no reference") {
  Event e = event("ev5", "soccer_epl");
  h2h(e, "pinnacle", 2.50, 2.90);  // no Draw
  quote(e, "soft", "h2h", {{"Home", 3.5, {}}, {"Away", 3.0, {}}, {"Draw", 3.4, {}}});
  CHECK(value_bets({e}).empty());
  quote(e, "betfair_ex_uk", "h2h", {{"Home", 2.50, {}}, {"Away", 2.90, {}}, {"Draw", 3.40, {}}});
  auto found = value_bets({e});
  REQUIRE_FALSE(found.empty());
  CHECK(found[0].value->reference == std::vector<std::string>{"betfair_ex_uk"});
  CHECK(found[0].value->outcome == "Home");
}

TEST_CASE("a method that cannot price the reference skips the market (additive, long shot)") {
  Event e = event("ev6", "soccer_epl");
  quote(e, "pinnacle", "h2h", {{"Home", 1.08, {}}, {"Away", 41.0, {}}, {"Draw", 8.0, {}}});
  quote(e, "soft", "h2h", {{"Home", 1.20, {}}, {"Away", 60.0, {}}, {"Draw", 9.0, {}}});
  engine::ValueRules v;
  v.devig = engine::DevigMethod::additive;
  CHECK(value_bets({e}, v).empty());
  v.devig = engine::DevigMethod::power;
  CHECK_FALSE(value_bets({e}, v).empty());
}

TEST_CASE("consensus: the median of every book's devigged probabilities, with --min-books") {
  Event e = event("ev7");
  h2h(e, "b1", 1.90, 1.90);
  h2h(e, "b2", 1.80, 2.00);
  h2h(e, "b3", 2.00, 1.80);
  h2h(e, "b4", 1.70, 2.40);
  engine::ValueRules v;
  v.sharp = {"consensus"};
  v.devig = engine::DevigMethod::multiplicative;
  auto found = value_bets({e}, v);
  REQUIRE(found.size() == 2);
  CHECK(found[0].value->bookmaker == "b4");
  CHECK(found[0].value->outcome == "Away");
  CHECK(found[0].value->p_fair == doctest::Approx(0.486842105263).epsilon(1e-9));
  CHECK(found[0].value->ev_pct == doctest::Approx(16.842105263).epsilon(1e-8));
  CHECK(found[0].value->reference == std::vector<std::string>{"consensus"});
  CHECK(found[0].value->reference_hold_pct == doctest::Approx(5.409356725).epsilon(1e-8));
  CHECK(found[1].value->bookmaker == "b3");
  CHECK(found[1].value->ev_pct == doctest::Approx(2.631578947).epsilon(1e-8));
  v.min_books = 5;
  CHECK(value_bets({e}, v).empty());
  // "pinnacle,consensus": pinnacle where it quotes, the consensus elsewhere.
  v.min_books = 4;
  v.sharp = {"pinnacle", "consensus"};
  CHECK(value_bets({e}, v).size() == 2);
}

TEST_CASE("Kelly stakes with --bankroll") {
  engine::ValueRules v;
  v.bankroll = 1000;
  auto found = value_bets({sharp_world()}, v);
  REQUIRE(found.size() == 2);
  REQUIRE(found[0].value->kelly_stake);
  // b = 0.95, edge = (0.540278 * 0.95 - 0.459722) / 0.95 = 0.056361; 1000 * 0.25 * edge
  CHECK(*found[0].value->kelly_stake == doctest::Approx(14.09));
  v.kelly = 1.0;  // 56.36, capped at 5 % of 1000
  CHECK(*value_bets({sharp_world()}, v)[0].value->kelly_stake == doctest::Approx(50.0));
}

TEST_CASE("spreads and totals: the line is the group's point, the leg has its own") {
  Event e = event("ev8");
  quote(e, "pinnacle", "spreads", {{"Home", 1.91, -3.5}, {"Away", 1.91, 3.5}});
  quote(e, "soft", "spreads", {{"Home", 1.80, -3.5}, {"Away", 2.10, 3.5}});
  quote(e, "pinnacle", "totals", {{"Over", 1.91, 210.5}, {"Under", 1.91, 210.5}});
  quote(e, "soft", "totals", {{"Over", 2.05, 210.5}, {"Under", 1.70, 210.5}});
  auto found = value_bets({e});
  REQUIRE(found.size() == 2);
  for (const auto& o : found) {
    if (o.market == "spreads") {
      CHECK(o.point == -3.5);
      CHECK(o.value->outcome == "Away");
      CHECK(o.legs[0].point == 3.5);
      CHECK(o.value->ev_pct == doctest::Approx((0.5 * 2.10 - 1) * 100));
    } else {
      CHECK(o.market == "totals");
      CHECK(o.point == 210.5);
      CHECK(o.value->outcome == "Over");
    }
  }
}

TEST_CASE("JSON: no implied sum or profit, the value fields, and back") {
  engine::ValueRules v;
  v.bankroll = 1000;
  auto found = value_bets({sharp_world()}, v);
  REQUIRE_FALSE(found.empty());
  auto j = to_json(found[0]);
  CHECK(j["kind"] == "value");
  CHECK_FALSE(j.contains("implied_sum"));
  CHECK_FALSE(j.contains("profit_pct"));
  CHECK(j["bookmaker"] == "soft_a");
  CHECK(j["devig"] == "power");
  CHECK(j["kelly_stake"] == 14.09);
  auto back = opportunity_from_json(j);
  REQUIRE(back.value);
  CHECK(back.value->ev_pct == doctest::Approx(found[0].value->ev_pct));
  CHECK(back.value->reference == found[0].value->reference);
}

TEST_CASE("arbs and value together: one grouping, both kinds, best first") {
  Event e = sharp_world();
  engine::DetectRules d;
  d.find = engine::FindKinds{true, true, false, false};
  auto found = find_opportunities("us", {e}, arb_rules(), d);
  // soft_a Home 1.95 + soft_c Away 2.25: 1/1.95 + 1/2.25 = 0.957 < 1, an arbitrage too.
  REQUIRE(found.size() == 3);
  CHECK(found[0].kind == OpportunityKind::value);  // 5.35 % EV
  CHECK(found[1].kind == OpportunityKind::arb);    // 4.46 % profit
  CHECK(found[2].kind == OpportunityKind::value);  // 3.44 % EV
}

TEST_CASE("alerts: a value bet's key has its kind, outcome and book; arbitrage keys are unchanged") {
  engine::ValueRules v;
  v.min_ev_pct = -100;
  auto found = value_bets({sharp_world()}, v);
  std::set<std::string> keys;
  for (const auto& o : found) keys.insert(alerts::alert_key(o));
  CHECK(keys.size() == found.size());  // one key per (outcome, book)
  CHECK(keys.count("us:ev1:h2h:null:value:Home:soft_a") == 1);
  engine::DetectRules d;
  d.find = engine::FindKinds{true, false, false, false};
  auto arbs = find_opportunities("us", {sharp_world()}, arb_rules(), d);
  REQUIRE(arbs.size() == 1);
  CHECK(alerts::alert_key(arbs[0]) == "us:ev1:h2h:null");
}

TEST_CASE("alerts: a value bet escalates when its EV rises a step") {
  auto found = value_bets({sharp_world()});
  const auto& o = found[0];  // 5.354 % EV
  store::AlertMark mark{alerts::alert_key(o), k_now, 4.9};
  CHECK_FALSE(alerts::alert_due(mark, opportunity_score(o), k_now + 1min, 1h, 0.5).has_value());
  mark.profit_pct = 4.8;
  CHECK(alerts::alert_due(mark, opportunity_score(o), k_now + 1min, 1h, 0.5) == alerts::AlertReason::escalation);
}
