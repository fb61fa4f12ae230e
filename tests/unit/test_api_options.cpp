// The API options every calling command shares (src/api/options.cpp) and the bookmaker
// list (src/scan/bookmakers.cpp): regions canonical, markets checked, one region's client
// options, known books per region.
#include <doctest/doctest.h>

#include <algorithm>

#include "oddsctl/api.hpp"
#include "oddsctl/api/options.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/scan.hpp"

using namespace oddsctl;
using namespace std::chrono_literals;

TEST_CASE("regions come out in the canonical order, lower-cased, once each; all expands") {
  CHECK(api::canonical_regions({"EU", "au", "Us", "au"}) == std::vector<std::string>{"au", "us", "eu"});
  CHECK(api::canonical_regions({}).empty());
  const auto all = api::canonical_regions({"all"});
  REQUIRE(all.size() >= 4);
  CHECK(std::vector<std::string>(all.begin(), all.begin() + 4) == std::vector<std::string>{"au", "uk", "us", "eu"});
  CHECK(api::canonical_regions({"uk", "ALL"}) == all);
  CHECK_THROWS_WITH_AS(api::canonical_regions({"au", "mars"}), doctest::Contains("'mars'"), UsageError);
}

TEST_CASE("markets: featured, additional, period forms and props are known; lay markets are refused") {
  for (const char* m : {"h2h", "spreads", "totals", "outrights", "btts", "draw_no_bet", "h2h_3_way", "team_totals",
                        "h2h_q1", "spreads_h2", "totals_p3", "alternate_totals_1st_5_innings", "player_points",
                        "batter_home_runs", "pitcher_strikeouts", "h2h_lay"}) {
    CAPTURE(m);
    CHECK(api::is_known_market(m));
  }
  for (const char* m : {"", "h2hh", "btts_q1", "player_", "player_Points", "h2h_q5", "totals_h3", "spreads ", "lay"}) {
    CAPTURE(m);
    CHECK_FALSE(api::is_known_market(m));
  }
  CHECK_THROWS_WITH_AS(api::check_markets({}), doctest::Contains("at least one"), UsageError);
  CHECK_THROWS_WITH_AS(api::check_markets({"h2h", "outrights_lay"}), doctest::Contains("lay"), UsageError);
  // Far from every market: no suggestion, but the valid list.
  std::string m;
  try {
    api::check_markets({"zzzzzzzz"});
  } catch (const UsageError& e) {
    m = e.what();
  }
  CHECK(m.find("'zzzzzzzz'") != std::string::npos);
  CHECK(m.find("did you mean") == std::string::npos);
  CHECK(m.find("valid: h2h") != std::string::npos);
  CHECK_NOTHROW(api::check_markets({"h2h_q1", "player_assists"}));
}

TEST_CASE("a region's client options are the run's API options") {
  api::ApiOptions o;
  o.base_url = "http://127.0.0.1:9";
  o.timeout = 7s;
  o.connect_timeout = 2s;
  o.max_retries = 5;
  o.bookmakers = {"neds"};
  api::ClientOptions c = client_options(o, "au", "sync");
  CHECK(c.base_url == "http://127.0.0.1:9");
  CHECK(c.region == "au");
  CHECK(c.command == "sync");
  CHECK(c.request_timeout == 7s);
  CHECK(c.connect_timeout == 2s);
  CHECK(c.max_retries == 5);
  CHECK(c.bookmakers == std::vector<std::string>{"neds"});
  CHECK(c.guard == nullptr);  // the caller adds the guard and the ledger sink
  CHECK_FALSE(static_cast<bool>(c.on_ledger));
}

TEST_CASE("known bookmakers per region; none for an unknown region") {
  const auto& au = scan::known_bookmakers("au");
  CHECK(std::find(au.begin(), au.end(), "neds") != au.end());
  CHECK(std::find(au.begin(), au.end(), "pinnacle") == au.end());
  const auto& eu = scan::known_bookmakers("eu");
  CHECK(std::find(eu.begin(), eu.end(), "pinnacle") != eu.end());
  for (const char* r : {"au", "uk", "us", "eu"}) {
    CAPTURE(r);
    const auto& books = scan::known_bookmakers(r);
    CHECK_FALSE(books.empty());
    auto sorted = books;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());  // no key twice
  }
  CHECK(scan::known_bookmakers("mars").empty());
  // An unknown book is a warning, never an error: the API adds books often.
  CHECK_NOTHROW(scan::warn_unknown_bookmakers({"neds", "brand_new_book"}, {"au"}));
  CHECK_NOTHROW(scan::warn_unknown_bookmakers({"pinnacle"}, {}));
}
