// The order opportunities are served in, shared by cache get and cache show: described once,
// over the fields it reads, so that opportunities read whole and stored texts (StoredOpportunity)
// sort alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::cache {

// What the served order reads of one opportunity (views into it: keep it alive).
struct ServedKey {
  double score = 0;  // opportunity_score
  const std::string* region = nullptr;
  const std::string* event_id = nullptr;
  const std::string* market = nullptr;
  const std::optional<double>* point = nullptr;
  OpportunityKind kind = OpportunityKind::arb;
  const std::string* outcome = nullptr;    // a value bet's, else empty
  const std::string* bookmaker = nullptr;  // a value bet's, else empty
};
ServedKey served_key(const Opportunity& o);
ServedKey served_key(const store::StoredOpportunity& o);

// Best first: score descending, then region, event id, market, point (null first), kind, and
// a value bet's outcome and book: opportunity_before's order within a region.
bool served_before(const ServedKey& a, const ServedKey& b);
bool served_before(const Opportunity& a, const Opportunity& b);
void sort_best_first(std::vector<Opportunity>& opps);
// The same order without copying the opportunities (stable, like the above).
void sort_best_first(std::vector<const Opportunity*>& opps);

}  // namespace oddsctl::cache
