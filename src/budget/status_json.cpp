// The `budget --json` document (contract schema, plus extra fields).
#include <cmath>

#include "oddsctl/budget.hpp"

namespace oddsctl::budget {

namespace {

nlohmann::json opt_int(const std::optional<std::int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
nlohmann::json opt_time(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(format_rfc3339(*t)) : nlohmann::json(nullptr);
}
// Two decimals are plenty for a rate and keep the output stable.
double round2(double v) { return std::round(v * 100.0) / 100.0; }

}  // namespace

nlohmann::json key_json(const KeyBudget& k) {
  std::string regions;
  for (const auto& r : k.regions) regions += (regions.empty() ? "" : ",") + r;
  nlohmann::json j;
  // Contract fields, in the contract's order.
  j["key"] = k.key_hint;
  j["region"] = regions;
  j["remaining"] = opt_int(k.remaining);
  j["used"] = opt_int(k.used);
  j["reported_at"] = opt_time(k.reported_at);
  j["spent_1h"] = k.spent_1h;
  j["spent_24h"] = k.spent_24h;
  j["spent_30d"] = k.spent_30d;
  j["burn_per_day"] = k.burn_per_day ? nlohmann::json(round2(*k.burn_per_day)) : nlohmann::json(nullptr);
  j["runs_out_at"] = opt_time(k.runs_out_at);
  // Extras.
  j["regions"] = k.regions;
  j["burn_window"] = k.burn_window.empty() ? nlohmann::json(nullptr) : nlohmann::json(k.burn_window);
  j["calls_30d"] = k.calls_30d;
  j["estimated_calls"] = k.estimated_calls;
  j["unknown_calls"] = k.unknown_calls;
  j["by_command_30d"] = k.by_command_30d;
  j["by_sport_30d"] = k.by_sport_30d;
  return j;
}

nlohmann::json status_json(const BudgetStatus& status) {
  nlohmann::json doc;
  doc["keys"] = nlohmann::json::array();
  std::int64_t s1 = 0, s24 = 0, s30 = 0;
  std::map<std::string, std::int64_t> by_command, by_sport;
  for (const auto& k : status.keys) {
    doc["keys"].push_back(key_json(k));
    s1 += k.spent_1h;
    s24 += k.spent_24h;
    s30 += k.spent_30d;
    for (const auto& [c, n] : k.by_command_30d) by_command[c] += n;
    for (const auto& [s, n] : k.by_sport_30d) by_sport[s] += n;
  }
  doc["generated_at"] = format_rfc3339(status.now);
  doc["totals"] = {{"spent_1h", s1},
                   {"spent_24h", s24},
                   {"spent_30d", s30},
                   {"by_command_30d", by_command},
                   {"by_sport_30d", by_sport}};
  return doc;
}

}  // namespace oddsctl::budget
