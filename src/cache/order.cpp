#include "cache/order.hpp"

#include <algorithm>
#include <tuple>

namespace oddsctl {

bool served_before(const Opportunity& a, const Opportunity& b) {
  const double sa = opportunity_score(a), sb = opportunity_score(b);
  if (sa != sb) return sa > sb;
  if (a.region != b.region) return a.region < b.region;
  return opportunity_before(a, b);
}

void sort_best_first(std::vector<Opportunity>& opps) { std::stable_sort(opps.begin(), opps.end(), served_before); }

void sort_best_first(std::vector<const Opportunity*>& opps) {
  std::stable_sort(opps.begin(), opps.end(), [](const Opportunity* a, const Opportunity* b) { return served_before(*a, *b); });
}

}  // namespace oddsctl
