// The odds data of The Odds API v4, as value types, and its JSON form.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/time.hpp"

namespace oddsctl {

struct Outcome {
  std::string name;
  double price = 0;  // decimal odds, always (American input is converted on parsing)
  std::optional<double> point;
  // Asked for with includeLinks / includeBetLimits (scan --links, --bet-limits); the API
  // leaves them out otherwise, and writes null where a book has none. (includeSids' "sid"
  // fields are asked for too but not kept: nothing here builds links of its own.)
  std::optional<std::string> link;  // bet-slip deep link
  std::optional<double> bet_limit;  // the largest stake the book takes (exchanges)
};

struct Market {
  std::string key;  // "h2h", "spreads", "totals", "h2h_lay", ...
  std::optional<TimePoint> last_update;
  std::vector<Outcome> outcomes;
  std::optional<std::string> link;  // includeLinks: the market's page at the book (last: keeps brace init)
};

struct Bookmaker {
  std::string key;
  std::string title;
  std::optional<TimePoint> last_update;
  std::vector<Market> markets;
  std::optional<std::string> link;  // includeLinks: the event's page at the book (last: keeps brace init)
};

struct Event {
  std::string id;
  std::string sport_key;
  std::string sport_title;
  std::string home_team;
  std::string away_team;
  TimePoint commence_time{};
  std::vector<Bookmaker> bookmakers;
};

struct Sport {
  std::string key;
  std::string group;
  std::string title;
  bool active = true;
  bool has_outrights = false;
};

enum class OddsFormat { automatic, decimal, american };
OddsFormat parse_odds_format(std::string_view text);  // "auto|decimal|american", UsageError otherwise

// American to decimal: +150 -> 2.5, -200 -> 1.5. Values in (-100, 100) are not American
// odds and throw std::invalid_argument.
double american_to_decimal(double american);

// Parses a /v4/sports/{sport}/odds (or /events) response body: a JSON array of events.
// With OddsFormat::automatic the whole body is American when any price is negative.
// Throws std::runtime_error (with a short reason) when the body is not valid JSON or not
// an array of events: a broken body never yields partial data.
std::vector<Event> parse_events_json(std::string_view body, OddsFormat format = OddsFormat::decimal);
std::vector<Sport> parse_sports_json(std::string_view body);

// The newest last_update (market or bookmaker) in the data: "when it was captured".
std::optional<TimePoint> newest_update(const std::vector<Event>& events);

// Round trip in the API's own shape (prices written as decimal).
nlohmann::json to_json(const Event& event);
Event event_from_json(const nlohmann::json& j);

}  // namespace oddsctl
