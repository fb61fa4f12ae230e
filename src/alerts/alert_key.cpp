// Alert keys and the "is it due?" rule: pure functions, unit-tested without a store.
#include <charconv>
#include <cmath>

#include "oddsctl/alerts.hpp"

namespace oddsctl::alerts {

const char* to_string(AlertReason r) {
  switch (r) {
    case AlertReason::fresh: return "new";
    case AlertReason::escalation: return "escalation";
  }
  return "?";
}

namespace {

// Shortest text that reads back as the same double: -0.5, 220.5, 3.
std::string point_text(double point) {
  if (point == 0) point = 0;  // -0 and 0 are one line
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, point);
  if (ec != std::errc()) return std::to_string(point);
  return std::string(buf, end);
}

}  // namespace

std::string alert_key(const Opportunity& o) {
  std::string point = o.point ? point_text(*o.point) : "null";
  std::string key = o.region + ":" + o.event_id + ":" + o.market + ":" + point;
  // Arbitrage keys stay as they were (old marks stay valid); other kinds add theirs, so an
  // arbitrage and a value bet of one market never suppress each other.
  if (o.kind == OpportunityKind::arb) return key;
  key += std::string(":") + to_string(o.kind);
  if (o.kind == OpportunityKind::value && o.value) {
    key += ":" + o.value->outcome + ":" + o.value->bookmaker;  // one alert per price at one book
  } else {
    for (const auto& leg : o.legs) key += ":" + leg.outcome + "@" + (leg.point ? point_text(*leg.point) : "null");
  }
  return key;
}

std::optional<AlertReason> alert_due(const std::optional<store::AlertMark>& mark, double profit_pct, TimePoint now,
                                     Millis window, double escalation_step) {
  if (!mark) return AlertReason::fresh;
  if (mark->sent_at + window <= now) return AlertReason::fresh;
  // Profits are stored rounded by some backends; a hair of tolerance keeps exact steps due.
  constexpr double k_tolerance = 1e-9;
  if (profit_pct + k_tolerance >= mark->profit_pct + escalation_step) return AlertReason::escalation;
  return std::nullopt;
}

}  // namespace oddsctl::alerts
