// find_arbitrage: the contract's "Arbitrage rules", as a pure function of one region's odds.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "engine/groups.hpp"
#include "oddsctl/arbitrage.hpp"

namespace oddsctl {
namespace {

// An implied sum this close below 1 is float noise, not a profit anyone can take.
constexpr double k_profit_epsilon_pct = 1e-9;

}  // namespace

const char* to_string(OpportunityKind k) {
  switch (k) {
    case OpportunityKind::arb: return "arb";
    case OpportunityKind::value: return "value";
    case OpportunityKind::middle: return "middle";
    case OpportunityKind::lowhold: return "lowhold";
  }
  return "arb";
}

std::optional<OpportunityKind> opportunity_kind_from_string(std::string_view s) {
  for (auto k : {OpportunityKind::arb, OpportunityKind::value, OpportunityKind::middle, OpportunityKind::lowhold})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

double opportunity_score(const Opportunity& o) {
  if (o.kind == OpportunityKind::value && o.value) return o.value->ev_pct;
  if (o.kind == OpportunityKind::middle && o.middle) return o.middle->ev_pct;
  return o.profit_pct;
}

bool opportunity_before(const Opportunity& a, const Opportunity& b) {
  const double sa = opportunity_score(a), sb = opportunity_score(b);
  if (sa != sb) return sa > sb;
  if (a.event_id != b.event_id) return a.event_id < b.event_id;
  if (a.market != b.market) return a.market < b.market;
  if (a.point != b.point) return a.point < b.point;  // nullopt first
  if (a.kind != b.kind) return a.kind < b.kind;
  const std::string& oa = a.value ? a.value->outcome : std::string();
  const std::string& ob = b.value ? b.value->outcome : std::string();
  if (oa != ob) return oa < ob;
  const std::string& ba = a.value ? a.value->bookmaker : std::string();
  const std::string& bb = b.value ? b.value->bookmaker : std::string();
  return ba < bb;
}

namespace engine {

std::vector<Opportunity> arbitrage_in(const std::string& region, const std::vector<MarketGroup>& groups,
                                      const ArbRules& rules) {
  std::vector<Opportunity> out;
  for (const auto& g : groups) {
    if (const auto sum = best_implied_sum(g); !sum || *sum >= 1.0) continue;  // most groups
    auto best = best_prices(g);
    if (!best || best->implied_sum >= 1.0) continue;
    const double profit = (1.0 / best->implied_sum - 1.0) * 100.0;
    if (profit <= k_profit_epsilon_pct || profit < rules.min_profit_pct) continue;
    Opportunity op = opportunity_for(region, g);
    op.implied_sum = best->implied_sum;
    op.profit_pct = profit;
    op.legs = std::move(best->legs);
    if (rules.stake)
      for (auto& leg : op.legs) leg.stake = *rules.stake * (1.0 / leg.effective_price) / op.implied_sum;
    out.push_back(std::move(op));
  }
  std::sort(out.begin(), out.end(), opportunity_before);
  return out;
}

}  // namespace engine

std::vector<Opportunity> find_arbitrage(const std::string& region, const std::vector<Event>& events,
                                        const ArbRules& rules) {
  return engine::arbitrage_in(region, engine::market_groups(events, rules), rules);
}

}  // namespace oddsctl
