// find_arbitrage: the contract's "Arbitrage rules", as a pure function of one region's odds.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string_view>

#include "oddsctl/arbitrage.hpp"

namespace oddsctl {
namespace {

// Prices closer than this are the same price: quotes that print alike (2.0400000001 vs 2.04)
// must tie, not make one book "best" by float noise.
constexpr double k_price_epsilon = 1e-9;
// An implied sum this close below 1 is float noise, not a profit anyone can take.
constexpr double k_profit_epsilon_pct = 1e-9;

enum class Kind { none, h2h, spreads, totals };

// "h2h", "spreads", "totals" and their period/alternate variants ("h2h_q1",
// "alternate_spreads", "totals_h1"); exchange lay markets are never combined with backs.
Kind kind_of(std::string_view key) {
  if (key.ends_with("_lay")) return Kind::none;
  if (key == "h2h" || key.starts_with("h2h_")) return Kind::h2h;
  if (key == "spreads" || key == "alternate_spreads" || key.starts_with("spreads_")) return Kind::spreads;
  if (key == "totals" || key == "alternate_totals" || key.starts_with("totals_")) return Kind::totals;
  return Kind::none;
}

// A line as a map key without tolerance games: points are quoted in halves and quarters,
// so rounding to 1e-6 makes equal lines equal and different lines different.
std::int64_t line_key(double point) { return std::llround(point * 1e6); }

struct Quote {
  const std::string* book;
  double price;
  double effective;
};

// One leg to be priced: an outcome (with its own point) and every usable quote for it.
struct Side {
  std::string outcome;
  std::optional<double> point;
  std::vector<Quote> quotes;
};

struct Group {
  std::optional<double> point;  // the group's line as reported
  std::vector<Side> sides;      // in leg order
};

bool quote_is_fresh(const Bookmaker& b, const Market& m, const ArbRules& rules) {
  // No time at all: the API stamps every bookmaker, so an unstamped quote can only come from
  // a hand-made or trimmed file; we have nothing to age it by and take it as of "now".
  // A time in the future (clock skew between us and the API) is fresh too.
  const auto& t = m.last_update ? m.last_update : b.last_update;
  return !t || rules.now - *t <= rules.max_quote_age;
}

bool book_allowed(const std::string& key, const ArbRules& rules) {
  return rules.bookmakers.empty() ||
         std::find(rules.bookmakers.begin(), rules.bookmakers.end(), key) != rules.bookmakers.end();
}

// Calls fn(bookmaker, market) for every usable quote of `market_key` in the event.
template <class Fn>
void for_each_usable(const Event& e, const std::string& market_key, const ArbRules& rules, Fn fn) {
  for (const auto& b : e.bookmakers) {
    if (!book_allowed(b.key, rules)) continue;
    for (const auto& m : b.markets)
      if (m.key == market_key && quote_is_fresh(b, m, rules)) fn(b, m);
  }
}

// Soccer (and the API's explicit "h2h_3_way") settle 1X2: Draw is always an outcome.
bool is_three_way(const Event& e, const std::string& key) {
  return e.sport_key.starts_with("soccer_") || key == "h2h_3_way";
}

// h2h: the outcome set is the union of the names ANY of the region's books quotes for this
// market, stale or filtered-out books included: the set describes what can happen (a soccer
// match can end in a Draw even if the fresh books happen not to price it), so it is never
// narrowed by which quotes we may use. Every name then needs a usable price.
std::vector<Group> h2h_groups(const Event& e, const std::string& key, const ArbRules& rules) {
  std::set<std::string> names;
  for (const auto& b : e.bookmakers)
    for (const auto& m : b.markets)
      if (m.key == key)
        for (const auto& o : m.outcomes) names.insert(o.name);
  // A three-way market can end in a Draw even when no book prices it: without this, a
  // soccer match quoted Home/Away only would look like a two-way book that covers it all.
  if (is_three_way(e, key)) names.insert("Draw");
  if (names.size() < 2) return {};  // one outcome is not a market to cover

  std::vector<std::string> order;
  auto take = [&](const std::string& n) {
    if (names.erase(n)) order.push_back(n);
  };
  take(e.home_team);
  take(e.away_team);
  take("Draw");
  order.insert(order.end(), names.begin(), names.end());  // the rest, by name

  Group g;
  for (auto& n : order) g.sides.push_back(Side{n, std::nullopt, {}});
  for_each_usable(e, key, rules, [&](const Bookmaker& b, const Market& m) {
    for (const auto& o : m.outcomes)
      for (auto& s : g.sides)
        if (s.outcome == o.name)
          s.quotes.push_back({&b.key, o.price, rules.commissions.effective_price(b.key, o.price)});
  });
  return {std::move(g)};
}

// spreads (home -x with away +x, keyed by the home point) and totals (Over x with Under x).
std::vector<Group> line_groups(const Event& e, const std::string& key, Kind kind, const ArbRules& rules) {
  std::map<std::int64_t, Group> by_line;
  for_each_usable(e, key, rules, [&](const Bookmaker& b, const Market& m) {
    for (const auto& o : m.outcomes) {
      if (!o.point) continue;
      int side = -1;
      double line = *o.point;
      if (kind == Kind::spreads) {
        if (o.name == e.home_team) side = 0;
        else if (o.name == e.away_team) side = 1, line = -*o.point;
      } else {
        if (o.name == "Over") side = 0;
        else if (o.name == "Under") side = 1;
      }
      if (side < 0) continue;  // a name that is neither side of this market
      Group& g = by_line[line_key(line)];
      if (g.sides.empty()) {
        g.point = line;
        g.sides.resize(2);
      }
      Side& s = g.sides[side];
      if (s.quotes.empty()) {
        s.outcome = o.name;
        s.point = *o.point;
      }
      s.quotes.push_back({&b.key, o.price, rules.commissions.effective_price(b.key, o.price)});
    }
  });
  std::vector<Group> out;
  for (auto& [k, g] : by_line) out.push_back(std::move(g));
  return out;
}

// Best effective price per side; nothing when a side has no price or there is no profit.
std::optional<Opportunity> price_group(const std::string& region, const Event& e, const std::string& key,
                                       const Group& g, const ArbRules& rules) {
  Opportunity op;
  double implied_sum = 0;
  for (const auto& s : g.sides) {
    if (s.quotes.empty()) return std::nullopt;
    const Quote* best = &s.quotes.front();
    for (const auto& q : s.quotes)
      if (q.effective > best->effective) best = &q;
    Leg leg;
    leg.outcome = s.outcome;
    leg.point = s.point;
    leg.effective_price = best->effective;
    std::vector<const Quote*> ties;
    for (const auto& q : s.quotes)
      if (q.effective >= best->effective - k_price_epsilon) ties.push_back(&q);
    std::sort(ties.begin(), ties.end(), [](const Quote* a, const Quote* b) { return *a->book < *b->book; });
    leg.price = ties.front()->price;  // as quoted by the first book listed
    for (const auto* q : ties)
      if (leg.bookmakers.empty() || leg.bookmakers.back() != *q->book) leg.bookmakers.push_back(*q->book);
    implied_sum += 1.0 / leg.effective_price;
    op.legs.push_back(std::move(leg));
  }
  if (implied_sum >= 1.0) return std::nullopt;
  const double profit = (1.0 / implied_sum - 1.0) * 100.0;
  if (profit <= k_profit_epsilon_pct || profit < rules.min_profit_pct) return std::nullopt;

  op.region = region;
  op.sport_key = e.sport_key;
  op.sport_title = e.sport_title;
  op.event_id = e.id;
  op.home_team = e.home_team;
  op.away_team = e.away_team;
  op.commence_time = e.commence_time;
  op.market = key;
  op.point = g.point;
  op.implied_sum = implied_sum;
  op.profit_pct = profit;
  if (rules.stake)
    for (auto& leg : op.legs) leg.stake = *rules.stake * (1.0 / leg.effective_price) / implied_sum;
  return op;
}

}  // namespace

std::vector<Opportunity> find_arbitrage(const std::string& region, const std::vector<Event>& events,
                                        const ArbRules& rules) {
  std::vector<std::string> markets;
  for (const auto& m : rules.markets)
    if (kind_of(m) != Kind::none && std::find(markets.begin(), markets.end(), m) == markets.end())
      markets.push_back(m);

  std::vector<Opportunity> out;
  for (const auto& e : events) {
    if (!rules.include_live && e.commence_time <= rules.now) continue;
    for (const auto& key : markets) {
      const Kind kind = kind_of(key);
      auto groups = kind == Kind::h2h ? h2h_groups(e, key, rules) : line_groups(e, key, kind, rules);
      for (const auto& g : groups)
        if (auto op = price_group(region, e, key, g, rules)) out.push_back(std::move(*op));
    }
  }
  std::sort(out.begin(), out.end(), [](const Opportunity& a, const Opportunity& b) {
    if (a.profit_pct != b.profit_pct) return a.profit_pct > b.profit_pct;
    if (a.event_id != b.event_id) return a.event_id < b.event_id;
    if (a.market != b.market) return a.market < b.market;
    return a.point < b.point;  // nullopt first
  });
  return out;
}

}  // namespace oddsctl
