// Opportunity filters and region resolution for `cache get`.
#include <algorithm>
#include <cctype>
#include <set>

#include "oddsctl/settings.hpp"  // split_list
#include "oddsctl/cache.hpp"
#include "oddsctl/keys.hpp"

namespace oddsctl::cache {

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

// The filter, described once over the fields it reads.
bool matches_fields(const OpportunityFilter& f, const std::string& sport_key, const std::string& market,
                    const std::string& event_id, double score, OpportunityKind kind) {
  if (!f.sports.empty() &&
      std::none_of(f.sports.begin(), f.sports.end(), [&](const std::string& s) { return sport_matches(s, sport_key); }))
    return false;
  if (!f.markets.empty() && !any_of_list(f.markets, market)) return false;
  if (!f.events.empty() && !any_of_list(f.events, event_id)) return false;
  if (f.min_profit_pct && score < *f.min_profit_pct) return false;
  if (!f.kinds.empty() && std::find(f.kinds.begin(), f.kinds.end(), kind) == f.kinds.end()) return false;
  return true;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

bool OpportunityFilter::empty() const {
  return sports.empty() && markets.empty() && events.empty() && !min_profit_pct && kinds.empty();
}

bool OpportunityFilter::matches(const Opportunity& o) const {
  return matches_fields(*this, o.sport_key, o.market, o.event_id, opportunity_score(o), o.kind);
}

bool OpportunityFilter::matches(const store::StoredOpportunity& o) const {
  return matches_fields(*this, o.sport_key, o.market, o.event_id, o.score, o.kind);
}

std::vector<std::string> parse_cache_regions(const std::vector<std::string>& asked) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& item : asked) {
    for (const auto& raw : settings::split_list(item)) {
      const std::string r = lower(raw);
      if (r != "all" && !is_known_region(r)) {
        std::string known;
        for (const auto& k : known_regions()) known += k + ", ";
        throw UsageError("--region: unknown region '" + raw + "' (known: " + known + "or all)");
      }
      if (seen.insert(r).second) out.push_back(r);
    }
  }
  if (out.empty()) throw UsageError("--region: no region given (a region, a comma list, or all)");
  return out;
}

std::vector<std::string> resolve_cache_regions(store::ScanStore& store, const std::vector<std::string>& asked) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& r) {
    if (seen.insert(r).second) out.push_back(r);
  };
  for (const auto& r : parse_cache_regions(asked)) {
    if (r != "all") {
      add(r);
      continue;
    }
    std::vector<std::string> stored;
    for (const auto& known : known_regions()) {
      store::ScanQuery q;
      q.region = known;
      q.limit = 1;
      if (!store.list_scans(q).empty()) stored.push_back(known);
    }
    for (const auto& s : stored.empty() ? known_regions() : stored) add(s);
  }
  return out;
}

}  // namespace oddsctl::cache
