#include "cache/order.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

#include <nlohmann/json.hpp>

namespace oddsctl {

void sort_best_first(std::vector<Opportunity>& opps) {
  std::stable_sort(opps.begin(), opps.end(), [](const Opportunity& a, const Opportunity& b) {
    if (a.profit_pct != b.profit_pct) return a.profit_pct > b.profit_pct;
    return std::tie(a.region, a.event_id, a.market, a.point) < std::tie(b.region, b.event_id, b.market, b.point);
  });
}

nlohmann::json served_opportunity_json(const Opportunity& o) {
  nlohmann::json j = to_json(o);
  // Stakes are money: to the cent, as scan --json shows them.
  for (auto& leg : j["legs"])
    if (leg.contains("stake") && leg["stake"].is_number())
      leg["stake"] = std::round(leg["stake"].get<double>() * 100.0) / 100.0;
  return j;
}

}  // namespace oddsctl
