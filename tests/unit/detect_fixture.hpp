// A hand-built board for the detector tests (test_flags.cpp, test_lowhold.cpp): events at a
// fixed "now", quoted book by book, market by market.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "oddsctl/engine/detect.hpp"
#include "test_util.hpp"

namespace detect_test {

using namespace oddsctl;
using namespace std::chrono_literals;

inline const TimePoint k_now = parse_rfc3339("2024-05-01T12:00:00Z");

// An NBA event "Home" v "Away", six hours after k_now, no bookmakers yet.
inline Event event(const std::string& id) {
  Event e;
  e.id = id;
  e.sport_key = "basketball_nba";
  e.sport_title = "NBA";
  e.home_team = "Home";
  e.away_team = "Away";
  e.commence_time = k_now + 6h;
  return e;
}

// One quoted outcome: {"Home", 2.1, {}} or {"Over", 1.9, 2.5}.
struct Quote {
  std::string name;
  double price = 0;
  std::optional<double> point;
};

// `book` quotes `market` (the book is added on its first quote), updated a minute before k_now.
inline void quote(Event& e, const std::string& book, const std::string& market, const std::vector<Quote>& quotes) {
  auto it = std::find_if(e.bookmakers.begin(), e.bookmakers.end(), [&](auto& b) { return b.key == book; });
  if (it == e.bookmakers.end()) {
    e.bookmakers.push_back(oddsctl::test::bookmaker(book, k_now - 1min, {}));
    it = e.bookmakers.end() - 1;
  }
  std::vector<Outcome> outcomes;
  for (const auto& q : quotes) outcomes.push_back(oddsctl::test::outcome(q.name, q.price, q.point));
  it->markets.push_back(oddsctl::test::market(market, k_now - 1min, std::move(outcomes)));
}

inline void h2h(Event& e, const std::string& book, double home, double away) {
  quote(e, book, "h2h", {{"Home", home, {}}, {"Away", away, {}}});
}

}  // namespace detect_test
