// The order opportunities are served in, shared by cache get and cache show.
#pragma once

#include <vector>

#include "oddsctl/arbitrage.hpp"

namespace oddsctl {

// Best first: profit_pct descending, then region, event id, market, point (null first).
bool served_before(const Opportunity& a, const Opportunity& b);
void sort_best_first(std::vector<Opportunity>& opps);
// The same order without copying the opportunities (stable, like the above).
void sort_best_first(std::vector<const Opportunity*>& opps);

}  // namespace oddsctl
