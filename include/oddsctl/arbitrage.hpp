// The arbitrage engine: a pure function from one region's odds to opportunities.
// The rules are the contract's (shared by every command): see find_arbitrage below.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/odds.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl {

// Commission on winnings per bookmaker key, for exchange back prices.
class CommissionTable {
public:
  // The contract's defaults, exchanges only: "betfair_ex_*" (and "betfair", the exchange's
  // key in older captures) 5 %, "matchbook*" 2 %, "smarkets*" 2 %, everything else 0
  // (Betfair's sportsbook betfair_sb_* included).
  static CommissionTable defaults();
  // An exact bookmaker key; overrides the prefix defaults. rate in [0, 1).
  void set(const std::string& bookmaker, double rate);
  double rate_for(const std::string& bookmaker) const;
  // 1 + (price - 1) * (1 - rate)
  double effective_price(const std::string& bookmaker, double price) const;
  // "betfair_ex_uk=0.02" or "betfair_ex_uk=2%"; UsageError on bad text.
  void set_from_text(const std::string& text);

private:
  std::map<std::string, double> m_exact;
  std::vector<std::pair<std::string, double>> m_prefix;
};

struct ArbRules {
  TimePoint now{};
  bool include_live = false;                           // keep events that already started
  Millis max_quote_age = std::chrono::hours(1);        // older quotes are ignored
  std::vector<std::string> markets{"h2h", "spreads", "totals"};
  double min_profit_pct = 0.0;                         // keep profit_pct >= this (and > 0)
  std::optional<double> stake;                         // total stake to split across legs
  std::vector<std::string> bookmakers;                 // empty = all books
  CommissionTable commissions = CommissionTable::defaults();
};

struct Leg {
  std::string outcome;
  std::optional<double> point;
  double price = 0;             // as quoted (decimal)
  double effective_price = 0;   // net of exchange commission
  std::vector<std::string> bookmakers;  // every book at the best effective price
  std::optional<double> stake;
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
};

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
std::vector<Opportunity> find_arbitrage(const std::string& region, const std::vector<Event>& events,
                                        const ArbRules& rules);

nlohmann::json to_json(const Opportunity& o);
Opportunity opportunity_from_json(const nlohmann::json& j);

}  // namespace oddsctl
