// scan --links and --bet-limits in the engine: a leg's link is the first listed book's most
// precise one (outcome, else market, else bookmaker); a book's bet_limit caps its stake like
// --limit does, and only with --bet-limits.
#include <doctest/doctest.h>

#include <string>

#include "engine/groups.hpp"
#include "oddsctl/engine/detect.hpp"
#include "oddsctl/engine/middles.hpp"
#include "oddsctl/odds.hpp"

using namespace oddsctl;

namespace {

// One h2h event; "ex" is an exchange with links at all three levels and a bet limit on Home,
// "bk" a book with only an event link, "zz" ties "ex" on Home with no link at all.
std::vector<Event> world() {
  return parse_events_json(R"([{"id":"e1","sport_key":"soccer_epl","sport_title":"EPL",
    "commence_time":"2030-01-01T15:00:00Z","home_team":"Home","away_team":"Away","bookmakers":[
      {"key":"ex","title":"Exchange","link":"https://ex.example/event","markets":[
        {"key":"h2h","link":"https://ex.example/market","outcomes":[
          {"name":"Home","price":2.2,"link":"https://ex.example/slip/home","bet_limit":40},
          {"name":"Away","price":1.5,"link":null},
          {"name":"Draw","price":4.0,"bet_limit":1000}]}]},
      {"key":"bk","title":"Book","link":"https://bk.example/event","markets":[
        {"key":"h2h","outcomes":[
          {"name":"Home","price":1.9},{"name":"Away","price":2.3},{"name":"Draw","price":3.0}]}]},
      {"key":"zz","title":"Zed","markets":[
        {"key":"h2h","outcomes":[
          {"name":"Home","price":2.2},{"name":"Away","price":2.0},{"name":"Draw","price":3.9}]}]}]}])");
}

engine::ArbRules rules() {
  engine::ArbRules r;
  r.now = parse_rfc3339("2030-01-01T12:00:00Z");
  r.markets = {"h2h"};
  r.commissions = engine::CommissionTable{};  // no commission: effective = price
  return r;
}

const Leg& leg_of(const engine::BestPrices& b, const std::string& outcome) {
  for (const auto& l : b.legs)
    if (l.outcome == outcome) return l;
  FAIL("no leg " << outcome);
  return b.legs.front();
}

}  // namespace

TEST_CASE("best_prices: the leg's link is the first listed book's outcome, else market, else bookmaker link") {
  auto events = world();
  auto groups = engine::market_groups(events, rules());
  REQUIRE(groups.size() == 1);
  auto best = engine::best_prices(groups[0]);
  REQUIRE(best.has_value());
  const Leg& home = leg_of(*best, "Home");  // ex and zz tie at 2.2; ex is listed first
  CHECK(home.bookmakers == std::vector<std::string>{"ex", "zz"});
  CHECK(home.link == std::optional<std::string>("https://ex.example/slip/home"));
  CHECK(home.bet_limits.at("ex") == 40);
  CHECK_FALSE(home.bet_limits.count("zz"));
  CHECK(leg_of(*best, "Away").link == std::optional<std::string>("https://bk.example/event"));   // book level only
  CHECK(leg_of(*best, "Draw").link == std::optional<std::string>("https://ex.example/market"));  // no outcome link
}

TEST_CASE("no links in the data: no link on the legs") {
  auto events = world();
  for (auto& b : events[0].bookmakers) {
    b.link.reset();
    for (auto& m : b.markets) {
      m.link.reset();
      for (auto& o : m.outcomes) o.link.reset();
    }
  }
  auto best = engine::best_prices(engine::market_groups(events, rules())[0]);
  for (const auto& l : best->legs) CHECK_FALSE(l.link.has_value());
}

TEST_CASE("a bet limit caps that book's stake, only with --bet-limits, and names the book") {
  Opportunity o;
  o.kind = OpportunityKind::arb;
  auto leg = [](std::string book, double price, std::optional<double> limit) {
    Leg l;
    l.outcome = book;
    l.price = l.effective_price = price;
    l.bookmakers = {book};
    if (limit) l.bet_limits[book] = *limit;
    return l;
  };
  o.legs = {leg("ex", 2.1, 100), leg("b", 2.2, std::nullopt)};  // ideal for 1000: 511.63 and 488.37
  engine::StakeRules off;
  stake_opportunity(o, 1000, off);
  CHECK(*o.legs[0].stake == doctest::Approx(511.63));
  CHECK_FALSE(o.stake_plan.has_value());

  engine::StakeRules on;
  on.bet_limits = true;
  stake_opportunity(o, 1000, on);
  REQUIRE(o.stake_plan.has_value());
  CHECK(o.stake_plan->limited_by == std::optional<std::string>("ex"));
  CHECK(*o.legs[0].stake <= 100);
  CHECK(*o.legs[0].stake == doctest::Approx(100).epsilon(0.001));
  CHECK(*o.legs[1].stake == doctest::Approx(100 * 2.1 / 2.2).epsilon(0.001));

  // With --limit too, the smaller of the two binds.
  add_stake_limit(on, "ex=60");
  stake_opportunity(o, 1000, on);
  CHECK(*o.legs[0].stake == doctest::Approx(60).epsilon(0.001));
  CHECK(o.stake_plan->limited_by == std::optional<std::string>("ex"));

  // A limit the ideal stake stays under binds nothing.
  Opportunity p;
  p.legs = {leg("ex", 2.1, 5000), leg("b", 2.2, std::nullopt)};
  engine::StakeRules loose;
  loose.bet_limits = true;
  stake_opportunity(p, 1000, loose);
  REQUIRE(p.stake_plan.has_value());
  CHECK_FALSE(p.stake_plan->limited_by.has_value());
  CHECK(*p.legs[0].stake + *p.legs[1].stake == doctest::Approx(1000));
}

TEST_CASE("a leg tied at a limited exchange and an unlimited book is not capped") {
  auto events = world();
  auto best = engine::best_prices(engine::market_groups(events, rules())[0]);
  Opportunity o;
  o.legs = best->legs;
  engine::StakeRules on;
  on.bet_limits = true;
  stake_opportunity(o, 1000, on);
  REQUIRE(o.stake_plan.has_value());
  CHECK_FALSE(o.stake_plan->limited_by.has_value());  // zz takes Home without a limit
}
