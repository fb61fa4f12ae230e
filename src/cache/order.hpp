// The order opportunities are served in, shared by cache get and cache show.
#pragma once

#include <vector>

#include "oddsctl/arbitrage.hpp"

namespace oddsctl {

// Best first: profit_pct descending, then region, event id, market, point (null first).
void sort_best_first(std::vector<Opportunity>& opps);

}  // namespace oddsctl
