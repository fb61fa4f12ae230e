// What a schedule costs: credits per run, per day and per 30-day month.
//
// The model (documented in man/oddsctl-budget.md):
// - scan: one /odds call per sport per region each run, costing markets x 1 region, so a
//   run costs sports x regions x markets (an upper bound: a sport with no event costs 0).
// - sync tier: one batched /odds call per sport and region with due events each run of the
//   tier, so the same figure at the tier's interval (again an upper bound).
#include <algorithm>
#include <set>

#include "oddsctl/budget.hpp"
#include "oddsctl/errors.hpp"

namespace oddsctl::budget {

std::int64_t credits_per_run(const Schedule& s) {
  return static_cast<std::int64_t>(s.sports) * s.region_units.value_or(s.regions) * s.markets;
}

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

Forecast forecast(const std::string& name, const Schedule& s, Millis interval) {
  if (interval.count() <= 0) throw UsageError("interval for " + name + " must be positive");
  Forecast f;
  f.name = name;
  f.interval = interval;
  f.per_run = credits_per_run(s);
  const std::int64_t ms = interval.count();
  f.runs_per_day = static_cast<double>(k_day_ms) / static_cast<double>(ms);
  // Exact integer arithmetic, rounded up: a forecast should never flatter the schedule.
  f.per_day = ceil_div(f.per_run * k_day_ms, ms);
  f.per_month = ceil_div(f.per_run * k_month_days * k_day_ms, ms);
  return f;
}

std::optional<Millis> shortest_interval(std::int64_t per_run, std::int64_t monthly_credits) {
  if (monthly_credits <= 0 || per_run > monthly_credits) return std::nullopt;
  if (per_run <= 0) return Millis(1000);
  // per_run x (30 d / interval) <= monthly  <=>  interval >= per_run x 30 d / monthly.
  const std::int64_t month_s = static_cast<std::int64_t>(k_month_days) * k_day_ms / 1000;
  std::int64_t seconds = std::max<std::int64_t>(1, ceil_div(per_run * month_s, monthly_credits));
  return Millis(seconds * 1000);
}

std::vector<TierInterval> default_tier_intervals() {
  return {{"hot", Millis(30'000)}, {"warm", Millis(120'000)}, {"cold", Millis(900'000)}};
}

Schedule schedule_from_ledger(const std::vector<LedgerEntry>& rows, const std::string& command, TimePoint since) {
  std::set<std::string> sports, regions;
  std::int64_t markets = 0;
  for (const auto& r : rows) {
    if (r.at < since || r.endpoint != "odds") continue;
    if (!command.empty() && r.command != command) continue;
    if (!r.sport.empty()) sports.insert(r.sport);
    if (!r.region.empty()) regions.insert(r.region);
    if (r.credits.last) markets = std::max(markets, *r.credits.last);
  }
  Schedule s;
  s.sports = static_cast<int>(sports.size());
  s.regions = static_cast<int>(regions.size());
  s.markets = static_cast<int>(markets);
  return s;
}

}  // namespace oddsctl::budget
