// The arbitrage engine: a pure function from one region's odds to opportunities.
// The rules are the contract's (shared by every command): see find_arbitrage below.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/odds.hpp"
#include "oddsctl/opportunity.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::engine {

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
  bool include_live = false;                     // keep events that already started
  Millis max_quote_age = std::chrono::hours(1);  // older quotes are ignored
  std::vector<std::string> markets{"h2h", "spreads", "totals"};
  double min_profit_pct = 0.0;          // keep profit_pct >= this (and > 0)
  std::optional<double> stake;          // total stake to split across legs
  std::vector<std::string> bookmakers;  // empty = all books
  CommissionTable commissions = CommissionTable::defaults();
};

std::vector<Opportunity> find_arbitrage(const std::string& region, const std::vector<Event>& events,
                                        const ArbRules& rules);

}  // namespace oddsctl::engine
