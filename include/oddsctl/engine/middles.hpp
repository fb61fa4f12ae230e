// Middles, low hold, the false-arbitrage flags and placeable stakes: the contract's
// "Middles", "Low hold", "Flags" and "Placeable stakes".
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/engine/arbitrage.hpp"

namespace oddsctl::engine {

struct MiddleRules {
  double min_middle_ev_pct = 0.0;   // --min-middle-ev: listed when ev_pct >= this
  std::filesystem::path model_dir;  // data/middles (empty: data_dir() / "middles")
};

struct LowHoldRules {
  double max_hold_pct = 2.0;  // --max-hold: listed when hold_pct <= this
};

struct FlagRules {
  double outlier_pct = 25.0;      // --outlier-pct
  double verify_above_pct = 5.0;  // --verify-above
  int min_books = 4;              // --min-books (scan.min_books)
};

// The largest --stake there is: above it, cents no longer add up in a double.
inline constexpr double k_max_stake = 1e12;

struct StakeRules {
  std::optional<double> round_step;      // --round STEP
  std::map<std::string, double> limits;  // --limit BOOK=AMOUNT (and [limit] in the config)
  bool bet_limits = false;               // --bet-limits: the legs' Leg::bet_limits cap too
};

// "BOOK=AMOUNT" (AMOUNT > 0) into rules.limits; UsageError naming `flag` otherwise.
void add_stake_limit(StakeRules& rules, const std::string& text, const std::string& flag = "--limit");

// Stakes one opportunity for `total` (0 < total <= k_max_stake, else UsageError):
// - the ideal split pays the same whichever leg wins: stake_i = T·(1/e_i)/S, S = Σ 1/e_i
//   (a middle's two outside results are legs too);
// - limits: a leg can be placed at any book listed at its price, so its cap is the largest
//   limit of those books (none when one of them has no limit; with rules.bet_limits a book's
//   limit is the smaller of --limit and its own bet limit for the quote, Leg::bet_limits);
//   the total T is scaled down
//   to min(total, cap_i·S·e_i) and stake_plan.limited_by names the binding book;
// - the total in whole units: cents (T rounded to the cent; rounded down when a limit bound
//   it, so no leg goes over), or with --round STEP the largest multiple of STEP not above T;
//   never fewer units than legs, so no leg is 0 (stake_total may then exceed T);
// - sharing the units: every leg first gets its ideal share rounded down (at least one
//   unit), then each unit left goes to the leg paying least (stake·e_i; the earlier leg on a
//   tie), which keeps the payouts as equal as the units allow; a leg at its cap stops the
//   sharing (more stake elsewhere would not raise the guaranteed payout). Without a limit the
//   cents add up exactly to the stake: 100 is 37.00 + 33.93 + 29.07, never 99.99;
// - with --round, a limit or --bet-limits: stake_plan carries rounded, stake_total, min_payout (the
//   smallest payout when one leg wins) and profit_pct_after_rounding (min_payout /
//   stake_total − 1, in %).
// Value bets (one price, staked by Kelly) are left alone.
void stake_opportunity(Opportunity& o, double total, const StakeRules& rules);

// The probability model of a middle: how often a result lands on each integer.
struct ResultModel {
  std::string file;  // the data file, as reported in "model" ("middles/nfl_margins.json")
  // Exact-value probabilities for results -max..max (the key-number tables), or empty.
  std::map<int, double> exact;
  double sd = 0;  // the normal approximation's standard deviation (when no table)
};

// The model for a sport and market shape ("spreads" or "totals"): the NFL and NCAAF margin
// tables for spreads, else the normal approximation with the sport's standard deviation
// (data/middles/sd.json, by longest sport-key prefix). nullopt when the sport has none.
// Loaded once per directory and cached.
std::optional<ResultModel> result_model(const std::filesystem::path& dir, const std::string& sport_key, bool spreads);

// P(result == k) under the model for a game whose result is expected at `centre` (the middle
// of the two lines): for a table, |k| keeps the table's share, split between the two signs by
// the normal density around centre (sd from the table file); for the normal model, the mass
// of [k − ½, k + ½].
double result_probability(const ResultModel& m, double centre, int k);

// What a middle pays: the results low < r < high hit (both legs win); a result equal to an
// integer line pushes that leg (stake back). Stakes equalise the outside payouts.
struct MiddleOdds {
  double hit_probability = 0;  // P(low < r < high)
  double ev_pct = 0;           // expected return per unit staked − 1, in %
};
MiddleOdds middle_odds(const ResultModel& m, double low, double high, double e_low, double e_high);

}  // namespace oddsctl::engine
