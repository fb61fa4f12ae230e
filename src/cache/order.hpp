// The order opportunities are served in, shared by cache get and cache show.
#pragma once

#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/arbitrage.hpp"

namespace oddsctl {

// Best first: profit_pct descending, then region, event id, market, point (null first).
void sort_best_first(std::vector<Opportunity>& opps);

// An opportunity as scan --json writes it: to_json with stakes rounded to the cent.
nlohmann::json served_opportunity_json(const Opportunity& o);

}  // namespace oddsctl
