// Reading /odds and /sports bodies: formats, tolerance of old schemas, rejection of broken bodies.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "oddsctl/errors.hpp"
#include "oddsctl/odds.hpp"

using namespace oddsctl;

namespace {

// One NBA event, two books; `prices` are spliced in so each case picks its own format.
std::string body_with(const std::string& p1, const std::string& p2, const std::string& p3, const std::string& p4) {
  return R"([{"id":"e1","sport_key":"basketball_nba","sport_title":"NBA",
    "commence_time":"2024-03-27T02:00:00Z","home_team":"Home","away_team":"Away",
    "bookmakers":[
      {"key":"a","title":"A","last_update":"2024-03-27T01:29:00Z","markets":[
        {"key":"h2h","last_update":"2024-03-27T01:28:00Z","outcomes":[
          {"name":"Home","price":)" +
         p1 + R"(},{"name":"Away","price":)" + p2 + R"(}]}]},
      {"key":"b","title":"B","last_update":"2024-03-27T01:30:00Z","markets":[
        {"key":"h2h","outcomes":[
          {"name":"Home","price":)" +
         p3 + R"(},{"name":"Away","price":)" + p4 + R"(}]}]}]}])";
}

std::string error_of(const std::string& body) {
  try {
    parse_events_json(body);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a decimal body is read field by field") {
  auto events = parse_events_json(body_with("1.91", "2", "1.95", "1.87"));
  REQUIRE(events.size() == 1);
  const Event& e = events[0];
  CHECK(e.id == "e1");
  CHECK(e.sport_key == "basketball_nba");
  CHECK(e.sport_title == "NBA");
  CHECK(e.home_team == "Home");
  CHECK(e.away_team == "Away");
  CHECK(e.commence_time == parse_rfc3339("2024-03-27T02:00:00Z"));
  REQUIRE(e.bookmakers.size() == 2);
  CHECK(e.bookmakers[0].key == "a");
  CHECK(e.bookmakers[0].title == "A");
  CHECK(e.bookmakers[0].last_update == parse_rfc3339("2024-03-27T01:29:00Z"));
  CHECK(e.bookmakers[0].markets[0].last_update == parse_rfc3339("2024-03-27T01:28:00Z"));
  CHECK_FALSE(e.bookmakers[1].markets[0].last_update.has_value());  // the old schema has none
  CHECK(e.bookmakers[0].markets[0].outcomes[1].price == 2.0);       // an integer price
  CHECK_FALSE(e.bookmakers[0].markets[0].outcomes[0].point.has_value());
}

TEST_CASE("American odds: +150 -> 2.5, -200 -> 1.5, +-100 -> 2") {
  CHECK(american_to_decimal(150) == doctest::Approx(2.5));
  CHECK(american_to_decimal(-200) == doctest::Approx(1.5));
  CHECK(american_to_decimal(100) == 2.0);
  CHECK(american_to_decimal(-100) == 2.0);
  CHECK(american_to_decimal(-110) == doctest::Approx(1.909090909));
  CHECK_THROWS_AS(american_to_decimal(50), std::invalid_argument);
  CHECK_THROWS_AS(american_to_decimal(-99.5), std::invalid_argument);
}

TEST_CASE("auto format: one negative price makes the whole body American") {
  auto events = parse_events_json(body_with("150", "-200", "100", "-100"), OddsFormat::automatic);
  const auto& a = events[0].bookmakers[0].markets[0].outcomes;
  const auto& b = events[0].bookmakers[1].markets[0].outcomes;
  CHECK(a[0].price == doctest::Approx(2.5));  // converted although it is positive
  CHECK(a[1].price == doctest::Approx(1.5));
  CHECK(b[0].price == 2.0);
  CHECK(b[1].price == 2.0);
}

TEST_CASE("auto format without a negative price is decimal; the format can be forced") {
  auto dec = parse_events_json(body_with("2.5", "1.6", "3", "1.4"), OddsFormat::automatic);
  CHECK(dec[0].bookmakers[0].markets[0].outcomes[0].price == 2.5);
  auto us = parse_events_json(body_with("150", "120", "300", "400"), OddsFormat::american);
  CHECK(us[0].bookmakers[0].markets[0].outcomes[0].price == doctest::Approx(2.5));
  CHECK(us[0].bookmakers[1].markets[0].outcomes[1].price == doctest::Approx(5.0));
}

TEST_CASE("prices that are not prices are dropped as invalid quotes") {
  // decimal below 1, a string, and null: each quote goes, its neighbours stay
  auto events = parse_events_json(body_with("0.95", "\"2.1\"", "null", "1.0"));
  CHECK(events[0].bookmakers[0].markets[0].outcomes.empty());
  REQUIRE(events[0].bookmakers[1].markets[0].outcomes.size() == 1);
  CHECK(events[0].bookmakers[1].markets[0].outcomes[0].price == 1.0);  // 1.0 is a (useless) price
  // American values in (-100, 100) are not odds
  auto us = parse_events_json(body_with("50", "-150", "0", "-100"), OddsFormat::automatic);
  CHECK(us[0].bookmakers[0].markets[0].outcomes.size() == 1);
  CHECK(us[0].bookmakers[1].markets[0].outcomes.size() == 1);
}

TEST_CASE("old and sparse schemas are tolerated") {
  auto events = parse_events_json(R"([
    {"id":"x","commence_time":"2023-12-05T00:30:00Z","home_team":"H","away_team":"A","bookmakers":[]},
    {"id":"y","commence_time":"2023-12-05T00:30:00Z","home_team":"H","away_team":"A"},
    {"id":"z","commence_time":"2023-12-05T00:30:00Z","bookmakers":[{"key":"k","markets":[]},
      {"key":"j","extra":{"nested":[1,{"a":[]}]},"markets":[{"key":"totals","outcomes":[
        {"name":"Over","price":1.9,"point":220.5,"description":null,"link":{"x":1}}]}]}],
     "completed":false,"scores":null}])");
  REQUIRE(events.size() == 3);
  CHECK(events[0].bookmakers.empty());
  CHECK(events[1].bookmakers.empty());
  REQUIRE(events[2].bookmakers.size() == 2);
  CHECK(events[2].bookmakers[0].markets.empty());
  CHECK_FALSE(events[2].bookmakers[0].last_update.has_value());
  const auto& o = events[2].bookmakers[1].markets[0].outcomes.at(0);
  CHECK(o.point == 220.5);
  CHECK(o.price == 1.9);
  CHECK(parse_events_json("[]").empty());
}

TEST_CASE("a broken body is an error with a short reason, never partial data") {
  CHECK(error_of("").rfind("not JSON", 0) == 0);
  CHECK(error_of(R"([{"id":"a","commence_time":"2024-01-01T00:00:00Z"},)").rfind("not JSON", 0) == 0);
  CHECK(error_of("<html>502</html>").rfind("not JSON", 0) == 0);
  CHECK(error_of(R"({"message":"Invalid key","error_code":"INVALID_KEY"})") == "expected an array of events");
  CHECK(error_of("[1,2]") == "expected an array of events");
  CHECK(error_of("[[]]") == "expected an array of events");
  CHECK(error_of(R"([{"commence_time":"2024-01-01T00:00:00Z"}])") == "an event without an id");
  CHECK(error_of(R"([{"id":"q"}])").find("commence_time") != std::string::npos);
  CHECK(error_of(R"([{"id":"q","commence_time":"yesterday"}])").find("commence_time") != std::string::npos);
  CHECK(error_of(R"([{"id":"q","commence_time":"2024-01-01T00:00:00Z","bookmakers":[3]}])").find("bookmakers") !=
        std::string::npos);
  CHECK(
      error_of(R"([{"id":"q","commence_time":"2024-01-01T00:00:00Z","bookmakers":[{"key":"b","last_update":"soon"}]}])")
          .find("last_update") != std::string::npos);
}

TEST_CASE("odds format names") {
  CHECK(parse_odds_format("auto") == OddsFormat::automatic);
  CHECK(parse_odds_format("decimal") == OddsFormat::decimal);
  CHECK(parse_odds_format("american") == OddsFormat::american);
  CHECK_THROWS_AS(parse_odds_format("fractional"), UsageError);
}

TEST_CASE("newest_update is the newest market or bookmaker time") {
  auto events = parse_events_json(body_with("1.91", "2", "1.95", "1.87"));
  CHECK(newest_update(events) == parse_rfc3339("2024-03-27T01:30:00Z"));
  events[0].bookmakers[0].markets[0].last_update = parse_rfc3339("2024-03-27T01:31:00Z");
  CHECK(newest_update(events) == parse_rfc3339("2024-03-27T01:31:00Z"));
  CHECK_FALSE(newest_update({}).has_value());
}

TEST_CASE("Event JSON round trip keeps every field, in decimal") {
  auto events = parse_events_json(body_with("150", "-200", "100", "-100"), OddsFormat::automatic);
  events[0].bookmakers[0].markets[0].outcomes[0].point = -1.5;
  nlohmann::json j = to_json(events[0]);
  CHECK(j["bookmakers"][0]["markets"][0]["outcomes"][0]["price"] == 2.5);
  CHECK_FALSE(j["bookmakers"][1]["markets"][0].contains("last_update"));
  Event back = event_from_json(j);
  CHECK(back.id == "e1");
  CHECK(back.commence_time == events[0].commence_time);
  CHECK(back.bookmakers[0].last_update == events[0].bookmakers[0].last_update);
  CHECK(back.bookmakers[0].markets[0].last_update == events[0].bookmakers[0].markets[0].last_update);
  CHECK(back.bookmakers[0].markets[0].outcomes[0].point == -1.5);
  CHECK(back.bookmakers[0].markets[0].outcomes[1].price == doctest::Approx(1.5));
  CHECK(to_json(back) == j);
  CHECK_THROWS_AS(event_from_json(nlohmann::json::array()), std::runtime_error);
}

TEST_CASE("/sports bodies") {
  auto sports = parse_sports_json(R"([
    {"key":"soccer_epl","group":"Soccer","title":"EPL","description":"English Premier League","active":true,"has_outrights":false},
    {"key":"golf_masters_tournament_winner","group":"Golf","title":"Masters","active":false,"has_outrights":true}])");
  REQUIRE(sports.size() == 2);
  CHECK(sports[0].key == "soccer_epl");
  CHECK(sports[0].group == "Soccer");
  CHECK(sports[0].title == "EPL");
  CHECK(sports[0].active);
  CHECK_FALSE(sports[1].active);
  CHECK(sports[1].has_outrights);
  CHECK_THROWS_AS(parse_sports_json("nope"), std::runtime_error);
  CHECK_THROWS_AS(parse_sports_json(R"({"message":"x"})"), std::runtime_error);
  CHECK_THROWS_AS(parse_sports_json(R"([{"title":"no key"}])"), std::runtime_error);
}

TEST_CASE("includeLinks / includeBetLimits fields: read at every level, nulls and odd types ignored") {
  auto events = parse_events_json(R"([{"id":"e1","commence_time":"2024-03-27T02:00:00Z",
    "home_team":"H","away_team":"A","bookmakers":[
      {"key":"betfair_ex_uk","title":"Betfair","link":"https://bf.example/e/1","sid":"1","markets":[
        {"key":"h2h","link":"https://bf.example/m/1","sid":null,"outcomes":[
          {"name":"H","price":2.1,"link":"https://bf.example/slip?o=H","sid":"11","bet_limit":125.5},
          {"name":"A","price":2.0,"link":null,"sid":12,"bet_limit":null},
          {"name":"Draw","price":3.5,"link":{"x":1},"bet_limit":-3}]}]},
      {"key":"b","title":"B","markets":[{"key":"h2h","outcomes":[{"name":"H","price":2.0,"bet_limit":0}]}]}]}])");
  REQUIRE(events.size() == 1);
  const Bookmaker& bf = events[0].bookmakers[0];
  CHECK(bf.link == std::optional<std::string>("https://bf.example/e/1"));
  CHECK(bf.markets[0].link == std::optional<std::string>("https://bf.example/m/1"));
  const auto& o = bf.markets[0].outcomes;
  CHECK(o[0].link == std::optional<std::string>("https://bf.example/slip?o=H"));
  CHECK(o[0].bet_limit == std::optional<double>(125.5));
  CHECK_FALSE(o[1].link.has_value());  // null: the book has none
  CHECK_FALSE(o[1].bet_limit.has_value());
  CHECK_FALSE(o[2].link.has_value());       // not a string
  CHECK_FALSE(o[2].bet_limit.has_value());  // not a positive amount
  CHECK_FALSE(events[0].bookmakers[1].markets[0].outcomes[0].bet_limit.has_value());
  CHECK_FALSE(events[0].bookmakers[1].link.has_value());
  // Without the fields (no includeLinks) nothing is invented.
  auto plain = parse_events_json(body_with("1.91", "2", "1.95", "1.87"));
  CHECK_FALSE(plain[0].bookmakers[0].link.has_value());
  CHECK_FALSE(plain[0].bookmakers[0].markets[0].link.has_value());
  CHECK_FALSE(plain[0].bookmakers[0].markets[0].outcomes[0].link.has_value());
  CHECK_FALSE(plain[0].bookmakers[0].markets[0].outcomes[0].bet_limit.has_value());
  // The stored form (to_json, event_from_json) keeps them: a replayed or synced event stakes alike.
  nlohmann::json j = to_json(events[0]);
  CHECK(j["bookmakers"][0]["link"] == "https://bf.example/e/1");
  CHECK(j["bookmakers"][0]["markets"][0]["outcomes"][0]["bet_limit"] == 125.5);
  CHECK_FALSE(j["bookmakers"][0]["markets"][0]["outcomes"][1].contains("link"));
  Event back = event_from_json(j);
  CHECK(back.bookmakers[0].markets[0].outcomes[0].link == o[0].link);
  CHECK(back.bookmakers[0].markets[0].outcomes[0].bet_limit == o[0].bet_limit);
  CHECK(back.bookmakers[0].markets[0].link == bf.markets[0].link);
  CHECK(to_json(back) == j);
}
