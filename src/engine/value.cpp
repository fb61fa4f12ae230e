// Value bets: per (event, market, line), fair probabilities from the reference (the first
// --sharp book quoting every outcome, or the consensus median), then every other book's
// effective price that beats them by --min-ev. The contract's "Value bets".
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>

#include <spdlog/spdlog.h>

#include "engine/detectors.hpp"

namespace oddsctl::engine {

namespace {
constexpr std::string_view k_consensus = "consensus";
// An EV this close below the threshold is float noise in the prices, not a miss.
constexpr double k_ev_epsilon_pct = 1e-9;

// The reference of one market (also used by fair_price_of below).
struct Reference {
  std::vector<double> p_fair;         // per side
  const std::string* name = nullptr;  // what the JSON names as the reference (a book or "consensus")
  const std::string* book = nullptr;  // the one book that may not be a candidate (none for consensus)
  double hold_pct = 0;
};

// Why a market has no fair price: no reference quotes it, or the method failed on it.
enum class Miss { none, no_reference, devig_failed };

const Quote* quote_of_book(const Side& s, std::string_view book) {
  for (const auto& q : s.quotes)
    if (*q.book == book) return &q;
  return nullptr;
}

// implied[i] = 1/effective of `book` on every side; false when a side lacks it.
bool implied_of(const MarketGroup& g, std::string_view book, std::vector<double>& implied) {
  implied.resize(g.sides.size());
  for (std::size_t i = 0; i < g.sides.size(); ++i) {
    const Quote* q = quote_of_book(g.sides[i], book);
    if (!q || !(q->effective > 1.0)) return false;
    implied[i] = 1.0 / q->effective;
  }
  return true;
}

double hold_pct_of(const std::vector<double>& implied) {
  double s = 0;
  for (double x : implied) s += x;
  return (s - 1.0) * 100.0;
}

double median(std::vector<double>& v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lo + hi);
}

// The median of the devigged probabilities of every book quoting every side, where at least
// min_books do; books whose market the method cannot devig are left out (and count as not
// quoting). Not renormalised: the contract's median, per outcome.
Miss consensus_reference(const MarketGroup& g, const ValueRules& rules, std::vector<double>& implied, Reference& ref) {
  std::vector<std::vector<double>> per_side(g.sides.size());
  std::vector<double> holds;
  bool any_failed = false;
  std::vector<std::string_view> seen;
  for (const auto& q : g.sides.front().quotes) {
    const std::string_view book = *q.book;
    if (std::find(seen.begin(), seen.end(), book) != seen.end()) continue;
    seen.push_back(book);
    if (!implied_of(g, book, implied)) continue;
    auto p = devig(implied, rules.devig);
    if (!p) {
      any_failed = true;
      continue;
    }
    for (std::size_t i = 0; i < p->size(); ++i) per_side[i].push_back((*p)[i]);
    holds.push_back(hold_pct_of(implied));
  }
  if (static_cast<int>(holds.size()) < std::max(1, rules.min_books))
    return any_failed ? Miss::devig_failed : Miss::no_reference;
  ref.p_fair.resize(g.sides.size());
  for (std::size_t i = 0; i < per_side.size(); ++i) ref.p_fair[i] = median(per_side[i]);
  static const std::string consensus(k_consensus);
  ref.name = &consensus;
  ref.book = nullptr;
  ref.hold_pct = median(holds);
  return Miss::none;
}

// The first --sharp entry that quotes every side (a book) or has enough books (consensus).
Miss find_reference(const MarketGroup& g, const ValueRules& rules, std::vector<double>& implied, Reference& ref) {
  Miss miss = Miss::no_reference;
  for (const auto& entry : rules.sharp) {
    if (entry == k_consensus) {
      Miss m = consensus_reference(g, rules, implied, ref);
      if (m == Miss::none) return m;
      if (m == Miss::devig_failed) miss = m;
      continue;
    }
    if (!implied_of(g, entry, implied)) continue;
    auto p = devig(implied, rules.devig);
    if (!p) {
      // The reference quotes the market but the method cannot price it: skipped and counted,
      // never silently replaced by a less sharp book.
      return Miss::devig_failed;
    }
    ref.p_fair = std::move(*p);
    ref.book = quote_of_book(g.sides.front(), entry)->book;
    ref.name = &entry;
    ref.hold_pct = hold_pct_of(implied);
    return Miss::none;
  }
  return miss;
}

Opportunity value_bet(const std::string& region, const MarketGroup& g, const Side& side, const Quote& q, double p,
                      double ev_pct, const Reference& ref, const ValueRules& rules) {
  Opportunity op = opportunity_for(region, g);
  op.kind = OpportunityKind::value;
  Leg leg;
  leg.outcome = side.outcome;
  leg.point = side.point;
  leg.price = q.price;
  leg.effective_price = q.effective;
  leg.bookmakers = {*q.book};
  leg.age_s = q.age_s;
  if (q.link) leg.link = *q.link;
  op.legs.push_back(std::move(leg));
  ValueBet v;
  v.bookmaker = *q.book;
  v.outcome = side.outcome;
  v.price = q.price;
  v.effective_price = q.effective;
  v.p_fair = p;
  v.fair_price = 1.0 / p;
  v.ev_pct = ev_pct;
  v.devig = to_string(rules.devig);
  v.reference = {*ref.name};
  v.reference_hold_pct = ref.hold_pct;
  v.age_s = q.age_s;
  if (rules.bankroll)
    v.kelly_stake =
        std::round(kelly_stake(*rules.bankroll, rules.kelly, p, q.effective, rules.max_stake_pct) * 100.0) / 100.0;
  op.value = std::move(v);
  return op;
}

}  // namespace

std::vector<Opportunity> value_bets_in(const std::string& region, const std::vector<MarketGroup>& groups,
                                       const ArbRules&, const ValueRules& rules) {
  std::vector<Opportunity> out;
  std::vector<double> implied;
  Reference ref;
  std::size_t priced = 0, unreferenced = 0, failed = 0;
  for (const auto& g : groups) {
    if (g.sides.size() < 2) continue;
    const Miss miss = find_reference(g, rules, implied, ref);
    if (miss == Miss::no_reference) {
      ++unreferenced;
      continue;
    }
    if (miss == Miss::devig_failed) {
      ++failed;
      continue;
    }
    ++priced;
    for (std::size_t i = 0; i < g.sides.size(); ++i) {
      const double p = ref.p_fair[i];
      if (!(p > 0.0)) continue;
      for (const auto& q : g.sides[i].quotes) {
        if (ref.book && *q.book == *ref.book) continue;  // the reference is never its own value bet
        const double ev = (p * q.effective - 1.0) * 100.0;
        if (ev + k_ev_epsilon_pct < rules.min_ev_pct) continue;
        out.push_back(value_bet(region, g, g.sides[i], q, p, ev, ref, rules));
      }
    }
  }
  if (failed > 0 || unreferenced > 0)
    spdlog::debug("region {}: value bets: {} markets priced, {} without a reference, {} skipped ({} devig failed)",
                  region, priced, unreferenced, failed, to_string(rules.devig));
  std::sort(out.begin(), out.end(), opportunity_before);
  return out;
}

}  // namespace oddsctl::engine

namespace oddsctl::engine {

std::optional<FairPrice> fair_price_of(const Event& event, const std::string& market, const std::string& outcome,
                                       std::optional<double> point, const ArbRules& rules, const ValueRules& value) {
  ArbRules r = rules;
  r.markets = {market};
  const std::vector<Event> events{event};
  auto same_name = [](const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  std::vector<double> implied;
  for (const auto& g : engine::market_groups(events, r)) {
    for (std::size_t i = 0; i < g.sides.size(); ++i) {
      const auto& side = g.sides[i];
      if (!same_name(side.outcome, outcome)) continue;
      if (g.shape != engine::MarketShape::h2h && (!point || !side.point || std::abs(*side.point - *point) > 1e-6))
        continue;
      engine::Reference ref;
      if (engine::find_reference(g, value, implied, ref) != engine::Miss::none) return std::nullopt;
      return FairPrice{ref.p_fair[i], {*ref.name}, ref.hold_pct};
    }
  }
  return std::nullopt;
}

}  // namespace oddsctl::engine
