// An opportunity: what every detector finds and every store, cache, alert and endpoint
// carries (the contract's opportunity object), and its one JSON description.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/time.hpp"

namespace oddsctl {

struct Leg {
  std::string outcome;
  std::optional<double> point;
  double price = 0;                     // as quoted (decimal)
  double effective_price = 0;           // net of exchange commission
  std::vector<std::string> bookmakers;  // every book at the best effective price
  std::optional<double> stake;
  // Optional facts about the quote, written to JSON only when known.
  std::optional<double> age_s;           // the quote's age at "now", seconds
  std::optional<TimePoint> seen_since;   // since when this book has quoted this price (stored history)
  std::optional<double> previous_price;  // the book's price before that
  std::optional<std::string> link;       // bet-slip deep link (--links)
  // The books' own stake limits for this quote (--bet-limits, exchanges), by book: caps on
  // the stake like --limit. Used by staking at scan time; not part of the JSON.
  std::map<std::string, double> bet_limits;
};

// What an opportunity is: the contract's "Kinds of opportunity".
enum class OpportunityKind { arb, value, middle, lowhold };
const char* to_string(OpportunityKind k);  // "arb", "value", "middle", "lowhold"
std::optional<OpportunityKind> opportunity_kind_from_string(std::string_view s);

// A value bet's own fields (kind value): one book's price against a fair price.
struct ValueBet {
  std::string bookmaker;
  std::string outcome;
  double price = 0;                    // as quoted
  double effective_price = 0;          // net of commission
  double p_fair = 0;                   // the reference's devigged probability
  double fair_price = 0;               // 1 / p_fair
  double ev_pct = 0;                   // (p_fair * effective_price - 1) * 100
  std::string devig;                   // the method
  std::vector<std::string> reference;  // the reference books ("consensus" when the median)
  double reference_hold_pct = 0;       // (S - 1) * 100 of the reference
  std::optional<double> age_s;         // the quote's age
  std::optional<double> kelly_stake;   // with --bankroll
};

// A middle's own fields (kind middle).
struct Middle {
  double window_low = 0;      // spreads: home margin; totals: x1
  double window_high = 0;     // spreads: b; totals: x2
  double worst_case_pct = 0;  // (1/S - 1) * 100, one leg wins
  double hit_profit_pct = 0;  // (2/S - 1) * 100, both win
  double hit_probability = 0;
  double ev_pct = 0;
  std::string model;  // the data file the probability came from
};

// How --round and --limit changed the stakes (written only when one of them applies).
struct StakePlan {
  bool rounded = false;
  double stake_total = 0;
  double min_payout = 0;
  double profit_pct_after_rounding = 0;
  std::optional<std::string> limited_by;  // the book whose --limit bound the total
};

struct Opportunity {
  std::string region;
  std::string sport_key;
  std::string sport_title;
  std::string event_id;
  std::string home_team;
  std::string away_team;
  TimePoint commence_time{};
  std::string market;
  std::optional<double> point;  // null for h2h; home side's point for spreads; x for totals
  double implied_sum = 0;
  double profit_pct = 0;
  std::vector<Leg> legs;
  OpportunityKind kind = OpportunityKind::arb;
  std::vector<std::string> flags;       // "outlier_leg", "high_roi", "thin"
  std::optional<ValueBet> value;        // kind value
  std::optional<Middle> middle;         // kind middle
  std::optional<double> hold_pct;       // kind lowhold: (implied_sum - 1) * 100
  std::optional<StakePlan> stake_plan;  // --round / --limit
};

// The figure opportunities of every kind are ranked and filtered by: profit_pct for
// arbitrage and low hold (negative for a hold), ev_pct for value bets and middles.
double opportunity_score(const Opportunity& o);
// Best first: score descending, then event id, market, point (a stable, total order).
bool opportunity_before(const Opportunity& a, const Opportunity& b);

// Per (event, market, line) of one region's events:
// - events with commence_time <= now are skipped unless include_live;
// - a quote's age is its market's last_update, else its bookmaker's; older than
//   max_quote_age (relative to now) is ignored, and so is a quote from the future by more
//   than the same margin is not: clock skew is tolerated;
// - markets ending in "_lay" are never used;
// - h2h: outcomes are the union of names quoted by the region's books for the event; each
//   needs a price, else there is no opportunity;
// - spreads: home at -x pairs only with away at +x (point reported = home point);
// - totals: Over x with Under x (point = x);
// - best effective price per outcome, ties list every book;
// - implied_sum = sum(1/effective); arbitrage when < 1;
//   profit_pct = (1/implied_sum - 1) * 100, kept when > 0 and >= min_profit_pct;
// - stakes: stake_i = stake * (1/eff_i) / implied_sum.
// Result sorted by profit_pct descending, then event id, market, point.
nlohmann::json to_json(const Opportunity& o);
Opportunity opportunity_from_json(const nlohmann::json& j);

}  // namespace oddsctl
