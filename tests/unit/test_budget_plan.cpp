// `budget plan` arithmetic against hand-computed cases, and the plan table.
#include <doctest/doctest.h>

#include <fstream>

#include "oddsctl/budget.hpp"
#include "oddsctl/errors.hpp"

using namespace oddsctl;

TEST_CASE("the 15-second, 4-region, 3-market schedule") {
  // 1 sport: one /odds call per region per run, each costing 3 markets x 1 region.
  //   per run   = 1 sport x 4 regions x 3 markets            = 12 credits
  //   runs/day  = 86 400 s / 15 s                             = 5 760
  //   per day   = 12 x 5 760                                  = 69 120 credits
  //   per month = 69 120 x 30 days                            = 2 073 600 credits
  // -> more than 100K, fits 5M ($119).
  budget::Schedule s{1, 4, 3};
  auto f = forecast("scan", s, Millis(15'000));
  CHECK(f.per_run == 12);
  CHECK(f.runs_per_day == doctest::Approx(5760.0));
  CHECK(f.per_day == 69'120);
  CHECK(f.per_month == 2'073'600);
  auto plans = budget::builtin_plans();
  const budget::Plan* fit = cheapest_fit(plans, f.per_month);
  REQUIRE(fit);
  CHECK(fit->name == "5M");
  CHECK(fit->price_usd == 119);

  // 10 sports: 120 credits a run, 691 200 a day, 20 736 000 a month: no plan fits (15M max).
  auto ten = forecast("scan", budget::Schedule{10, 4, 3}, Millis(15'000));
  CHECK(ten.per_run == 120);
  CHECK(ten.per_day == 691'200);
  CHECK(ten.per_month == 20'736'000);
  CHECK(cheapest_fit(plans, ten.per_month) == nullptr);
  // The shortest interval within 15M: 120 x 2 592 000 s / 15 000 000 = 20.736 s -> 21 s,
  // which gives 120 x 2 592 000 / 21 = 14 811 428.6 -> 14 811 429 credits a month.
  auto shortest = budget::shortest_interval(120, 15'000'000);
  REQUIRE(shortest);
  CHECK(*shortest == Millis(21'000));
  CHECK(forecast("scan", budget::Schedule{10, 4, 3}, *shortest).per_month == 14'811'429);
  CHECK(forecast("scan", budget::Schedule{10, 4, 3}, Millis(20'000)).per_month > 15'000'000);
}

TEST_CASE("intervals that do not divide a day round the credits up") {
  // 7 s: 86 400 / 7 = 12 342.857 runs a day; 2 credits a run -> 24 685.7 -> 24 686 a day,
  // 740 571.4 -> 740 572 a month.
  auto f = forecast("scan", budget::Schedule{1, 1, 2}, Millis(7'000));
  CHECK(f.per_day == 24'686);
  CHECK(f.per_month == 740'572);
  CHECK_THROWS_AS(forecast("scan", budget::Schedule{1, 1, 1}, Millis(0)), UsageError);
}

TEST_CASE("shortest interval for the free plan and impossible cases") {
  // 500 credits a month, 3 credits a run: 3 x 2 592 000 s / 500 = 15 552 s (4h19m12s).
  CHECK(budget::shortest_interval(3, 500) == Millis(15'552'000));
  CHECK_FALSE(budget::shortest_interval(501, 500));
  // 12 credits a run within 5M: 12 x 2 592 000 / 5 000 000 = 6.2208 s -> 7 s.
  CHECK(budget::shortest_interval(12, 5'000'000) == Millis(7'000));
}

TEST_CASE("sync tiers use the same per-run model at their own intervals") {
  // hot every 30 s, 2 sports x 4 regions x 3 markets = 24 a run, 2 880 runs a day:
  // 69 120 a day, 2 073 600 a month.
  auto tiers = budget::default_tier_intervals();
  REQUIRE(tiers.size() == 3);
  CHECK(tiers[0].tier == "hot");
  auto hot = forecast("sync:hot", budget::Schedule{2, 4, 3}, tiers[0].interval);
  CHECK(hot.per_day == 69'120);
  CHECK(hot.per_month == 2'073'600);
  // cold every 15 min: 96 runs a day -> 2 304 a day, 69 120 a month.
  auto cold = forecast("sync:cold", budget::Schedule{2, 4, 3}, tiers[2].interval);
  CHECK(cold.per_day == 2'304);
  CHECK(cold.per_month == 69'120);
}

TEST_CASE("plans.toml in the source tree parses and matches the built-in figures") {
  auto plans = budget::load_plans_file(std::filesystem::path(ODDSCTL_DATA_DIR) / "plans.toml");
  auto builtin = budget::builtin_plans();
  REQUIRE(plans.size() == builtin.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    CHECK(plans[i].name == builtin[i].name);
    CHECK(plans[i].credits == builtin[i].credits);
    CHECK(plans[i].price_usd == builtin[i].price_usd);
  }
  CHECK(find_plan(plans, "5m") != nullptr);
  CHECK(find_plan(plans, "FREE")->credits == 500);
  CHECK(find_plan(plans, "6M") == nullptr);
}

TEST_CASE("the config's plans table replaces and adds plans; bad tables are usage errors") {
  auto merged = merge_plans(
      budget::builtin_plans(),
      {{"5M.credits", "5000000"}, {"5M.price_usd", "99"}, {"1M.credits", "1000000"}, {"1M.price_usd", "79"}},
      "config.toml");
  CHECK(merged.size() == 6);
  CHECK(find_plan(merged, "5M")->price_usd == 99);
  CHECK(cheapest_fit(merged, 900'000)->name == "1M");
  CHECK_THROWS_AS(budget::merge_plans({}, {{"x.credits", "10"}}, "c"), UsageError);
  CHECK_THROWS_AS(budget::merge_plans({}, {{"x.credits", "ten"}, {"x.price_usd", "1"}}, "c"), UsageError);
  CHECK_THROWS_AS(budget::parse_plans_toml("[plans.x]\ncredits = 5\n", "p"), UsageError);
  CHECK_THROWS_AS(budget::parse_plans_toml("[plans.x]\ncredits = -5\nprice_usd = 1\n", "p"), UsageError);
  CHECK_THROWS_AS(budget::parse_plans_toml("plans = [", "p"), UsageError);
  auto one = budget::parse_plans_toml("[plans.big]\ncredits = 1_000\nprice_usd = 2.5\n", "p");
  REQUIRE(one.size() == 1);
  CHECK(one[0].price_usd == 2.5);
}

TEST_CASE("search path: installed share/ first, then the source tree") {
  auto paths = budget::plans_search_path("/opt/oddsctl/bin/oddsctl");
  REQUIRE(paths.size() == 3);
  CHECK(paths[0] == std::filesystem::path("/opt/oddsctl/bin/../share/oddsctl/plans.toml"));
  CHECK(paths[1] == std::filesystem::path("/opt/oddsctl/bin/../data/plans.toml"));
}

TEST_CASE("the mix from the ledger: distinct sports and regions, markets from a call's cost") {
  auto mk = [](const std::string& region, const std::string& sport, std::int64_t last, const std::string& endpoint) {
    LedgerEntry e;
    e.at = from_epoch_ms(1'000'000);
    e.region = region;
    e.sport = sport;
    e.endpoint = endpoint;
    e.command = "scan";
    e.credits.last = last;
    return e;
  };
  std::vector<LedgerEntry> rows{mk("au", "a", 3, "odds"), mk("uk", "a", 3, "odds"), mk("au", "b", 0, "odds"),
                                mk("us", "c", 0, "events")};
  auto s = budget::schedule_from_ledger(rows, "scan", from_epoch_ms(0));
  CHECK(s.sports == 2);
  CHECK(s.regions == 2);
  CHECK(s.markets == 3);
  CHECK(budget::schedule_from_ledger(rows, "sync:hot", from_epoch_ms(0)).sports == 0);
  CHECK(budget::schedule_from_ledger(rows, "", from_epoch_ms(2'000'000)).sports == 0);
}
