// Placeable stakes: to the cent and adding up to --stake, --round STEP, --limit BOOK=AMOUNT,
// and the books' own bet limits (--bet-limits).
// The rules are stake_opportunity's (include/oddsctl/middles.hpp).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/detectors.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/text.hpp"

namespace oddsctl::engine {

namespace {

constexpr double k_inf = std::numeric_limits<double>::infinity();

// A leg can be placed at any book listed at its price: the most generous of their caps,
// and no cap at all when one of them has none. A book's cap is the smaller of its --limit
// and its own bet limit for this quote (--bet-limits).
double leg_cap(const Leg& leg, const StakeRules& rules, std::string& book) {
  double cap = -1;
  for (const auto& b : leg.bookmakers) {
    double c = k_inf;
    if (auto it = rules.limits.find(b); it != rules.limits.end()) c = it->second;
    if (rules.bet_limits)
      if (auto it = leg.bet_limits.find(b); it != leg.bet_limits.end()) c = std::min(c, it->second);
    if (std::isinf(c)) return k_inf;
    if (c > cap) {
      cap = c;
      book = b;
    }
  }
  return cap < 0 ? k_inf : cap;
}

// Shares `units` whole units (cents, or STEPs) among the legs so the smallest payout is as
// large as it can be: starting from `start`, each further unit goes to the leg paying least
// (units·e_i), skipping none; a leg at its cap stops the sharing (another unit elsewhere
// would add stake without raising the guaranteed payout).
std::vector<std::int64_t> share_units(std::vector<std::int64_t> start, std::int64_t units,
                                      const std::vector<double>& eff, const std::vector<std::int64_t>& cap_units) {
  std::int64_t given = 0;
  for (auto u : start) given += u;
  while (given < units) {
    std::size_t low = 0;
    for (std::size_t i = 1; i < start.size(); ++i)
      if (static_cast<double>(start[i]) * eff[i] < static_cast<double>(start[low]) * eff[low] - 1e-9) low = i;
    if (start[low] >= cap_units[low]) break;
    ++start[low];
    ++given;
  }
  return start;
}

}  // namespace

void add_stake_limit(StakeRules& rules, const std::string& text, const std::string& flag) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError(flag + ": '" + printable(text) + "' is not BOOK=AMOUNT (e.g. pinnacle=250)");
  std::string book = text.substr(0, eq);
  std::string amount = text.substr(eq + 1);
  double v = 0;
  try {
    std::size_t used = 0;
    v = std::stod(amount, &used);
    if (used != amount.size() || !std::isfinite(v)) throw 0;
  } catch (...) {
    throw UsageError(flag + ": '" + printable(text) + "': " + printable(amount) + " is not an amount (e.g. 250)");
  }
  if (v <= 0 || v > k_max_stake)
    throw UsageError(flag + ": '" + printable(text) + "': the amount must be more than 0 and at most 1e12");
  rules.limits[book] = v;
}

void stake_opportunity(Opportunity& o, double total, const StakeRules& rules) {
  if (!(total > 0) || total > k_max_stake)
    throw UsageError("--stake: must be more than 0 and at most 1e12 (1000000000000)");
  if (o.kind == OpportunityKind::value || o.legs.empty()) return;
  const std::size_t n = o.legs.size();
  std::vector<double> eff(n);
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    eff[i] = o.legs[i].effective_price;
    if (!(eff[i] > 1.0)) return;  // not a price anyone can stake on
    s += 1.0 / eff[i];
  }

  // Limits: scale the total down until every leg fits its book's cap.
  double t = total;
  std::optional<std::string> limited_by;
  std::vector<double> caps(n, k_inf);
  for (std::size_t i = 0; i < n; ++i) {
    std::string book;
    caps[i] = leg_cap(o.legs[i], rules, book);
    const double fits = caps[i] * s * eff[i];  // the total at which this leg's ideal stake is its cap
    if (fits < t) {
      t = fits;
      limited_by = book;
    }
  }

  const bool round = rules.round_step.has_value();
  const double unit = round ? *rules.round_step : 0.01;
  // Whole units: cents of the total (rounded, so 100 stays 100.00), or STEPs of it (down).
  // A limited total is rounded down so no leg goes over its cap.
  const double t_units = t / unit;
  std::int64_t units = round || limited_by ? static_cast<std::int64_t>(std::floor(t_units + 1e-9))
                                           : static_cast<std::int64_t>(std::llround(t_units));
  units = std::max<std::int64_t>(units, static_cast<std::int64_t>(n));  // never a leg of 0
  std::vector<std::int64_t> cap_units(n);
  for (std::size_t i = 0; i < n; ++i)
    cap_units[i] = std::isinf(caps[i])
                       ? std::numeric_limits<std::int64_t>::max()
                       : std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(caps[i] / unit + 1e-9)));

  // Every leg's ideal share of the units rounded down (at least one), then the units left.
  std::vector<std::int64_t> start(n, 1);
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double ideal = static_cast<double>(units) * (1.0 / eff[i]) / s;
    start[i] = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(ideal + 1e-9)), 1, cap_units[i]);
    sum += start[i];
  }
  // Only the one-unit minimum can overshoot: take back from the largest stakes.
  while (sum > units) {
    auto it = std::max_element(start.begin(), start.end());
    if (*it <= 1) break;
    --*it;
    --sum;
  }
  std::vector<std::int64_t> got = share_units(start, units, eff, cap_units);

  double stake_total = 0;
  double min_payout = k_inf;
  for (std::size_t i = 0; i < n; ++i) {
    // Integer units times the unit, rounded to the cent: 37.00 + 33.93 + 29.07 is 100.00.
    const double stake = std::round(static_cast<double>(got[i]) * unit * 100.0) / 100.0;
    o.legs[i].stake = stake;
    stake_total += stake;
    min_payout = std::min(min_payout, stake * eff[i]);
  }
  stake_total = std::round(stake_total * 100.0) / 100.0;
  if (round || !rules.limits.empty() || rules.bet_limits) {
    StakePlan plan;
    plan.rounded = round;
    plan.stake_total = stake_total;
    plan.min_payout = min_payout;
    plan.profit_pct_after_rounding = (min_payout / stake_total - 1.0) * 100.0;
    plan.limited_by = limited_by;
    o.stake_plan = plan;
  } else {
    o.stake_plan.reset();
  }
}

void place_stakes(std::vector<Opportunity>& found, const ArbRules& rules, const StakeRules& stakes) {
  if (!rules.stake) return;
  for (auto& o : found) stake_opportunity(o, *rules.stake, stakes);
}

}  // namespace oddsctl::engine
