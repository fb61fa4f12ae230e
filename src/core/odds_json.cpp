// The odds value types: formats, price conversion, /sports, and the Event JSON round trip.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "core/price.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/odds.hpp"

namespace oddsctl {

using nlohmann::json;

OddsFormat parse_odds_format(std::string_view text) {
  if (text == "auto" || text == "automatic") return OddsFormat::automatic;
  if (text == "decimal") return OddsFormat::decimal;
  if (text == "american") return OddsFormat::american;
  throw UsageError("invalid odds format '" + std::string(text) + "' (expected auto, decimal or american)");
}

double american_to_decimal(double american) {
  if (american >= 100) return 1.0 + american / 100.0;
  if (american <= -100) return 1.0 + 100.0 / -american;
  throw std::invalid_argument("not American odds: " + std::to_string(american));
}

bool normalise_price(double& price, bool american) {
  double p = price;
  if (american) {
    if (!(p >= 100 || p <= -100)) return false;  // also NaN
    p = american_to_decimal(p);
  }
  if (!std::isfinite(p) || p < 1.0) return false;
  price = p;
  return true;
}

void normalise_prices(std::vector<Event>& events, bool american) {
  auto invalid = [american](Outcome& o) { return !normalise_price(o.price, american); };
  for (auto& e : events)
    for (auto& b : e.bookmakers)
      for (auto& m : b.markets) std::erase_if(m.outcomes, invalid);
}

std::vector<Sport> parse_sports_json(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("not JSON: /sports body");
  if (!j.is_array()) throw std::runtime_error("expected an array of sports");
  std::vector<Sport> out;
  out.reserve(j.size());
  for (const auto& s : j) {
    if (!s.is_object() || !s.contains("key") || !s["key"].is_string())
      throw std::runtime_error("expected sport objects with a 'key'");
    Sport sp;
    sp.key = s["key"].get<std::string>();
    sp.group = s.value("group", "");
    sp.title = s.value("title", "");
    sp.active = s.value("active", true);
    sp.has_outrights = s.value("has_outrights", false);
    out.push_back(std::move(sp));
  }
  return out;
}

std::optional<TimePoint> newest_update(const std::vector<Event>& events) {
  std::optional<TimePoint> newest;
  auto see = [&](const std::optional<TimePoint>& t) {
    if (t && (!newest || *t > *newest)) newest = t;
  };
  for (const auto& e : events)
    for (const auto& b : e.bookmakers) {
      see(b.last_update);
      for (const auto& m : b.markets) see(m.last_update);
    }
  return newest;
}

json to_json(const Event& event) {
  json books = json::array();
  for (const auto& b : event.bookmakers) {
    json markets = json::array();
    for (const auto& m : b.markets) {
      json outcomes = json::array();
      for (const auto& o : m.outcomes) {
        json jo = {{"name", o.name}, {"price", o.price}};
        if (o.point) jo["point"] = *o.point;
        if (o.link) jo["link"] = *o.link;
        if (o.bet_limit) jo["bet_limit"] = *o.bet_limit;
        outcomes.push_back(std::move(jo));
      }
      json jm = {{"key", m.key}, {"outcomes", std::move(outcomes)}};
      if (m.last_update) jm["last_update"] = format_rfc3339(*m.last_update);
      if (m.link) jm["link"] = *m.link;
      markets.push_back(std::move(jm));
    }
    json jb = {{"key", b.key}, {"title", b.title}, {"markets", std::move(markets)}};
    if (b.last_update) jb["last_update"] = format_rfc3339(*b.last_update);
    if (b.link) jb["link"] = *b.link;
    books.push_back(std::move(jb));
  }
  return {{"id", event.id},
          {"sport_key", event.sport_key},
          {"sport_title", event.sport_title},
          {"commence_time", format_rfc3339(event.commence_time)},
          {"home_team", event.home_team},
          {"away_team", event.away_team},
          {"bookmakers", std::move(books)}};
}

// One reader for both paths: the event goes through parse_events_json, so a stored event
// obeys exactly the rules of a fresh response (decimal prices, as to_json writes them).
Event event_from_json(const json& j) {
  if (!j.is_object()) throw std::runtime_error("expected an event object");
  std::string body = "[";
  body += j.dump();
  body += ']';
  auto events = parse_events_json(body, OddsFormat::decimal);
  return std::move(events.front());
}

}  // namespace oddsctl
