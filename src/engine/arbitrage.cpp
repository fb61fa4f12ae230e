// find_arbitrage: the contract's "Arbitrage rules", as a pure function of one region's odds.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "engine/groups.hpp"
#include "oddsctl/engine/arbitrage.hpp"

namespace oddsctl::engine {
namespace {

// An implied sum this close below 1 is float noise, not a profit anyone can take.
constexpr double k_profit_epsilon_pct = 1e-9;

}  // namespace

std::vector<Opportunity> arbitrage_in(const std::string& region, const std::vector<MarketGroup>& groups,
                                      const ArbRules& rules) {
  std::vector<Opportunity> out;
  for (const auto& g : groups) {
    if (const auto sum = best_implied_sum(g); !sum || *sum >= 1.0) continue;  // most groups
    auto best = best_prices(g);
    if (!best || best->implied_sum >= 1.0) continue;
    const double profit = (1.0 / best->implied_sum - 1.0) * 100.0;
    if (profit <= k_profit_epsilon_pct || profit < rules.min_profit_pct) continue;
    Opportunity op = opportunity_for(region, g);
    op.implied_sum = best->implied_sum;
    op.profit_pct = profit;
    op.legs = std::move(best->legs);
    if (rules.stake)
      for (auto& leg : op.legs) leg.stake = *rules.stake * (1.0 / leg.effective_price) / op.implied_sum;
    out.push_back(std::move(op));
  }
  std::sort(out.begin(), out.end(), opportunity_before);
  return out;
}

std::vector<Opportunity> find_arbitrage(const std::string& region, const std::vector<Event>& events,
                                        const ArbRules& rules) {
  return engine::arbitrage_in(region, engine::market_groups(events, rules), rules);
}

}  // namespace oddsctl::engine
