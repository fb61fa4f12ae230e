// The grouping every detector shares: the contract's pairing rules (h2h outcome sets,
// spreads home -x with away +x, totals Over x with Under x), fresh quotes only.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>

#include "engine/groups.hpp"

namespace oddsctl::engine {

MarketShape market_shape(std::string_view key) {
  if (key.ends_with("_lay")) return MarketShape::none;
  if (key == "h2h" || key.starts_with("h2h_")) return MarketShape::h2h;
  if (key == "spreads" || key == "alternate_spreads" || key.starts_with("spreads_")) return MarketShape::spreads;
  if (key == "totals" || key == "alternate_totals" || key.starts_with("totals_")) return MarketShape::totals;
  return MarketShape::none;
}

namespace {

// A line as a map key without tolerance games: points are quoted in halves and quarters,
// so rounding to 1e-6 makes equal lines equal and different lines different.
std::int64_t line_key(double point) { return std::llround(point * 1e6); }

struct Group {
  std::optional<double> point;
  std::vector<Side> sides;
};

Quote quote_of(const Bookmaker& b, const Market& m, const Outcome& o, const ArbRules& rules) {
  Quote q{&b.key, o.price, rules.commissions.effective_price(b.key, o.price), std::nullopt, nullptr, std::nullopt};
  // The most precise link there is: the bet slip of the outcome, else the market, else the event.
  for (const auto* l : {&o.link, &m.link, &b.link})
    if (*l && !(*l)->empty()) {
      q.link = &**l;
      break;
    }
  q.bet_limit = o.bet_limit;
  const auto& t = m.last_update ? m.last_update : b.last_update;
  if (t) q.age_s = std::max(0.0, std::chrono::duration<double>(rules.now - *t).count());
  return q;
}

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
        if (s.outcome == o.name) s.quotes.push_back(quote_of(b, m, o, rules));
  });
  return {std::move(g)};
}

// spreads (home -x with away +x, keyed by the home point) and totals (Over x with Under x).
std::vector<Group> line_groups(const Event& e, const std::string& key, MarketShape kind, const ArbRules& rules) {
  std::map<std::int64_t, Group> by_line;
  for_each_usable(e, key, rules, [&](const Bookmaker& b, const Market& m) {
    for (const auto& o : m.outcomes) {
      if (!o.point) continue;
      int side = -1;
      double line = *o.point;
      if (kind == MarketShape::spreads) {
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
      s.quotes.push_back(quote_of(b, m, o, rules));
    }
  });
  std::vector<Group> out;
  for (auto& [k, g] : by_line) out.push_back(std::move(g));
  return out;
}

}  // namespace

std::vector<MarketGroup> market_groups(const std::vector<Event>& events, const ArbRules& rules) {
  std::vector<std::string> markets;
  for (const auto& m : rules.markets)
    if (market_shape(m) != MarketShape::none && std::find(markets.begin(), markets.end(), m) == markets.end())
      markets.push_back(m);

  std::vector<MarketGroup> out;
  for (const auto& e : events) {
    if (!rules.include_live && e.commence_time <= rules.now) continue;
    for (const auto& key : markets) {
      const MarketShape shape = market_shape(key);
      auto groups = shape == MarketShape::h2h ? h2h_groups(e, key, rules) : line_groups(e, key, shape, rules);
      for (auto& g : groups) out.push_back(MarketGroup{&e, key, shape, g.point, std::move(g.sides)});
    }
  }
  return out;
}

std::optional<BestPrices> best_prices(const MarketGroup& g) {
  BestPrices out;
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
    std::stable_sort(ties.begin(), ties.end(), [](const Quote* a, const Quote* b) { return *a->book < *b->book; });
    leg.price = ties.front()->price;  // as quoted by the first book listed
    leg.age_s = ties.front()->age_s;
    if (ties.front()->link) leg.link = *ties.front()->link;
    for (const auto* q : ties) {
      if (leg.bookmakers.empty() || leg.bookmakers.back() != *q->book) leg.bookmakers.push_back(*q->book);
      if (q->bet_limit) leg.bet_limits.emplace(*q->book, *q->bet_limit);
    }
    out.implied_sum += 1.0 / leg.effective_price;
    out.legs.push_back(std::move(leg));
  }
  return out;
}

Opportunity opportunity_for(const std::string& region, const MarketGroup& g) {
  Opportunity op;
  op.region = region;
  op.sport_key = g.event->sport_key;
  op.sport_title = g.event->sport_title;
  op.event_id = g.event->id;
  op.home_team = g.event->home_team;
  op.away_team = g.event->away_team;
  op.commence_time = g.event->commence_time;
  op.market = g.market;
  op.point = g.point;
  return op;
}

int books_quoting(const MarketGroup& g) {
  std::set<std::string_view> books;
  for (const auto& s : g.sides)
    for (const auto& q : s.quotes) books.insert(*q.book);
  return static_cast<int>(books.size());
}

}  // namespace oddsctl::engine
