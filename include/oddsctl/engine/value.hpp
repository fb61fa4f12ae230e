// Value bets: fair prices from reference books (devigged), and soft-book prices that beat them.
// The contract's "Value bets": the devig methods, the reference books, Kelly sizing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oddsctl/engine/arbitrage.hpp"

namespace oddsctl::engine {

// How a book's margin (vig) is taken out of its implied probabilities pi_i = 1/price_i,
// S = sum(pi_i), n outcomes:
// - multiplicative: p_i = pi_i / S
// - additive:       p_i = pi_i - (S - 1)/n; not applicable when any p_i <= 0 (a long shot)
// - power:          p_i = pi_i^k, k solved so that sum(p_i) = 1
// - shin:           p_i = (sqrt(z^2 + 4(1 - z) pi_i^2 / S) - z) / (2(1 - z)), z in [0, 1) solved
// - worst:          per outcome, the smallest p_i of the four above (not renormalised); a method
//                   that does not apply to the market is left out of the minimum
enum class DevigMethod { multiplicative, additive, power, shin, worst };
const char* to_string(DevigMethod m);
std::optional<DevigMethod> devig_method_from_string(std::string_view s);
// "multiplicative", "additive", "power", "shin", "worst": for the settings table and help.
const std::vector<std::string>& devig_method_names();

// Solvers stop when |sum(p_i) - 1| is below this; a market they cannot bring there is skipped.
inline constexpr double k_devig_tolerance = 1e-12;

// The fair probabilities of one book's market from its implied probabilities (1/price, at
// effective prices for exchanges), in the same order; nullopt when the method does not apply:
// fewer than 2 outcomes, an implied probability outside (0, 1), additive with a p_i <= 0, a
// solver that does not reach k_devig_tolerance (power; shin also when S <= 1 has no z in
// [0, 1) other than the trivial S == 1).
std::optional<std::vector<double>> devig(const std::vector<double>& implied, DevigMethod method);
// The same from decimal prices (each > 1).
std::optional<std::vector<double>> devig_prices(const std::vector<double>& prices, DevigMethod method);
// The solved parameters themselves (nullopt as devig): power's k and Shin's z.
std::optional<double> power_exponent(const std::vector<double>& implied);
std::optional<double> shin_z(const std::vector<double>& implied);

// Kelly stake of one bet at decimal price `price` with win probability p:
// bankroll * fraction * max(0, (p*b - (1 - p))/b), b = price - 1, capped at max_stake_pct % of
// the bankroll; 0 when price <= 1. Never negative.
double kelly_stake(double bankroll, double fraction, double p, double price, double max_stake_pct);

// The contract's default reference books, in the order they are tried.
const std::vector<std::string>& default_sharp_books();

struct ValueRules {
  double min_ev_pct = 1.0;  // --min-ev: report ev_pct >= this
  // --sharp: reference books tried in order, the first quoting every outcome of the market
  // wins; the entry "consensus" is the median of every quoting book's devigged
  // probabilities, used where at least min_books books quote every outcome.
  std::vector<std::string> sharp = default_sharp_books();
  DevigMethod devig = DevigMethod::power;  // --devig
  int min_books = 4;                       // --min-books (shared with the thin flag)
  std::optional<double> bankroll;          // --bankroll: adds kelly_stake
  double kelly = 0.25;                     // --kelly: the Kelly fraction
  double max_stake_pct = 5.0;              // --max-stake-pct: cap, % of the bankroll
};

// The fair price of one side of one event's market, as the value detector would price it: the
// side with this outcome name (case-insensitive) and, for spreads and totals, this point of
// its own; the groups as market_groups builds them under `rules` (rules.markets is ignored:
// only `market`). nullopt when the side is not quoted, no reference quotes the market, or
// the method cannot devig it. Used by `oddsctl clv` for closing lines.
struct FairPrice {
  double p_fair = 0;
  std::vector<std::string> reference;
  double reference_hold_pct = 0;
};
std::optional<FairPrice> fair_price_of(const Event& event, const std::string& market, const std::string& outcome,
                                       std::optional<double> point, const ArbRules& rules, const ValueRules& value);

}  // namespace oddsctl::engine
