// Opportunity <-> JSON in the contract's scan schema.
#include <cmath>

#include <nlohmann/json.hpp>

#include "oddsctl/arbitrage.hpp"

namespace oddsctl {

using nlohmann::json;

namespace {
// Ratios are printed to 6 decimals: enough to compare, free of float noise in the output.
double round6(double x) { return std::round(x * 1e6) / 1e6; }

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::optional<double> opt_double(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<double>();
}
}  // namespace

json to_json(const Opportunity& o) {
  json legs = json::array();
  for (const auto& l : o.legs)
    legs.push_back({{"outcome", l.outcome},
                    {"point", opt(l.point)},
                    {"price", l.price},
                    {"effective_price", round6(l.effective_price)},
                    {"bookmakers", l.bookmakers},
                    {"stake", opt(l.stake)}});
  return {{"region", o.region},
          {"sport_key", o.sport_key},
          {"sport_title", o.sport_title},
          {"event_id", o.event_id},
          {"home_team", o.home_team},
          {"away_team", o.away_team},
          {"commence_time", format_rfc3339(o.commence_time)},
          {"market", o.market},
          {"point", opt(o.point)},
          {"implied_sum", round6(o.implied_sum)},
          {"profit_pct", round6(o.profit_pct)},
          {"legs", std::move(legs)}};
}

// Reads what to_json writes (and the cached copies the store serves). Throws
// nlohmann::json::exception on a document of the wrong shape.
Opportunity opportunity_from_json(const json& j) {
  Opportunity o;
  o.region = j.at("region").get<std::string>();
  o.sport_key = j.value("sport_key", "");
  o.sport_title = j.value("sport_title", "");
  o.event_id = j.at("event_id").get<std::string>();
  o.home_team = j.value("home_team", "");
  o.away_team = j.value("away_team", "");
  o.commence_time = parse_rfc3339(j.at("commence_time").get<std::string>(), "commence_time");
  o.market = j.at("market").get<std::string>();
  o.point = opt_double(j, "point");
  o.implied_sum = j.at("implied_sum").get<double>();
  o.profit_pct = j.at("profit_pct").get<double>();
  for (const auto& jl : j.at("legs")) {
    Leg l;
    l.outcome = jl.at("outcome").get<std::string>();
    l.point = opt_double(jl, "point");
    l.price = jl.at("price").get<double>();
    l.effective_price = jl.value("effective_price", l.price);
    l.bookmakers = jl.at("bookmakers").get<std::vector<std::string>>();
    l.stake = opt_double(jl, "stake");
    o.legs.push_back(std::move(l));
  }
  return o;
}

}  // namespace oddsctl
