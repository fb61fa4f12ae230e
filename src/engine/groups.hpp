// One region's odds, grouped the way every detector reads them: per (event, market, line),
// the sides to cover and every usable quote for each side. Built once per scan and shared by
// the arbitrage, value, middle and low-hold detectors, so a second kind costs no second pass
// over the data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oddsctl/engine/arbitrage.hpp"

namespace oddsctl::engine {

// The shape of a market key: "h2h" (and "h2h_q1", "h2h_3_way"), "spreads"/"alternate_spreads"/
// "spreads_*", "totals"/"alternate_totals"/"totals_*"; none for anything else and for every
// exchange lay market ("*_lay"), which is never combined with back prices.
enum class MarketShape { none, h2h, spreads, totals };
MarketShape market_shape(std::string_view key);

// Prices closer than this are the same price: quotes that print alike (2.0400000001 vs 2.04)
// must tie, not make one book "best" by float noise.
inline constexpr double k_price_epsilon = 1e-9;

struct Quote {
  const std::string* book = nullptr;  // points into the events the groups were built from
  double price = 0;                   // as quoted
  double effective = 0;               // net of commission
  std::optional<double> age_s;        // now - last_update (market's, else bookmaker's)
  const std::string* link = nullptr;  // the outcome's link, else the market's, else the book's (--links)
  std::optional<double> bet_limit;    // the outcome's bet_limit (--bet-limits)
};

// One leg to be covered: an outcome (with its own point) and every usable quote for it.
struct Side {
  std::string outcome;
  std::optional<double> point;
  std::vector<Quote> quotes;
};

struct MarketGroup {
  const Event* event = nullptr;  // the event the group belongs to (outlives the groups)
  std::string market;            // the market key
  MarketShape shape = MarketShape::none;
  std::optional<double> point;  // the line as reported: home point (spreads), x (totals)
  std::vector<Side> sides;      // in leg order: h2h home, away, draw, rest; lines home/over, away/under
};

// Every group of the region's events under the rules: pre-match only unless include_live,
// fresh quotes only (max_quote_age against rules.now), --bookmakers only, the rules' markets
// (duplicates and unknown shapes dropped), lay markets never. Events must outlive the result.
std::vector<MarketGroup> market_groups(const std::vector<Event>& events, const ArbRules& rules);

// The best effective price per side as legs (ties list every book at that price, sorted;
// the leg's price, age and link are the first listed book's, bet_limits every listed book's);
// nullopt when a side has no quote. implied_sum is the sum of 1/effective over the legs.
struct BestPrices {
  std::vector<Leg> legs;
  double implied_sum = 0;
};
std::optional<BestPrices> best_prices(const MarketGroup& g);
// best_prices(g)->implied_sum without the legs (the same sum, bit for bit): a detector's
// cheap test before it builds them.
std::optional<double> best_implied_sum(const MarketGroup& g);

// An opportunity carrying the group's event fields, market and point (kind arb, no legs yet).
Opportunity opportunity_for(const std::string& region, const MarketGroup& g);

// How many distinct books quote at least one side of the group.
int books_quoting(const MarketGroup& g);

}  // namespace oddsctl::engine
