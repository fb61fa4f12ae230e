// The change detector: order independent, blind to update times, sensitive to prices and lines.
#include <doctest/doctest.h>

#include "oddsctl/sync.hpp"

using namespace oddsctl;

namespace {

Event sample() {
  Event e;
  e.id = "e1";
  e.sport_key = "basketball_nba";
  Bookmaker a{"sportsbet", "Sportsbet", parse_rfc3339("2026-05-01T10:00:00Z"), {}};
  a.markets.push_back(
      {"h2h", parse_rfc3339("2026-05-01T10:00:00Z"), {{"Home", 1.9, std::nullopt}, {"Away", 2.0, std::nullopt}}});
  a.markets.push_back({"spreads", std::nullopt, {{"Home", 1.91, -3.5}, {"Away", 1.91, 3.5}}});
  Bookmaker b{"neds", "Neds", std::nullopt, {}};
  b.markets.push_back({"h2h", std::nullopt, {{"Home", 1.95, std::nullopt}, {"Away", 1.95, std::nullopt}}});
  e.bookmakers = {a, b};
  return e;
}

}  // namespace

TEST_CASE("fingerprint is a SHA-256 hex digest and stable") {
  auto fp = sync::odds_fingerprint(sample());
  CHECK(fp.size() == 64);
  CHECK(fp.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(sync::odds_fingerprint(sample()) == fp);
}

TEST_CASE("fingerprint ignores the order of books, markets and outcomes") {
  auto e = sample();
  auto fp = sync::odds_fingerprint(e);
  std::swap(e.bookmakers[0], e.bookmakers[1]);
  CHECK(sync::odds_fingerprint(e) == fp);
  std::swap(e.bookmakers[1].markets[0], e.bookmakers[1].markets[1]);
  std::swap(e.bookmakers[1].markets[0].outcomes[0], e.bookmakers[1].markets[0].outcomes[1]);
  CHECK(sync::odds_fingerprint(e) == fp);
}

TEST_CASE("fingerprint ignores update times, titles and float noise") {
  auto e = sample();
  auto fp = sync::odds_fingerprint(e);
  e.bookmakers[0].last_update = parse_rfc3339("2026-05-01T11:00:00Z");
  e.bookmakers[0].markets[0].last_update = std::nullopt;
  e.bookmakers[0].title = "Other";
  e.home_team = "renamed";
  e.bookmakers[1].markets[0].outcomes[0].price = 1.95 + 1e-12;
  CHECK(sync::odds_fingerprint(e) == fp);
}

TEST_CASE("fingerprint changes with a price, a line, a book or a market") {
  const auto base = sync::odds_fingerprint(sample());
  auto e = sample();
  e.bookmakers[1].markets[0].outcomes[0].price = 1.96;
  CHECK(sync::odds_fingerprint(e) != base);
  e = sample();
  e.bookmakers[0].markets[1].outcomes[0].point = -4.5;
  CHECK(sync::odds_fingerprint(e) != base);
  e = sample();
  e.bookmakers.pop_back();
  CHECK(sync::odds_fingerprint(e) != base);
  e = sample();
  e.bookmakers[1].key = "ladbrokes";
  CHECK(sync::odds_fingerprint(e) != base);
  e = sample();
  e.bookmakers[0].markets[0].key = "h2h_lay";
  CHECK(sync::odds_fingerprint(e) != base);
  // A name cannot forge a separator: moving text between fields changes the hash.
  Event x = sample(), y = sample();
  x.bookmakers[0].key = "a|b";
  x.bookmakers[0].markets[0].key = "c";
  y.bookmakers[0].key = "a";
  y.bookmakers[0].markets[0].key = "b|c";
  CHECK(sync::odds_fingerprint(x) != sync::odds_fingerprint(y));
}
