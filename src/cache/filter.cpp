// Opportunity filters and region resolution for `cache get`.
#include <algorithm>
#include <cctype>
#include <set>

#include "oddsctl/settings.hpp"  // split_list
#include "oddsctl/cache.hpp"
#include "oddsctl/keys.hpp"

namespace oddsctl {

namespace {

bool sport_matches(const std::string& wanted, const std::string& sport_key) {
  if (wanted == sport_key) return true;
  // A group prefix: "soccer" matches "soccer_epl", "basketball" matches "basketball_nba".
  return sport_key.size() > wanted.size() && sport_key.compare(0, wanted.size(), wanted) == 0 &&
         sport_key[wanted.size()] == '_';
}

bool any_of_list(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool OpportunityFilter::empty() const {
  return sports.empty() && markets.empty() && events.empty() && !min_profit_pct && kinds.empty();
}

bool OpportunityFilter::matches(const Opportunity& o) const {
  if (!sports.empty() &&
      std::none_of(sports.begin(), sports.end(), [&](const std::string& s) { return sport_matches(s, o.sport_key); }))
    return false;
  if (!markets.empty() && !any_of_list(markets, o.market)) return false;
  if (!events.empty() && !any_of_list(events, o.event_id)) return false;
  if (min_profit_pct && opportunity_score(o) < *min_profit_pct) return false;
  if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), o.kind) == kinds.end()) return false;
  return true;
}

std::vector<std::string> resolve_cache_regions(Store& store, const std::vector<std::string>& asked) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& r) {
    if (seen.insert(r).second) out.push_back(r);
  };
  for (const auto& item : asked) {
    for (const auto& raw : split_list(item)) {
      std::string r = raw;
      std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return std::tolower(c); });
      if (r == "all") {
        std::vector<std::string> stored;
        for (const auto& known : known_regions()) {
          ScanQuery q;
          q.region = known;
          q.limit = 1;
          if (!store.list_scans(q).empty()) stored.push_back(known);
        }
        for (const auto& s : stored.empty() ? known_regions() : stored) add(s);
      } else if (is_known_region(r)) {
        add(r);
      } else {
        std::string known;
        for (const auto& k : known_regions()) known += k + ", ";
        throw UsageError("--region: unknown region '" + raw + "' (known: " + known + "or all)");
      }
    }
  }
  if (out.empty()) throw UsageError("--region: no region given (a region, a comma list, or all)");
  return out;
}

}  // namespace oddsctl
