// Placeable stakes (stake_opportunity, the contract's "Placeable stakes"): cents that add up
// to the stake, --round STEP, --limit BOOK=AMOUNT, the 1e12 bound.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include <nlohmann/json.hpp>

#include "oddsctl/engine/detect.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/engine/middles.hpp"

using namespace oddsctl;

namespace {

Opportunity arb(std::vector<std::pair<std::string, double>> legs) {
  Opportunity o;
  o.region = "us";
  o.event_id = "e1";
  o.market = "h2h";
  for (auto& [book, price] : legs) {
    Leg l;
    l.outcome = book;
    l.price = price;
    l.effective_price = price;
    l.bookmakers = {book};
    o.legs.push_back(l);
    o.implied_sum += 1 / price;
  }
  o.profit_pct = (1 / o.implied_sum - 1) * 100;
  return o;
}

std::int64_t cents(double v) { return std::llround(v * 100); }

std::int64_t total_cents(const Opportunity& o) {
  std::int64_t t = 0;
  for (const auto& l : o.legs) t += cents(*l.stake);
  return t;
}

double min_payout(const Opportunity& o) {
  double m = 1e300;
  for (const auto& l : o.legs) m = std::min(m, *l.stake * l.effective_price);
  return m;
}

}  // namespace

TEST_CASE("stakes add up to the cent: the case naive rounding makes 99.99") {
  // Ideal stakes 40.6310 + 30.1147 + 29.2543: rounded one by one they are 99.99.
  Opportunity o = arb({{"a", 2.52}, {"b", 3.4}, {"c", 3.5}});
  engine::stake_opportunity(o, 100, {});
  CHECK(total_cents(o) == 10000);
  // The spare cent goes to the leg that paid least (30.11 × 3.4 = 102.374).
  CHECK(cents(*o.legs[0].stake) == 4063);
  CHECK(cents(*o.legs[1].stake) == 3012);
  CHECK(cents(*o.legs[2].stake) == 2925);
  CHECK_FALSE(o.stake_plan.has_value());  // no --round, no --limit: the schema stays an arbitrage's
  // The stake printed is the stake stored: exactly two decimals.
  for (const auto& l : o.legs) CHECK(*l.stake == std::round(*l.stake * 100) / 100);
}

TEST_CASE("stakes add up to the cent on many random markets, and none is 0") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> price(1.01, 30.0);
  std::uniform_real_distribution<double> amount(0.05, 100000.0);
  for (int i = 0; i < 500; ++i) {
    const int n = 2 + i % 3;
    std::vector<std::pair<std::string, double>> legs;
    for (int k = 0; k < n; ++k) legs.emplace_back("b" + std::to_string(k), std::round(price(rng) * 100) / 100);
    Opportunity o = arb(legs);
    const double total = std::round(amount(rng) * 100) / 100;
    engine::stake_opportunity(o, total, {});
    INFO("case " << i << " total " << total);
    CHECK(total_cents(o) == std::max<std::int64_t>(cents(total), n));
    for (const auto& l : o.legs) CHECK(*l.stake >= 0.01);
  }
}

TEST_CASE("a tiny stake still gives every leg a cent") {
  Opportunity o = arb({{"a", 1.05}, {"b", 40.0}});
  engine::stake_opportunity(o, 0.05, {});
  CHECK(cents(*o.legs[1].stake) == 1);
  CHECK(total_cents(o) == 5);
}

TEST_CASE("--round STEP: multiples of STEP, the guaranteed payout and profit after rounding") {
  Opportunity o = arb({{"a", 2.52}, {"b", 3.4}, {"c", 3.5}});
  const double profit = o.profit_pct;
  engine::StakeRules r;
  r.round_step = 5;
  stake_opportunity(o, 100, r);
  double sum = 0;
  for (const auto& l : o.legs) {
    CHECK(std::fmod(*l.stake, 5.0) == 0.0);
    CHECK(*l.stake >= 5);
    sum += *l.stake;
  }
  REQUIRE(o.stake_plan.has_value());
  CHECK(o.stake_plan->rounded);
  CHECK(o.stake_plan->stake_total == doctest::Approx(sum));
  CHECK(o.stake_plan->stake_total == 100);  // 100 is a multiple of 5: all of it is used
  CHECK(o.stake_plan->min_payout == doctest::Approx(min_payout(o)));
  CHECK(o.stake_plan->profit_pct_after_rounding == doctest::Approx((min_payout(o) / sum - 1) * 100));
  CHECK(o.stake_plan->profit_pct_after_rounding < profit);  // honestly lower
  CHECK_FALSE(o.stake_plan->limited_by.has_value());
  // The best split in 5s: 40/30/30 pays min(100.8, 102, 105) = 100.8; 45/30/25 pays 87.5.
  CHECK(*o.legs[0].stake == 40);
}

TEST_CASE("--round that would make a leg 0 gives it one STEP") {
  // Ideal stakes for 20 at 1.2 and 8.0: 17.39 and 2.61; rounded to 5 that is 15 and 5, not 20 and 0.
  Opportunity o = arb({{"a", 1.2}, {"b", 8.0}});
  engine::StakeRules r;
  r.round_step = 5;
  stake_opportunity(o, 20, r);
  CHECK(*o.legs[1].stake == 5);
  CHECK(*o.legs[0].stake == 15);
  // Fewer STEPs than legs: each leg still gets one, and the total says so.
  Opportunity t = arb({{"a", 1.2}, {"b", 8.0}});
  stake_opportunity(t, 4, r);
  CHECK(*t.legs[0].stake == 5);
  CHECK(*t.legs[1].stake == 5);
  CHECK(t.stake_plan->stake_total == 10);
}

TEST_CASE("--limit BOOK=AMOUNT scales the total down and names the book") {
  Opportunity o = arb({{"a", 2.1}, {"b", 2.2}});  // ideal for 1000: 511.63 and 488.37
  engine::StakeRules r;
  add_stake_limit(r, "a=100");
  stake_opportunity(o, 1000, r);
  REQUIRE(o.stake_plan.has_value());
  CHECK(o.stake_plan->limited_by == std::optional<std::string>("a"));
  CHECK(*o.legs[0].stake <= 100);
  CHECK(*o.legs[0].stake == doctest::Approx(100).epsilon(0.001));
  CHECK(*o.legs[1].stake == doctest::Approx(100 * 2.1 / 2.2).epsilon(0.001));
  CHECK_FALSE(o.stake_plan->rounded);
  CHECK(o.stake_plan->stake_total == doctest::Approx(*o.legs[0].stake + *o.legs[1].stake));
  // A limit above what the leg needs binds nothing, but is reported.
  Opportunity p = arb({{"a", 2.1}, {"b", 2.2}});
  engine::StakeRules loose;
  add_stake_limit(loose, "b=5000");
  stake_opportunity(p, 1000, loose);
  CHECK_FALSE(p.stake_plan->limited_by.has_value());
  CHECK(total_cents(p) == 100000);
}

TEST_CASE("a leg tied at two books is capped only when both are") {
  Opportunity o = arb({{"a", 2.1}, {"b", 2.2}});
  o.legs[0].bookmakers = {"a", "z"};
  engine::StakeRules r;
  add_stake_limit(r, "a=10");
  stake_opportunity(o, 1000, r);
  CHECK_FALSE(o.stake_plan->limited_by.has_value());  // z takes it
  add_stake_limit(r, "z=50");
  stake_opportunity(o, 1000, r);
  CHECK(o.stake_plan->limited_by == std::optional<std::string>("z"));  // the larger of the two
  CHECK(*o.legs[0].stake <= 50);
}

TEST_CASE("--round with --limit: whole STEPs within the cap") {
  Opportunity o = arb({{"a", 2.1}, {"b", 2.2}});
  engine::StakeRules r;
  r.round_step = 10;
  add_stake_limit(r, "a=95");
  stake_opportunity(o, 1000, r);
  CHECK(*o.legs[0].stake <= 95);
  CHECK(std::fmod(*o.legs[0].stake, 10.0) == 0.0);
  CHECK(std::fmod(*o.legs[1].stake, 10.0) == 0.0);
  CHECK(o.stake_plan->limited_by == std::optional<std::string>("a"));
}

TEST_CASE("stakes outside (0, 1e12] and bad limits are usage errors") {
  Opportunity o = arb({{"a", 2.1}, {"b", 2.2}});
  CHECK_THROWS_AS(engine::stake_opportunity(o, 2e12, {}), UsageError);
  CHECK_THROWS_AS(engine::stake_opportunity(o, 0, {}), UsageError);
  CHECK_NOTHROW(engine::stake_opportunity(o, 1e12, {}));
  CHECK(total_cents(o) == 100000000000000LL);
  engine::StakeRules r;
  CHECK_THROWS_AS(add_stake_limit(r, "pinnacle"), UsageError);
  CHECK_THROWS_AS(add_stake_limit(r, "=5"), UsageError);
  CHECK_THROWS_AS(add_stake_limit(r, "pinnacle=abc"), UsageError);
  CHECK_THROWS_AS(add_stake_limit(r, "pinnacle=-5"), UsageError);
  CHECK_THROWS_AS(add_stake_limit(r, "pinnacle=0"), UsageError);
}

TEST_CASE("value bets keep their Kelly stake; the JSON carries the plan") {
  Opportunity v = arb({{"a", 2.1}});
  v.kind = OpportunityKind::value;
  engine::stake_opportunity(v, 100, {});
  CHECK_FALSE(v.legs[0].stake.has_value());

  Opportunity o = arb({{"a", 2.1}, {"b", 2.2}});
  engine::StakeRules r;
  r.round_step = 1;
  stake_opportunity(o, 100, r);
  auto j = to_json(o);
  CHECK(j["rounded"] == true);
  CHECK(j["stake_total"] == 100.0);
  CHECK(j["limited_by"].is_null());
  CHECK(j.contains("min_payout"));
  CHECK(j.contains("profit_pct_after_rounding"));
}

TEST_CASE("find_opportunities stakes what it finds, to the cent") {
  const TimePoint now = parse_rfc3339("2024-05-01T12:00:00Z");
  Event e;
  e.id = "e1";
  e.sport_key = "soccer_epl";
  e.home_team = "H";
  e.away_team = "A";
  e.commence_time = now + std::chrono::hours(3);
  e.bookmakers.push_back(
      Bookmaker{"x", "x", now, {Market{"h2h", now, {{"H", 2.52, {}}, {"A", 1.5, {}}, {"Draw", 3.0, {}}}}}});
  e.bookmakers.push_back(
      Bookmaker{"y", "y", now, {Market{"h2h", now, {{"H", 2.0, {}}, {"A", 3.4, {}}, {"Draw", 3.5, {}}}}}});
  engine::ArbRules rules;
  rules.now = now;
  rules.stake = 100;
  auto ops = find_opportunities("uk", {e}, rules, engine::DetectRules{});
  REQUIRE(ops.size() == 1);
  CHECK(total_cents(ops[0]) == 10000);
}
