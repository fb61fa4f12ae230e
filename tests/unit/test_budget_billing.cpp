// The books of an /odds call: billed one region per started group of 10 (The Odds API v4),
// a book asked only in its own region, and the cheaper of regions= and bookmakers=.
#include <doctest/doctest.h>

#include "oddsctl/budget/billing.hpp"

using namespace oddsctl;

TEST_CASE("every started group of 10 books is one region") {
  CHECK(budget::bookmaker_units(0) == 0);
  CHECK(budget::bookmaker_units(1) == 1);
  CHECK(budget::bookmaker_units(10) == 1);
  CHECK(budget::bookmaker_units(11) == 2);
  CHECK(budget::bookmaker_units(20) == 2);
  CHECK(budget::bookmaker_units(21) == 3);
}

TEST_CASE("a book belongs to its region; a book no region knows is asked everywhere") {
  const std::vector<std::string> asked = {"neds", "paddypower", "brand_new_book", "neds"};
  CHECK(budget::region_books("au", asked) == std::vector<std::string>{"neds", "brand_new_book"});
  CHECK(budget::region_books("uk", asked) == std::vector<std::string>{"paddypower", "brand_new_book"});
  CHECK(budget::region_books("us", {"neds"}).empty());
  // A book of two regions (sport888: uk and eu) is asked in both.
  CHECK(budget::region_books("uk", {"sport888"}) == std::vector<std::string>{"sport888"});
  CHECK(budget::region_books("eu", {"sport888"}) == std::vector<std::string>{"sport888"});
}

TEST_CASE("the cheaper request for the same books") {
  SUBCASE("no --bookmakers: the whole region, 1") {
    auto r = budget::plan_books("au", {});
    CHECK_FALSE(r.by_bookmakers);
    CHECK(r.units == 1);
  }
  SUBCASE("up to 10 books: bookmakers=, as cheap as the region and a smaller answer") {
    auto r = budget::plan_books("au", {"neds", "tab", "sportsbet"});
    CHECK(r.by_bookmakers);
    CHECK(r.units == 1);
    CHECK(r.units_by_bookmakers == 1);
  }
  SUBCASE("12 known books of the region: regions= (1) beats bookmakers= (2)") {
    auto r = budget::plan_books("au", {"betr_au", "betright", "bet365_au", "boombet", "dabble_au", "ladbrokes_au",
                                       "neds", "playup", "pointsbetau", "sportsbet", "surgeau", "tab"});
    CHECK_FALSE(r.by_bookmakers);
    CHECK(r.units == 1);
    CHECK(r.units_by_bookmakers == 2);
  }
  SUBCASE("11 books, one unknown: regions= would miss it, so bookmakers= (2)") {
    auto r = budget::plan_books("au", {"betr_au", "betright", "bet365_au", "boombet", "dabble_au", "ladbrokes_au",
                                       "neds", "playup", "pointsbetau", "sportsbet", "brand_new_book"});
    CHECK(r.by_bookmakers);
    CHECK(r.units == 2);
  }
  SUBCASE("none of the books is the region's: no call") {
    auto r = budget::plan_books("us", {"neds"});
    CHECK(r.units == 0);
    CHECK(r.books.empty());
  }
}
