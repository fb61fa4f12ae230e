// The arbitrage rules, one trap per case: each case fails on the naive implementation it names.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include <nlohmann/json.hpp>

#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/errors.hpp"

using namespace oddsctl;
using namespace std::chrono_literals;

namespace {

const TimePoint k_now = parse_rfc3339("2024-05-01T12:00:00Z");

Event event(const std::string& id, const std::string& sport = "basketball_nba", Millis starts_in = 6h) {
  Event e;
  e.id = id;
  e.sport_key = sport;
  e.sport_title = sport;
  e.home_team = "Home";
  e.away_team = "Away";
  e.commence_time = k_now + starts_in;
  return e;
}

// A bookmaker quoting one market, updated `age` before now.
Bookmaker& quote(Event& e, const std::string& book, const std::string& market, std::vector<Outcome> outcomes,
                 Millis age = 1min) {
  auto it = std::find_if(e.bookmakers.begin(), e.bookmakers.end(), [&](auto& b) { return b.key == book; });
  if (it == e.bookmakers.end()) {
    e.bookmakers.push_back(Bookmaker{book, book, k_now - age, {}});
    it = e.bookmakers.end() - 1;
  }
  it->markets.push_back(Market{market, k_now - age, std::move(outcomes)});
  return *it;
}

engine::ArbRules rules() {
  engine::ArbRules r;
  r.now = k_now;
  return r;
}

std::vector<Opportunity> scan(const std::vector<Event>& events, const engine::ArbRules& r = rules()) {
  return find_arbitrage("us", events, r);
}

// The arbitrage a naive finder sees: best quoted price per outcome NAME, everything combined.
double naive_sum(const Event& e, const std::string& market) {
  std::map<std::string, double> best;
  for (const auto& b : e.bookmakers)
    for (const auto& m : b.markets)
      if (m.key.starts_with(market))
        for (const auto& o : m.outcomes) best[o.name] = std::max(best[o.name], o.price);
  double s = 0;
  for (auto& [n, p] : best) s += 1 / p;
  return s;
}

}  // namespace

TEST_CASE("a plain two-way arbitrage: profit, legs, order") {
  Event e = event("e1");
  quote(e, "draftkings", "h2h", {{"Away", 1.90, {}}, {"Home", 2.20, {}}});
  quote(e, "fanduel", "h2h", {{"Home", 1.80, {}}, {"Away", 2.10, {}}});
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);
  const auto& o = ops[0];
  CHECK(o.region == "us");
  CHECK(o.event_id == "e1");
  CHECK(o.market == "h2h");
  CHECK_FALSE(o.point.has_value());
  CHECK(o.implied_sum == doctest::Approx(1 / 2.2 + 1 / 2.1));
  REQUIRE(o.legs.size() == 2);
  CHECK(o.legs[0].outcome == "Home");  // home first whatever the books' order
  CHECK(o.legs[0].bookmakers == std::vector<std::string>{"draftkings"});
  CHECK(o.legs[1].outcome == "Away");
  CHECK(o.legs[1].bookmakers == std::vector<std::string>{"fanduel"});
  CHECK_FALSE(o.legs[0].point.has_value());
}

TEST_CASE("profit is 1/sum - 1, not 1 - sum: sum 0.98 is 2.0408 %") {
  Event e = event("e1");
  quote(e, "a", "h2h", {{"Home", 2.0, {}}, {"Away", 1.5, {}}});
  quote(e, "b", "h2h", {{"Home", 1.5, {}}, {"Away", 1.0 / 0.48, {}}});
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].implied_sum == doctest::Approx(0.98));
  CHECK(ops[0].profit_pct == doctest::Approx(2.0408163265));
  CHECK(std::abs(ops[0].profit_pct - 2.0) > 0.04);
  nlohmann::json j = to_json(ops[0]);
  CHECK(j["implied_sum"] == 0.98);
  CHECK(j["profit_pct"] == 2.040816);  // rounded to 6 decimals
}

TEST_CASE("spreads pair home -x with away +x only: mismatched lines are no arbitrage") {
  Event e = event("e1");
  // By name alone Home 2.20 (at -1.5) and Away 2.20 (at +2.5) look like a 9 % arbitrage.
  quote(e, "a", "spreads", {{"Home", 2.20, -1.5}, {"Away", 1.70, 1.5}});
  quote(e, "b", "spreads", {{"Home", 1.70, -2.5}, {"Away", 2.20, 2.5}});
  // One team -1.0 at one book and +1.0 at another (as in a real NBA capture).
  quote(e, "c", "spreads", {{"Home", 2.30, -1.0}, {"Away", 1.60, 1.0}});
  quote(e, "d", "spreads", {{"Home", 1.60, 1.0}, {"Away", 2.30, -1.0}});
  CHECK(naive_sum(e, "spreads") < 1.0);
  CHECK(scan({e}).empty());

  SUBCASE("the same line at two books is an arbitrage, reported at the home point") {
    quote(e, "e", "spreads", {{"Home", 1.75, -2.5}, {"Away", 1.80, 2.5}});
    quote(e, "f", "spreads", {{"Home", 1.90, -2.5}, {"Away", 1.60, 2.5}});
    auto ops = scan({e});
    REQUIRE(ops.size() == 1);
    CHECK(ops[0].point == -2.5);
    REQUIRE(ops[0].legs.size() == 2);
    CHECK(ops[0].legs[0].outcome == "Home");
    CHECK(ops[0].legs[0].point == -2.5);
    CHECK(ops[0].legs[0].bookmakers == std::vector<std::string>{"f"});
    CHECK(ops[0].legs[1].outcome == "Away");
    CHECK(ops[0].legs[1].point == 2.5);
    CHECK(ops[0].legs[1].bookmakers == std::vector<std::string>{"b"});
  }
}

TEST_CASE("totals pair Over x with Under x only") {
  Event e = event("e1");
  // Over 218.5 with Under 222.5 pays 1.95 and 2.15: a "4 %" arbitrage that both legs can lose.
  quote(e, "a", "totals", {{"Over", 2.15, 218.5}, {"Under", 1.70, 218.5}});
  quote(e, "b", "totals", {{"Over", 1.70, 222.5}, {"Under", 2.15, 222.5}});
  CHECK(naive_sum(e, "totals") < 1.0);
  CHECK(scan({e}).empty());
  quote(e, "c", "totals", {{"Over", 1.95, 222.5}, {"Under", 1.80, 222.5}});
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].point == 222.5);
  CHECK(ops[0].legs[0].outcome == "Over");
  CHECK(ops[0].legs[0].point == 222.5);
  CHECK(ops[0].legs[0].bookmakers == std::vector<std::string>{"c"});
  CHECK(ops[0].legs[1].outcome == "Under");
  CHECK(ops[0].legs[1].bookmakers == std::vector<std::string>{"b"});
}

TEST_CASE("three-way h2h: a book quoting only Home/Away still needs a Draw price") {
  Event e = event("s1", "soccer_epl");
  quote(e, "a", "h2h", {{"Home", 2.5, {}}, {"Away", 2.5, {}}});  // Draw not offered here
  quote(e, "b", "h2h", {{"Home", 2.0, {}}, {"Away", 3.0, {}}, {"Draw", 3.2, {}}});
  // Home 2.5 + Away 3.0 alone sum to 0.733; with the Draw (3.2) the book is 1.046.
  CHECK(scan({e}).empty());

  SUBCASE("a Draw price high enough makes a three-leg arbitrage, Draw last") {
    quote(e, "c", "h2h", {{"Draw", 4.5, {}}, {"Home", 1.9, {}}, {"Away", 3.0, {}}});
    auto ops = scan({e});
    REQUIRE(ops.size() == 1);
    REQUIRE(ops[0].legs.size() == 3);
    CHECK(ops[0].legs[0].outcome == "Home");
    CHECK(ops[0].legs[1].outcome == "Away");
    CHECK(ops[0].legs[1].bookmakers == std::vector<std::string>{"b", "c"});
    CHECK(ops[0].legs[2].outcome == "Draw");
    CHECK(ops[0].implied_sum == doctest::Approx(1 / 2.5 + 1 / 3.0 + 1 / 4.5));
  }
}

TEST_CASE("three-way h2h with no Draw price anywhere is no arbitrage") {
  Event e = event("s1", "soccer_epl");
  quote(e, "a", "h2h", {{"Home", 2.5, {}}, {"Away", 1.9, {}}});
  quote(e, "b", "h2h", {{"Home", 1.9, {}}, {"Away", 2.5, {}}});
  CHECK(naive_sum(e, "h2h") < 1.0);
  CHECK(scan({e}).empty());
  e.sport_key = "basketball_nba";  // the same prices on a two-way sport are an arbitrage
  CHECK(scan({e}).size() == 1);
}

TEST_CASE("a stale quote creating a false arbitrage is ignored") {
  Event e = event("e1");
  quote(e, "a", "h2h", {{"Home", 1.90, {}}, {"Away", 1.90, {}}});
  quote(e, "old", "h2h", {{"Home", 3.00, {}}, {"Away", 1.20, {}}}, 2h);
  CHECK(naive_sum(e, "h2h") < 1.0);
  CHECK(scan({e}).empty());
  engine::ArbRules r = rules();
  r.max_quote_age = 3h;
  CHECK(scan({e}, r).size() == 1);

  SUBCASE("the market's last_update decides, not the bookmaker's") {
    e.bookmakers[1].markets[0].last_update = k_now - 1min;  // the market was refreshed
    CHECK(scan({e}).size() == 1);
    e.bookmakers[1].markets[0].last_update = k_now - 61min;  // book fresh, market stale
    e.bookmakers[1].last_update = k_now;
    CHECK(scan({e}).empty());
    e.bookmakers[1].markets[0].last_update.reset();  // no market time: the book's
    CHECK(scan({e}).size() == 1);
  }
  SUBCASE("a quote with no time at all counts as current; one from the future too") {
    e.bookmakers[1].markets[0].last_update.reset();
    e.bookmakers[1].last_update.reset();
    CHECK(scan({e}).size() == 1);
    e.bookmakers[1].last_update = k_now + 5min;
    CHECK(scan({e}).size() == 1);
  }
}

TEST_CASE("lay markets are never combined with back prices") {
  Event e = event("e1");
  quote(e, "fanduel", "h2h", {{"Home", 1.90, {}}, {"Away", 1.95, {}}});
  quote(e, "betfair", "h2h_lay", {{"Home", 2.60, {}}, {"Away", 2.70, {}}});
  CHECK(naive_sum(e, "h2h") < 1.0);
  CHECK(scan({e}).empty());
  engine::ArbRules r = rules();
  r.markets = {"h2h", "h2h_lay"};  // asking for it does not make it usable
  CHECK(scan({e}, r).empty());
}

TEST_CASE("an event that already started is skipped unless include_live") {
  Event e = event("live", "basketball_nba", -30min);
  quote(e, "a", "h2h", {{"Home", 41.0, {}}, {"Away", 1.01, {}}});
  quote(e, "b", "h2h", {{"Home", 1.2, {}}, {"Away", 4.0, {}}});
  CHECK(scan({e}).empty());
  e.commence_time = k_now;  // starting right now is no longer pre-match
  CHECK(scan({e}).empty());
  engine::ArbRules r = rules();
  r.include_live = true;
  CHECK(scan({e}, r).size() == 1);
}

TEST_CASE("equal best prices at several books are all listed, sorted") {
  Event e = event("e1");
  quote(e, "williamhill", "h2h", {{"Home", 2.10, {}}, {"Away", 1.80, {}}});
  quote(e, "betmgm", "h2h", {{"Home", 2.10, {}}, {"Away", 1.80, {}}});
  quote(e, "caesars", "h2h", {{"Home", 1.70, {}}, {"Away", 2.05, {}}});
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].legs[0].bookmakers == std::vector<std::string>{"betmgm", "williamhill"});
  CHECK(ops[0].legs[1].bookmakers == std::vector<std::string>{"caesars"});
}

TEST_CASE("prices equal up to float noise tie (2.0400000001 vs 2.04)") {
  Event e = event("e1");
  quote(e, "b", "h2h", {{"Home", 2.0400000001, {}}, {"Away", 1.5, {}}});
  quote(e, "a", "h2h", {{"Home", 2.04, {}}, {"Away", 2.0, {}}});
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].legs[0].bookmakers == std::vector<std::string>{"a", "b"});
  CHECK(ops[0].legs[0].price == 2.04);  // the first listed book's quote
}

TEST_CASE("empty and missing markets give nothing and do not crash") {
  Event none = event("e0");
  Event empty_books = event("e1");
  empty_books.bookmakers.push_back(Bookmaker{"a", "A", k_now, {}});
  Event empty_outcomes = event("e2");
  quote(empty_outcomes, "a", "h2h", {});
  quote(empty_outcomes, "b", "spreads", {});
  Event one_side = event("e3");  // a single outcome would "sum" below 1 on its own
  quote(one_side, "a", "h2h", {{"Home", 5.0, {}}});
  quote(one_side, "a", "totals", {{"Over", 5.0, 200.5}});
  quote(one_side, "a", "spreads", {{"Home", 5.0, -3.5}, {"Away", 5.0, {}}});  // no point: unusable
  CHECK(scan({none, empty_books, empty_outcomes, one_side}).empty());
  CHECK(scan({}).empty());
}

TEST_CASE("exchange commission can kill an arbitrage") {
  Event e = event("e1");
  quote(e, "betfair_ex_uk", "h2h", {{"Home", 2.05, {}}, {"Away", 1.5, {}}});
  quote(e, "williamhill", "h2h", {{"Home", 1.8, {}}, {"Away", 2.0, {}}});
  CHECK(naive_sum(e, "h2h") < 1.0);  // 0.988 at quoted prices
  CHECK(scan({e}).empty());          // 2.05 nets 1.9975 at 5 %
  engine::ArbRules r = rules();
  r.commissions.set("betfair_ex_uk", 0.0);
  auto ops = scan({e}, r);
  REQUIRE(ops.size() == 1);

  SUBCASE("a surviving exchange leg reports both prices") {
    e.bookmakers[0].markets[0].outcomes[0].price = 2.2;
    auto ops2 = scan({e});
    REQUIRE(ops2.size() == 1);
    CHECK(ops2[0].legs[0].price == 2.2);
    CHECK(ops2[0].legs[0].effective_price == doctest::Approx(2.14));
    CHECK(ops2[0].implied_sum == doctest::Approx(1 / 2.14 + 1 / 2.0));
  }
}

TEST_CASE("Betfair's sportsbook pays no commission: its arbitrage is found at the quoted price") {
  Event e = event("sb1");
  quote(e, "betfair_sb_uk", "h2h", {{"Home", 2.05, {}}, {"Away", 1.5, {}}});
  quote(e, "williamhill", "h2h", {{"Home", 1.8, {}}, {"Away", 2.0, {}}});
  auto ops = scan({e});
  REQUIRE(ops.size() == 1);  // as an exchange at 5 % it would net 1.9975 and vanish
  CHECK(ops[0].legs[0].effective_price == 2.05);
  CHECK(ops[0].implied_sum == doctest::Approx(1 / 2.05 + 1 / 2.0));
}

TEST_CASE("stakes pay out equally and add up to the stake") {
  Event e = event("s1", "soccer_epl");
  quote(e, "a", "h2h", {{"Home", 2.6, {}}, {"Away", 3.1, {}}, {"Draw", 3.9, {}}});
  quote(e, "smarkets", "h2h", {{"Home", 2.9, {}}, {"Away", 2.8, {}}, {"Draw", 3.4, {}}});
  engine::ArbRules r = rules();
  r.stake = 100.0;
  auto ops = scan({e}, r);
  REQUIRE(ops.size() == 1);
  double total = 0;
  const double payout = *ops[0].legs[0].stake * ops[0].legs[0].effective_price;
  for (const auto& l : ops[0].legs) {
    REQUIRE(l.stake.has_value());
    CHECK(*l.stake * l.effective_price == doctest::Approx(payout));
    total += *l.stake;
  }
  CHECK(total == doctest::Approx(100.0));
  CHECK(payout == doctest::Approx(100.0 / ops[0].implied_sum));
  CHECK_FALSE(scan({e})[0].legs[0].stake.has_value());  // no stake asked, none given
}

TEST_CASE("min_profit filters; profit must be positive") {
  Event e = event("e1");
  quote(e, "a", "h2h", {{"Home", 2.0, {}}, {"Away", 1.5, {}}});
  quote(e, "b", "h2h", {{"Home", 1.5, {}}, {"Away", 1.0 / 0.48, {}}});  // 2.04 %
  engine::ArbRules r = rules();
  r.min_profit_pct = 2.5;
  CHECK(scan({e}, r).empty());
  r.min_profit_pct = 2.0;
  CHECK(scan({e}, r).size() == 1);
  Event even = event("e2");  // sum exactly 1: no profit
  quote(even, "a", "h2h", {{"Home", 2.0, {}}, {"Away", 2.0, {}}});
  CHECK(scan({even}).empty());
}

TEST_CASE("bookmaker and market filters") {
  Event e = event("e1");
  quote(e, "a", "h2h", {{"Home", 2.2, {}}, {"Away", 1.7, {}}});
  quote(e, "b", "h2h", {{"Home", 1.7, {}}, {"Away", 2.2, {}}});
  quote(e, "a", "totals", {{"Over", 2.2, 200.5}, {"Under", 1.7, 200.5}});
  quote(e, "b", "totals", {{"Over", 1.7, 200.5}, {"Under", 2.2, 200.5}});
  CHECK(scan({e}).size() == 2);
  engine::ArbRules r = rules();
  r.markets = {"totals"};
  auto ops = scan({e}, r);
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].market == "totals");
  r = rules();
  r.bookmakers = {"a", "c"};
  CHECK(scan({e}, r).empty());
}

TEST_CASE("results are sorted by profit, then event id, market, point") {
  auto two_way = [](const std::string& id, double p) {
    Event e = event(id);
    quote(e, "a", "h2h", {{"Home", p, {}}, {"Away", 1.5, {}}});
    quote(e, "b", "h2h", {{"Home", 1.5, {}}, {"Away", p, {}}});
    quote(e, "a", "spreads", {{"Home", p, -4.5}, {"Away", 1.5, 4.5}, {"Home", p, -3.5}, {"Away", 1.5, 3.5}});
    quote(e, "b", "spreads", {{"Home", 1.5, -4.5}, {"Away", p, 4.5}, {"Home", 1.5, -3.5}, {"Away", p, 3.5}});
    return e;
  };
  auto ops = scan({two_way("z", 2.1), two_way("b", 2.3), two_way("a", 2.1)});
  REQUIRE(ops.size() == 9);
  CHECK(ops[0].event_id == "b");
  CHECK(ops[3].event_id == "a");
  CHECK(ops[3].market == "h2h");
  CHECK(ops[4].point == -4.5);
  CHECK(ops[5].point == -3.5);
  CHECK(ops[6].event_id == "z");
}

TEST_CASE("commission table: defaults, overrides, text") {
  auto t = engine::CommissionTable::defaults();
  CHECK(t.rate_for("betfair_ex_au") == 0.05);
  CHECK(t.rate_for("betfair") == 0.05);
  CHECK(t.rate_for("matchbook") == 0.02);
  CHECK(t.rate_for("smarkets") == 0.02);
  CHECK(t.rate_for("pinnacle") == 0.0);
  // Betfair's fixed-odds sportsbook is no exchange: no commission on its prices.
  CHECK(t.rate_for("betfair_sb_uk") == 0.0);
  CHECK(t.effective_price("betfair_sb_uk", 3.0) == 3.0);
  CHECK(t.effective_price("betfair_ex_uk", 3.0) == doctest::Approx(2.9));
  t.set_from_text("betfair_ex_uk=2%");
  CHECK(t.rate_for("betfair_ex_uk") == doctest::Approx(0.02));
  CHECK(t.rate_for("betfair_ex_eu") == 0.05);  // the exact key only
  t.set_from_text(" pinnacle = 0.01 ");
  CHECK(t.rate_for("pinnacle") == doctest::Approx(0.01));
  CHECK_THROWS_AS(t.set_from_text("betfair=1"), UsageError);  // rate must be < 1
  CHECK_THROWS_AS(t.set_from_text("betfair=100%"), UsageError);
  CHECK_THROWS_AS(t.set_from_text("betfair=-0.1"), UsageError);
  CHECK_THROWS_AS(t.set_from_text("betfair"), UsageError);
  CHECK_THROWS_AS(t.set_from_text("=0.1"), UsageError);
  CHECK_THROWS_AS(t.set_from_text("betfair=abc"), UsageError);
  CHECK_THROWS_AS(t.set("x", 1.5), UsageError);
}

TEST_CASE("Opportunity JSON: the contract's fields, and a round trip") {
  Event e = event("e1");
  quote(e, "a", "spreads", {{"Home", 2.2, -1.5}, {"Away", 1.7, 1.5}});
  quote(e, "matchbook", "spreads", {{"Home", 1.7, -1.5}, {"Away", 2.2, 1.5}});
  engine::ArbRules r = rules();
  r.stake = 100;
  auto ops = scan({e}, r);
  REQUIRE(ops.size() == 1);
  nlohmann::json j = to_json(ops[0]);
  for (const char* k : {"region", "sport_key", "sport_title", "event_id", "home_team", "away_team", "commence_time",
                        "market", "point", "implied_sum", "profit_pct", "legs"})
    CHECK(j.contains(k));
  CHECK(j["commence_time"] == "2024-05-01T18:00:00Z");
  CHECK(j["point"] == -1.5);
  CHECK(j["legs"][1]["effective_price"] == 2.176);  // 1 + 1.2 * 0.98, without float noise
  CHECK(j["legs"][1]["price"] == 2.2);
  CHECK(j["legs"][0]["point"] == -1.5);
  Opportunity back = opportunity_from_json(j);
  CHECK(back.event_id == "e1");
  CHECK(back.commence_time == ops[0].commence_time);
  CHECK(back.point == -1.5);
  CHECK(back.legs[1].bookmakers == std::vector<std::string>{"matchbook"});
  CHECK(back.legs[1].stake == doctest::Approx(*ops[0].legs[1].stake));
  CHECK(to_json(back) == j);
  ops[0].legs[0].stake.reset();
  ops[0].point.reset();
  CHECK(to_json(ops[0])["point"].is_null());
  CHECK(to_json(ops[0])["legs"][0]["stake"].is_null());
}
