// Low hold: per (event, market, line), how far the best prices are from an arbitrage.
// hold_pct = (implied_sum - 1) * 100; listed when <= --max-hold, arbitrages (negative hold)
// included. The schema is an arbitrage's plus hold_pct.
#include "engine/detectors.hpp"

namespace oddsctl::engine {

std::vector<Opportunity> low_hold_in(const std::string& region, const std::vector<MarketGroup>& groups, const ArbRules&,
                                     const LowHoldRules& lowhold) {
  std::vector<Opportunity> out;
  for (const auto& g : groups) {
    auto best = best_prices(g);
    if (!best) continue;
    const double hold = (best->implied_sum - 1.0) * 100.0;
    // Compared at the printed precision (6 decimals), so a hold shown as 2.000000 is listed
    // under --max-hold 2 whatever the float noise.
    if (hold > lowhold.max_hold_pct + 5e-7) continue;
    Opportunity op = opportunity_for(region, g);
    op.kind = OpportunityKind::lowhold;
    op.implied_sum = best->implied_sum;
    op.profit_pct = (1.0 / best->implied_sum - 1.0) * 100.0;
    op.hold_pct = hold;
    op.legs = std::move(best->legs);
    out.push_back(std::move(op));
  }
  return out;
}

}  // namespace oddsctl::engine
