// Every kind of opportunity from one region's odds: one grouping of the data, then each
// detector asked for (`scan --find`), then the flags and the stakes. The contract's "Kinds of
// opportunity".
#pragma once

#include <string>
#include <vector>

#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/engine/middles.hpp"
#include "oddsctl/engine/value.hpp"

namespace oddsctl::engine {

// What `--find` asks for. Default: arbitrage only.
struct FindKinds {
  bool arbs = true;
  bool value = false;
  bool middles = false;
  bool lowhold = false;
  bool only_arbs() const { return arbs && !value && !middles && !lowhold; }
};

// The names --find takes, in order ("arbs", "value", "middles", "lowhold"), for help,
// completions and the settings table; "all" is every one of them.
const std::vector<std::string>& find_kind_names();
// A comma list (or several) of find_kind_names() or "all"; UsageError naming --find otherwise.
FindKinds parse_find_kinds(const std::vector<std::string>& items);

// Kinds as opportunities name them ("arb", "value", "middle", "lowhold"; the --find plurals
// too), from comma lists; empty items give an empty list (every kind). UsageError naming
// `flag` for an unknown kind.
std::vector<OpportunityKind> parse_opportunity_kinds(const std::vector<std::string>& items, const std::string& flag);

struct DetectRules {
  FindKinds find;
  ValueRules value;
  MiddleRules middle;
  LowHoldRules lowhold;
  FlagRules flags;
  StakeRules stakes;
};

// The region's opportunities of every kind asked for, flagged, staked, best first
// (opportunity_before). find_arbitrage(region, events, rules) is this with the defaults.
std::vector<Opportunity> find_opportunities(const std::string& region, const std::vector<Event>& events,
                                            const ArbRules& rules, const DetectRules& detect);

}  // namespace oddsctl::engine
