#include "cache/order.hpp"

#include <algorithm>
#include <tuple>

namespace oddsctl {

bool served_before(const Opportunity& a, const Opportunity& b) {
  if (a.profit_pct != b.profit_pct) return a.profit_pct > b.profit_pct;
  return std::tie(a.region, a.event_id, a.market, a.point) < std::tie(b.region, b.event_id, b.market, b.point);
}

void sort_best_first(std::vector<Opportunity>& opps) { std::stable_sort(opps.begin(), opps.end(), served_before); }

void sort_best_first(std::vector<const Opportunity*>& opps) {
  std::stable_sort(opps.begin(), opps.end(), [](const Opportunity* a, const Opportunity* b) { return served_before(*a, *b); });
}

}  // namespace oddsctl
