// The grouping every detector shares: the contract's pairing rules (h2h outcome sets,
// spreads home -x with away +x, totals Over x with Under x), fresh quotes only.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>
#include <string_view>
#include <utility>

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

// `rate` is rules.commissions.rate_for(b.key), looked up once per bookmaker and event.
Quote quote_of(const Bookmaker& b, const Market& m, const Outcome& o, double rate, const ArbRules& rules) {
  // CommissionTable::effective_price's formula, with the rate looked up once.
  Quote q{&b.key, o.price, 1.0 + (o.price - 1.0) * (1.0 - rate), std::nullopt, nullptr, std::nullopt};
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

// What market_groups works out once per event rather than per market: each bookmaker's
// commission rate, and whether --bookmakers lets it in.
struct EventBooks {
  std::vector<double> rate;  // by index in e.bookmakers
  std::vector<char> allowed;
  void set(const Event& e, const ArbRules& rules) {
    rate.clear();
    allowed.clear();
    for (const auto& b : e.bookmakers) {
      allowed.push_back(book_allowed(b.key, rules));
      rate.push_back(allowed.back() ? rules.commissions.rate_for(b.key) : 0.0);
    }
  }
};

// Calls fn(bookmaker, market, rate) for every usable quote of `market_key` in the event.
template <class Fn>
void for_each_usable(const Event& e, const EventBooks& books, const std::string& market_key, const ArbRules& rules,
                     Fn fn) {
  for (std::size_t i = 0; i < e.bookmakers.size(); ++i) {
    if (!books.allowed[i]) continue;
    const Bookmaker& b = e.bookmakers[i];
    for (const auto& m : b.markets)
      if (m.key == market_key && quote_is_fresh(b, m, rules)) fn(b, m, books.rate[i]);
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
std::vector<Group> h2h_groups(const Event& e, const EventBooks& books, const std::string& key, const ArbRules& rules) {
  // Views into the event: the set is small (two or three names), so a sorted vector.
  std::vector<std::string_view> names;
  auto add = [&](std::string_view n) {
    auto it = std::lower_bound(names.begin(), names.end(), n);
    if (it == names.end() || *it != n) names.insert(it, n);
  };
  for (const auto& b : e.bookmakers)
    for (const auto& m : b.markets)
      if (m.key == key)
        for (const auto& o : m.outcomes) add(o.name);
  // A three-way market can end in a Draw even when no book prices it: without this, a
  // soccer match quoted Home/Away only would look like a two-way book that covers it all.
  if (is_three_way(e, key)) add("Draw");
  if (names.size() < 2) return {};  // one outcome is not a market to cover

  std::vector<std::string_view> order;
  order.reserve(names.size());
  auto take = [&](std::string_view n) {
    auto it = std::lower_bound(names.begin(), names.end(), n);
    if (it != names.end() && *it == n) {
      order.push_back(n);
      names.erase(it);
    }
  };
  take(e.home_team);
  take(e.away_team);
  take("Draw");
  order.insert(order.end(), names.begin(), names.end());  // the rest, by name

  Group g;
  g.sides.reserve(order.size());
  for (auto n : order) {
    g.sides.push_back(Side{std::string(n), std::nullopt, {}});
    g.sides.back().quotes.reserve(e.bookmakers.size());
  }
  for_each_usable(e, books, key, rules, [&](const Bookmaker& b, const Market& m, double rate) {
    for (const auto& o : m.outcomes)
      for (auto& s : g.sides)
        if (s.outcome == o.name) s.quotes.push_back(quote_of(b, m, o, rate, rules));
  });
  std::vector<Group> out;
  out.push_back(std::move(g));
  return out;
}

// spreads (home -x with away +x, keyed by the home point) and totals (Over x with Under x).
std::vector<Group> line_groups(const Event& e, const EventBooks& books, const std::string& key, MarketShape kind,
                               const ArbRules& rules) {
  // By line, ascending: a sorted vector, as an event has only a few lines.
  std::vector<std::pair<std::int64_t, Group>> by_line;
  for_each_usable(e, books, key, rules, [&](const Bookmaker& b, const Market& m, double rate) {
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
      const std::int64_t k = line_key(line);
      auto it = std::lower_bound(by_line.begin(), by_line.end(), k,
                                 [](const auto& entry, std::int64_t key) { return entry.first < key; });
      if (it == by_line.end() || it->first != k) it = by_line.emplace(it, k, Group{});
      Group& g = it->second;
      if (g.sides.empty()) {
        g.point = line;
        g.sides.resize(2);
      }
      Side& s = g.sides[side];
      if (s.quotes.empty()) {
        s.outcome = o.name;
        s.point = *o.point;
      }
      s.quotes.push_back(quote_of(b, m, o, rate, rules));
    }
  });
  std::vector<Group> out;
  out.reserve(by_line.size());
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
  EventBooks books;
  for (const auto& e : events) {
    if (!rules.include_live && e.commence_time <= rules.now) continue;
    books.set(e, rules);
    for (const auto& key : markets) {
      const MarketShape shape = market_shape(key);
      auto groups =
          shape == MarketShape::h2h ? h2h_groups(e, books, key, rules) : line_groups(e, books, key, shape, rules);
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

std::optional<double> best_implied_sum(const MarketGroup& g) {
  double sum = 0;
  for (const auto& s : g.sides) {
    if (s.quotes.empty()) return std::nullopt;
    double best = s.quotes.front().effective;
    for (const auto& q : s.quotes)
      if (q.effective > best) best = q.effective;
    sum += 1.0 / best;
  }
  return sum;
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
