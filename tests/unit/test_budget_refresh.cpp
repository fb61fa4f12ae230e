// The API's refresh intervals (data/refresh_intervals.toml) and what polling faster buys.
#include <doctest/doctest.h>

#include "oddsctl/budget/plan.hpp"
#include "oddsctl/errors.hpp"

using namespace oddsctl;

TEST_CASE("the built-in figures are the API's published ones") {
  budget::RefreshIntervals r;
  CHECK(r.featured.pre_match == Millis(60'000));
  CHECK(r.featured.in_play == Millis(40'000));
  CHECK(r.additional.pre_match == Millis(60'000));
  CHECK(r.outrights.pre_match == Millis(300'000));
}

TEST_CASE("the shipped data file parses to the built-in figures") {
  budget::RefreshIntervals r = budget::load_refresh_file(std::string(ODDSCTL_DATA_DIR) + "/refresh_intervals.toml");
  budget::RefreshIntervals b;
  CHECK(r.featured.pre_match == b.featured.pre_match);
  CHECK(r.featured.in_play == b.featured.in_play);
  CHECK(r.additional.in_play == b.additional.in_play);
  CHECK(r.outrights.pre_match == b.outrights.pre_match);
  CHECK(r.exchanges.pre_match == b.exchanges.pre_match);
  CHECK(r.reference.find("update-intervals") != std::string::npos);
}

TEST_CASE("a malformed file names file:line") {
  CHECK_THROWS_AS(budget::parse_refresh_toml("[featured]\npre_match = 60\n", "r.toml"), UsageError);
  try {
    budget::parse_refresh_toml("[featured]\npre_match = 60\n", "r.toml");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("r.toml:2") != std::string::npos);
  }
  CHECK_THROWS_AS(budget::parse_refresh_toml("[featured]\npre_match = \"0s\"\n", "r.toml"), UsageError);
  CHECK_THROWS_AS(budget::parse_refresh_toml("[featured]\nprematch = \"60s\"\n", "r.toml"), UsageError);
  CHECK_THROWS_AS(budget::parse_refresh_toml("featured = 1\n", "r.toml"), UsageError);
  auto r = budget::parse_refresh_toml("[outrights]\npre_match = \"10m\"\n", "r.toml");
  CHECK(r.outrights.pre_match == Millis(600'000));
  CHECK(r.featured.pre_match == Millis(60'000));  // not given: the built-in figure
}

TEST_CASE("the interval of a call is the shortest of its markets") {
  budget::RefreshIntervals r;
  CHECK(refresh_for(r, {"h2h", "spreads"}, {}, false) == Millis(60'000));
  CHECK(refresh_for(r, {"h2h"}, {}, true) == Millis(40'000));
  CHECK(refresh_for(r, {"outrights"}, {}, false) == Millis(300'000));
  CHECK(refresh_for(r, {"outrights", "h2h"}, {}, false) == Millis(60'000));
  CHECK(refresh_for(r, {"player_points"}, {}, true) == Millis(60'000));
  CHECK(refresh_for(r, {}, {}, false) == Millis(60'000));
  r.exchanges.pre_match = Millis(30'000);
  CHECK(refresh_for(r, {"h2h"}, {"betfair_ex_uk", "matchbook"}, false) == Millis(30'000));
  CHECK(refresh_for(r, {"h2h"}, {"betfair_ex_uk", "paddypower"}, false) == Millis(60'000));
}

TEST_CASE("credits bought before the API refreshes") {
  // Every 15 s against 60 s: 3 of 4 calls repeat the last answer.
  CHECK(budget::unrefreshed_credits(172800, Millis(15'000), Millis(60'000)) == 129600);
  CHECK(budget::unrefreshed_credits(1000, Millis(60'000), Millis(60'000)) == 0);
  CHECK(budget::unrefreshed_credits(1000, Millis(120'000), Millis(60'000)) == 0);
  CHECK(budget::unrefreshed_credits(0, Millis(1'000), Millis(60'000)) == 0);
  CHECK(polling_warning("scan", Millis(15'000), Millis(60'000), budget::RefreshIntervals{}).has_value());
  CHECK(polling_warning("scan", Millis(15'000), Millis(60'000), budget::RefreshIntervals{})->find("75%") !=
        std::string::npos);
  CHECK_FALSE(polling_warning("scan", Millis(60'000), Millis(60'000), budget::RefreshIntervals{}).has_value());
}
