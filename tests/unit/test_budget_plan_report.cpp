// plan_budget (src/budget/plan.cpp): the books priced both ways, the cheaper one forecast, and
// the credits bought before the API refreshes; the JSON the command prints.
#include <doctest/doctest.h>

#include "oddsctl/budget/plan.hpp"
#include "oddsctl/errors.hpp"

using namespace oddsctl;

namespace {

budget::PlanOptions base() {
  budget::PlanOptions o;
  o.sports = 2;
  o.regions = 2;
  o.region_names = {"au", "uk"};
  o.markets = 3;
  o.market_names = {"h2h", "spreads", "totals"};
  o.interval = Millis(15'000);
  o.no_sync = true;
  o.plans = budget::builtin_plans();
  o.plans_source = "built-in";
  return o;
}

}  // namespace

TEST_CASE("without --bookmakers a run is sports x regions x markets") {
  budget::PlanReport r = plan_budget(base(), nullptr, TimePoint{});
  CHECK(r.per_run == 12);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].per_run == 12);
  CHECK_FALSE(r.books.has_value());
  auto doc = plan_report_json(r);
  CHECK(doc["forecasts"][0]["credits_per_month"] == 2073600);
  CHECK(doc["forecasts"][0]["unrefreshed_credits_per_month"] == 1555200);  // 3 of 4 calls
  CHECK(doc["refresh"]["interval_s"] == 60);
  CHECK_FALSE(doc.contains("bookmakers"));
}

TEST_CASE("--bookmakers: each region pays the cheaper of regions= and bookmakers=") {
  budget::PlanOptions o = base();
  // au: 12 known books (regions= 1 < bookmakers= 2); uk: one book (bookmakers= 1).
  o.bookmakers = {"betr_au", "betright",    "bet365_au", "boombet", "dabble_au", "ladbrokes_au", "neds",
                  "playup",  "pointsbetau", "sportsbet", "surgeau", "tab",       "paddypower"};
  budget::PlanReport r = plan_budget(o, nullptr, TimePoint{});
  REQUIRE(r.books.has_value());
  CHECK(r.books->by_regions == 2);
  CHECK(r.books->by_bookmakers == 3);  // au 2 groups + uk 1
  CHECK(r.books->chosen == 2);
  CHECK(r.per_run == 2 * 2 * 3);
  auto doc = plan_report_json(r);
  CHECK(doc["bookmakers"]["regions"][0]["request"] == "regions");
  CHECK(doc["bookmakers"]["regions"][1]["request"] == "bookmakers");
  CHECK(doc["bookmakers"]["credits_per_run_by_bookmakers"] == 18);
}

TEST_CASE("--bookmakers of one region only: the other region costs nothing") {
  budget::PlanOptions o = base();
  o.bookmakers = {"neds"};
  budget::PlanReport r = plan_budget(o, nullptr, TimePoint{});
  CHECK(r.books->chosen == 1);
  CHECK(r.per_run == 2 * 1 * 3);
  auto notes = plan_report_notes(r);
  bool named = false;
  for (const auto& n : notes) named = named || n.find("uk: no book of this region: no call") != std::string::npos;
  CHECK(named);
}

TEST_CASE("no interval and no plan is a usage error; an unknown plan names the known ones") {
  budget::PlanOptions o = base();
  o.interval.reset();
  CHECK_THROWS_AS(plan_budget(o, nullptr, TimePoint{}), UsageError);
  o.plan = "9Z";
  CHECK_THROWS_WITH_AS(plan_budget(o, nullptr, TimePoint{}), doctest::Contains("known: free"), UsageError);
}
