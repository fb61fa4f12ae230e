// The opportunity vocabulary: kinds, ranking, and Opportunity <-> JSON in the contract's scan schema.
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "oddsctl/opportunity.hpp"

namespace oddsctl {

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
  for (const auto& l : o.legs) {
    json jl = {{"outcome", l.outcome},       {"point", opt(l.point)},
               {"price", l.price},           {"effective_price", round6(l.effective_price)},
               {"bookmakers", l.bookmakers}, {"stake", opt(l.stake)}};
    if (l.age_s) jl["age_s"] = round6(*l.age_s);
    if (l.seen_since) jl["seen_since"] = format_rfc3339(*l.seen_since);
    if (l.previous_price) jl["previous_price"] = *l.previous_price;
    if (l.link) jl["link"] = *l.link;
    legs.push_back(std::move(jl));
  }
  json j = {{"region", o.region},
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
            {"legs", std::move(legs)},
            {"kind", to_string(o.kind)},
            {"flags", o.flags}};
  if (o.kind == OpportunityKind::value) {
    // A value bet is one price against a fair one: an implied sum or a profit would mislead.
    j.erase("implied_sum");
    j.erase("profit_pct");
  }
  if (o.value) {
    const auto& v = *o.value;
    j["bookmaker"] = v.bookmaker;
    j["outcome"] = v.outcome;
    j["price"] = v.price;
    j["effective_price"] = round6(v.effective_price);
    j["p_fair"] = round6(v.p_fair);
    j["fair_price"] = round6(v.fair_price);
    j["ev_pct"] = round6(v.ev_pct);
    j["devig"] = v.devig;
    j["reference"] = v.reference;
    j["reference_hold_pct"] = round6(v.reference_hold_pct);
    j["age_s"] = v.age_s ? json(round6(*v.age_s)) : json(nullptr);
    if (v.kelly_stake) j["kelly_stake"] = std::round(*v.kelly_stake * 100.0) / 100.0;
  }
  if (o.middle) {
    const auto& m = *o.middle;
    j["window"] = {m.window_low, m.window_high};
    j["worst_case_pct"] = round6(m.worst_case_pct);
    j["hit_profit_pct"] = round6(m.hit_profit_pct);
    j["hit_probability"] = round6(m.hit_probability);
    j["ev_pct"] = round6(m.ev_pct);
    j["model"] = m.model;
  }
  if (o.hold_pct) j["hold_pct"] = round6(*o.hold_pct);
  if (o.stake_plan) {
    const auto& p = *o.stake_plan;
    j["rounded"] = p.rounded;
    j["stake_total"] = std::round(p.stake_total * 100.0) / 100.0;
    j["min_payout"] = std::round(p.min_payout * 100.0) / 100.0;
    j["profit_pct_after_rounding"] = round6(p.profit_pct_after_rounding);
    j["limited_by"] = p.limited_by ? json(*p.limited_by) : json(nullptr);
  }
  return j;
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
  if (j.contains("kind")) {
    auto kind = opportunity_kind_from_string(j.at("kind").get<std::string>());
    if (!kind) throw std::invalid_argument("unknown opportunity kind " + j.at("kind").get<std::string>());
    o.kind = *kind;
  }
  if (o.kind == OpportunityKind::value) {
    o.implied_sum = j.value("implied_sum", 0.0);
    o.profit_pct = j.value("profit_pct", 0.0);
  } else {
    o.implied_sum = j.at("implied_sum").get<double>();
    o.profit_pct = j.at("profit_pct").get<double>();
  }
  if (j.contains("flags")) o.flags = j.at("flags").get<std::vector<std::string>>();
  if (o.kind == OpportunityKind::value) {
    ValueBet v;
    v.bookmaker = j.at("bookmaker").get<std::string>();
    v.outcome = j.at("outcome").get<std::string>();
    v.price = j.at("price").get<double>();
    v.effective_price = j.value("effective_price", v.price);
    v.p_fair = j.at("p_fair").get<double>();
    v.fair_price = j.value("fair_price", v.p_fair > 0 ? 1.0 / v.p_fair : 0.0);
    v.ev_pct = j.at("ev_pct").get<double>();
    v.devig = j.value("devig", "");
    if (j.contains("reference")) v.reference = j.at("reference").get<std::vector<std::string>>();
    v.reference_hold_pct = j.value("reference_hold_pct", 0.0);
    v.age_s = opt_double(j, "age_s");
    v.kelly_stake = opt_double(j, "kelly_stake");
    o.value = std::move(v);
  }
  if (o.kind == OpportunityKind::middle) {
    Middle m;
    const auto& w = j.at("window");
    m.window_low = w.at(0).get<double>();
    m.window_high = w.at(1).get<double>();
    m.worst_case_pct = j.at("worst_case_pct").get<double>();
    m.hit_profit_pct = j.at("hit_profit_pct").get<double>();
    m.hit_probability = j.at("hit_probability").get<double>();
    m.ev_pct = j.at("ev_pct").get<double>();
    m.model = j.value("model", "");
    o.middle = std::move(m);
  }
  o.hold_pct = opt_double(j, "hold_pct");
  if (j.contains("rounded") || j.contains("stake_total")) {
    StakePlan p;
    p.rounded = j.value("rounded", false);
    p.stake_total = j.value("stake_total", 0.0);
    p.min_payout = j.value("min_payout", 0.0);
    p.profit_pct_after_rounding = j.value("profit_pct_after_rounding", 0.0);
    if (j.contains("limited_by") && j["limited_by"].is_string()) p.limited_by = j["limited_by"].get<std::string>();
    o.stake_plan = std::move(p);
  }
  for (const auto& jl : j.at("legs")) {
    Leg l;
    l.outcome = jl.at("outcome").get<std::string>();
    l.point = opt_double(jl, "point");
    l.price = jl.at("price").get<double>();
    l.effective_price = jl.value("effective_price", l.price);
    l.bookmakers = jl.at("bookmakers").get<std::vector<std::string>>();
    l.stake = opt_double(jl, "stake");
    l.age_s = opt_double(jl, "age_s");
    if (jl.contains("seen_since") && jl["seen_since"].is_string())
      l.seen_since = parse_rfc3339(jl["seen_since"].get<std::string>(), "seen_since");
    l.previous_price = opt_double(jl, "previous_price");
    if (jl.contains("link") && jl["link"].is_string()) l.link = jl["link"].get<std::string>();
    o.legs.push_back(std::move(l));
  }
  return o;
}

}  // namespace oddsctl
