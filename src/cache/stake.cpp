// `cache get --stake`: stored opportunities staked again, the way scan stakes found ones.
#include "engine/detectors.hpp"
#include "oddsctl/cache.hpp"

namespace oddsctl::cache {

void restake_opportunities(std::vector<Opportunity>& opportunities, double stake, const engine::StakeRules& rules) {
  for (auto& o : opportunities) {
    if (o.kind == OpportunityKind::value) continue;  // one bet at a fair price: not split
    // As find_arbitrage: stake_i = stake * (1/eff_i) / implied_sum, equal payouts on every leg.
    double implied = 0;
    for (const auto& leg : o.legs)
      if (leg.effective_price > 0) implied += 1.0 / leg.effective_price;
    for (auto& leg : o.legs)
      leg.stake = implied > 0 && leg.effective_price > 0
                      ? std::optional<double>(stake * (1.0 / leg.effective_price) / implied)
                      : std::nullopt;
    o.stake_plan.reset();
  }
  engine::ArbRules arb;
  arb.stake = stake;
  engine::place_stakes(opportunities, arb, rules);  // rounding and limits, as scan applies them
}

}  // namespace oddsctl::cache
