// The detectors find_opportunities runs over one region's market groups. Each is a pure
// function of the groups and its rules; each fills the kind-specific fields of its kind.
#pragma once

#include <string>
#include <vector>

#include "engine/groups.hpp"
#include "oddsctl/engine/detect.hpp"

namespace oddsctl::engine {

// arbitrage.cpp
std::vector<Opportunity> arbitrage_in(const std::string& region, const std::vector<MarketGroup>& groups,
                                      const ArbRules& rules);
// value.cpp
std::vector<Opportunity> value_bets_in(const std::string& region, const std::vector<MarketGroup>& groups,
                                       const ArbRules& rules, const ValueRules& value);
// middles.cpp
std::vector<Opportunity> middles_in(const std::string& region, const std::vector<MarketGroup>& groups,
                                    const ArbRules& rules, const MiddleRules& middle);
// lowhold.cpp
std::vector<Opportunity> low_hold_in(const std::string& region, const std::vector<MarketGroup>& groups,
                                     const ArbRules& rules, const LowHoldRules& lowhold);
// flags.cpp: sets Opportunity::flags from the groups the opportunities were found in.
void apply_flags(std::vector<Opportunity>& found, const std::vector<MarketGroup>& groups, const FlagRules& flags);
// stakes.cpp: stakes to the cent adding up to --stake, --round, --limit.
void place_stakes(std::vector<Opportunity>& found, const ArbRules& rules, const StakeRules& stakes);

}  // namespace oddsctl::engine
