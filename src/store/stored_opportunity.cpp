// StoredOpportunity from an opportunity read whole, and the default latest_good_stored for
// backends that do not hand their texts over (they read and give every opportunity whole).
#include "oddsctl/store.hpp"

namespace oddsctl::store {

StoredOpportunity stored_opportunity(Opportunity o) {
  StoredOpportunity s;
  s.region = o.region;
  s.sport_key = o.sport_key;
  s.event_id = o.event_id;
  s.market = o.market;
  s.point = o.point;
  s.kind = o.kind;
  s.score = opportunity_score(o);
  if (o.value) {
    s.value_outcome = o.value->outcome;
    s.value_bookmaker = o.value->bookmaker;
  }
  s.opportunity = std::make_shared<const Opportunity>(std::move(o));
  return s;
}

std::optional<StoredScan> ScanStore::latest_good_stored(const std::string& region, ScanSource source) {
  auto scan = latest_good(region, source);
  if (!scan) return std::nullopt;
  StoredScan out;
  out.opportunities.reserve(scan->opportunities.size());
  for (auto& o : scan->opportunities) out.opportunities.push_back(stored_opportunity(std::move(o)));
  scan->opportunities.clear();
  out.scan = std::move(*scan);
  return out;
}

}  // namespace oddsctl::store
