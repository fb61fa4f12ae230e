// Synthetic /odds responses for the engine benchmarks: deterministic bodies in the API's
// shape (h2h, spreads and totals from ten books, 60 events per body), about `target_bytes`
// in all. The same seed and size give the same bytes in every run.
#pragma once

#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace oddsctl::bench {

inline std::string price(std::mt19937& rng, double fair) {
  std::uniform_real_distribution<double> noise(0.93, 1.0);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", 1.0 + (fair - 1.0) * noise(rng));
  return buf;
}

inline std::vector<std::string> make_bodies(std::size_t target_bytes, int events_per_body = 60) {
  static const char* const books[] = {"draftkings", "fanduel", "betmgm", "caesars", "pointsbetus",
                                      "betrivers", "unibet_us", "wynnbet", "betfair_ex_uk", "matchbook"};
  std::mt19937 rng(42);
  std::vector<std::string> bodies;
  std::size_t total = 0;
  int n = 0;
  while (total < target_bytes) {
    std::string b = "[";
    for (int e = 0; e < events_per_body; ++e, ++n) {
      const std::string home = "Home Team " + std::to_string(n), away = "Away Team " + std::to_string(n);
      char id[40];
      std::snprintf(id, sizeof id, "%032x", static_cast<unsigned>(n * 2654435761u));
      if (e) b += ',';
      b += R"({"id":")" + std::string(id) + R"(","sport_key":"basketball_nba","sport_title":"NBA",)"
           R"("commence_time":"2025-06-02T0)" + std::to_string(n % 10) + R"(:00:00Z","home_team":")" + home +
           R"(","away_team":")" + away + R"(","bookmakers":[)";
      for (int k = 0; k < 10; ++k) {
        const std::string t = R"("last_update":"2025-06-01T11:5)" + std::to_string(k) + R"(:00Z")";
        const double line = -1.5 - static_cast<int>(rng() % 4);
        if (k) b += ',';
        b += R"({"key":")" + std::string(books[k]) + R"(","title":"Book )" + std::to_string(k) + R"(",)" + t +
             R"(,"markets":[{"key":"h2h",)" + t + R"(,"outcomes":[{"name":")" + home + R"(","price":)" +
             price(rng, 1.95) + R"(},{"name":")" + away + R"(","price":)" + price(rng, 1.95) +
             R"(}]},{"key":"spreads",)" + t + R"(,"outcomes":[{"name":")" + home + R"(","price":)" +
             price(rng, 1.95) + R"(,"point":)" + std::to_string(line) + R"(},{"name":")" + away +
             R"(","price":)" + price(rng, 1.95) + R"(,"point":)" + std::to_string(-line) +
             R"(}]},{"key":"totals",)" + t + R"(,"outcomes":[{"name":"Over","price":)" + price(rng, 1.95) +
             R"(,"point":220.5},{"name":"Under","price":)" + price(rng, 1.95) + R"(,"point":220.5}]}]})";
      }
      b += "]}";
    }
    b += ']';
    total += b.size();
    bodies.push_back(std::move(b));
  }
  return bodies;
}

}  // namespace oddsctl::bench
