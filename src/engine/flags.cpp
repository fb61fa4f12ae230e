// The false-arbitrage flags, set on every opportunity from the groups it was found in:
// - outlier_leg: at a leg's price, every book listed has an implied probability (1/effective)
//   more than --outlier-pct % below the median of the OTHER books quoting that outcome at
//   that point, and at least 3 other books quote it: a stale or erroneous price.
// - high_roi: the opportunity's score (profit_pct for arbitrage and low hold, ev_pct for
//   middles and value bets) is above --verify-above %.
// - thin: fewer than --min-books books quote the market (for a middle, either of its lines).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "engine/detectors.hpp"

namespace oddsctl::engine {

namespace {

struct Where {
  const MarketGroup* group = nullptr;
  const Side* side = nullptr;
};

// Views into the groups' events and the opportunities, which outlive the index.
using SideKey = std::tuple<std::string_view, std::string_view, std::string_view, std::int64_t>;

SideKey side_key(std::string_view event, std::string_view market, std::string_view outcome,
                 const std::optional<double>& point) {
  return {event, market, outcome, point ? std::llround(*point * 1e6) : INT64_MIN};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

bool book_is_outlier(const Side& side, const std::string& book, double outlier_pct) {
  double own = 0;
  std::vector<double> others;
  for (const auto& q : side.quotes) {
    if (*q.book == book) own = std::max(own, 1.0 / q.effective);
    else others.push_back(1.0 / q.effective);
  }
  if (others.size() < 3 || own <= 0) return false;
  const double m = median(std::move(others));
  return own < m * (1.0 - outlier_pct / 100.0);
}

bool leg_is_outlier(const Leg& leg, const Side& side, double outlier_pct) {
  if (leg.bookmakers.empty()) return false;
  for (const auto& b : leg.bookmakers)
    if (!book_is_outlier(side, b, outlier_pct)) return false;
  return true;
}

void add_flag(Opportunity& o, const char* flag) {
  if (std::find(o.flags.begin(), o.flags.end(), flag) == o.flags.end()) o.flags.emplace_back(flag);
}

}  // namespace

void apply_flags(std::vector<Opportunity>& found, const std::vector<MarketGroup>& groups, const FlagRules& flags) {
  if (found.empty()) return;
  // Only the sides of events something was found in are looked up: index just those.
  std::set<std::string_view> events;
  for (const auto& o : found) events.insert(o.event_id);
  std::map<SideKey, Where> index;
  for (const auto& g : groups)
    if (events.count(g.event->id))
      for (const auto& s : g.sides) index[side_key(g.event->id, g.market, s.outcome, s.point)] = Where{&g, &s};

  for (auto& o : found) {
    bool outlier = false, thin = false;
    for (const auto& leg : o.legs) {
      auto it = index.find(side_key(o.event_id, o.market, leg.outcome, leg.point));
      if (it == index.end()) continue;
      if (leg_is_outlier(leg, *it->second.side, flags.outlier_pct)) outlier = true;
      if (books_quoting(*it->second.group) < flags.min_books) thin = true;
    }
    // A value bet's one price is the candidate leg (when it carries no legs).
    if (o.legs.empty() && o.value) {
      auto it = index.find(side_key(o.event_id, o.market, o.value->outcome, o.point));
      if (it != index.end()) {
        Leg leg;
        leg.bookmakers = {o.value->bookmaker};
        if (leg_is_outlier(leg, *it->second.side, flags.outlier_pct)) outlier = true;
        if (books_quoting(*it->second.group) < flags.min_books) thin = true;
      }
    }
    if (outlier) add_flag(o, "outlier_leg");
    if (opportunity_score(o) > flags.verify_above_pct + 5e-7) add_flag(o, "high_roi");
    if (thin) add_flag(o, "thin");
  }
}

}  // namespace oddsctl::engine
