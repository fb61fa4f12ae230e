#include "cache/order.hpp"

#include <algorithm>

namespace oddsctl::cache {

namespace {
const std::string k_none;
}  // namespace

ServedKey served_key(const Opportunity& o) {
  return {opportunity_score(o),
          &o.region,
          &o.event_id,
          &o.market,
          &o.point,
          o.kind,
          o.value ? &o.value->outcome : &k_none,
          o.value ? &o.value->bookmaker : &k_none};
}

ServedKey served_key(const store::StoredOpportunity& o) {
  return {o.score, &o.region, &o.event_id, &o.market, &o.point, o.kind, &o.value_outcome, &o.value_bookmaker};
}

bool served_before(const ServedKey& a, const ServedKey& b) {
  if (a.score != b.score) return a.score > b.score;
  if (*a.region != *b.region) return *a.region < *b.region;
  if (*a.event_id != *b.event_id) return *a.event_id < *b.event_id;
  if (*a.market != *b.market) return *a.market < *b.market;
  if (*a.point != *b.point) return *a.point < *b.point;  // nullopt first
  if (a.kind != b.kind) return a.kind < b.kind;
  if (*a.outcome != *b.outcome) return *a.outcome < *b.outcome;
  return *a.bookmaker < *b.bookmaker;
}

bool served_before(const Opportunity& a, const Opportunity& b) { return served_before(served_key(a), served_key(b)); }

void sort_best_first(std::vector<Opportunity>& opps) {
  std::stable_sort(opps.begin(), opps.end(),
                   [](const Opportunity& a, const Opportunity& b) { return served_before(a, b); });
}

void sort_best_first(std::vector<const Opportunity*>& opps) {
  std::stable_sort(opps.begin(), opps.end(),
                   [](const Opportunity* a, const Opportunity* b) { return served_before(*a, *b); });
}

}  // namespace oddsctl::cache
