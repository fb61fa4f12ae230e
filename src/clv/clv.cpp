// run_clv: the closing fair price of each bet from stored snapshots and scans.
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include <nlohmann/json.hpp>

#include "oddsctl/clv.hpp"

namespace oddsctl::clv {

namespace {

// A closing book is the last one before the start, however old its quotes were by then.
constexpr auto k_closing_quote_age = std::chrono::hours(24 * 7);

bool same_point(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b) return !a && !b;
  return std::abs(*a - *b) < 1e-6;
}

bool same_text(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool region_asked(const ClvOptions& o, const std::string& region) {
  return o.regions.empty() || std::find(o.regions.begin(), o.regions.end(), region) != o.regions.end();
}

// A stored value bet (its first sighting) or the fair price a scan stored for a side.
struct Seen {
  TimePoint at{};
  const Opportunity* opp = nullptr;
};

// What the stored scans say: every value opportunity, oldest scan first.
struct ScanHistory {
  std::vector<store::RegionScan> scans;  // owns the opportunities the Seen point into
  std::vector<Seen> value_bets;          // every value opportunity, oldest first
};

ScanHistory load_scans(store::Store& store, const ClvOptions& o) {
  ScanHistory h;
  store::ScanQuery q;
  q.source = o.source;
  q.limit = 0;
  q.with_opportunities = true;
  h.scans = store.list_scans(q);
  std::erase_if(h.scans, [&](const store::RegionScan& s) { return !region_asked(o, s.region); });
  std::reverse(h.scans.begin(), h.scans.end());  // oldest first
  for (const auto& s : h.scans)
    for (const auto& opp : s.opportunities)
      if (opp.kind == OpportunityKind::value && opp.value) h.value_bets.push_back(Seen{s.started_at, &opp});
  return h;
}

const std::optional<double>& leg_point(const Opportunity& o) {
  static const std::optional<double> none;
  return o.legs.empty() ? none : o.legs.front().point;
}

// The stored value bets, once each: the first sighting of (region, event, market, line,
// outcome, book) is when it could have been taken, at that price.
std::vector<PlacedBet> stored_bets(const ScanHistory& h) {
  std::vector<PlacedBet> out;
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>, bool> seen;
  for (const auto& s : h.value_bets) {
    const Opportunity& o = *s.opp;
    const auto& p = leg_point(o);
    auto key = std::make_tuple(o.region, o.event_id, o.market, p ? std::to_string(*p) : "null", o.value->outcome,
                               o.value->bookmaker);
    if (!seen.emplace(key, true).second) continue;
    PlacedBet b;
    b.region = o.region;
    b.event_id = o.event_id;
    b.sport_key = o.sport_key;
    b.market = o.market;
    b.outcome = o.value->outcome;
    b.point = p;
    b.bookmaker = o.value->bookmaker;
    b.price = o.value->price;
    b.placed_at = s.at;
    b.origin = "stored";
    b.p_fair_then = o.value->p_fair;
    out.push_back(std::move(b));
  }
  return out;
}

struct Close {
  TimePoint at{};
  double p_fair = 0;
  std::vector<std::string> reference;
  std::string from;
};

// The event's start and sport from whatever the store knows of it.
struct EventFacts {
  std::optional<TimePoint> commence;
  std::string sport_key;
};

EventFacts facts_of(store::Store& store, const PlacedBet& b, const ScanHistory& h,
                    const std::vector<store::Snapshot>& snaps) {
  EventFacts f;
  for (const auto& s : snaps) f = {s.event.commence_time, s.sport_key};
  if (!f.commence)
    for (const auto& s : h.scans)
      for (const auto& o : s.opportunities)
        if (o.event_id == b.event_id && (b.region.empty() || o.region == b.region)) f = {o.commence_time, o.sport_key};
  if (!f.commence) {
    store::TrackedQuery q;
    q.event_id = b.event_id;
    if (!b.region.empty()) q.region = b.region;
    for (const auto& t : store.list_tracked(q)) f = {t.commence_time, t.sport_key};
  }
  return f;
}

std::optional<Close> close_from_snapshots(const PlacedBet& b, const std::vector<store::Snapshot>& snaps,
                                          TimePoint start, const ClvOptions& o) {
  const store::Snapshot* last = nullptr;
  for (const auto& s : snaps)
    if (s.taken_at < start && (!last || s.taken_at > last->taken_at)) last = &s;
  if (!last) return std::nullopt;
  engine::ArbRules rules;
  rules.now = last->taken_at;
  rules.max_quote_age = k_closing_quote_age;
  rules.commissions = o.commissions;
  auto fair = fair_price_of(last->event, b.market, b.outcome, b.point, rules, o.value);
  if (!fair) return std::nullopt;
  return Close{last->taken_at, fair->p_fair, fair->reference, "snapshot"};
}

std::optional<Close> close_from_scans(const PlacedBet& b, const ScanHistory& h, TimePoint start) {
  std::optional<Close> best;
  for (const auto& s : h.value_bets) {
    const Opportunity& o = *s.opp;
    if (s.at >= start || o.event_id != b.event_id || o.market != b.market) continue;
    if (!b.region.empty() && o.region != b.region) continue;
    if (!same_text(o.value->outcome, b.outcome) || !same_point(leg_point(o), b.point)) continue;
    if (!best || s.at >= best->at) best = Close{s.at, o.value->p_fair, o.value->reference, "scan"};
  }
  return best;
}

ClvSummary summarise(std::string name, const std::vector<const ClvBet*>& bets) {
  ClvSummary s;
  s.name = std::move(name);
  double sum = 0;
  int beat = 0;
  for (const auto* b : bets) {
    ++s.bets;
    if (!b->clv_pct) continue;
    ++s.with_close;
    sum += *b->clv_pct;
    if (*b->clv_pct > 0) ++beat;
  }
  if (s.with_close > 0) {
    s.mean_clv_pct = sum / s.with_close;
    s.beat_close_share = static_cast<double>(beat) / s.with_close;
  }
  return s;
}

template <class Key>
std::vector<ClvSummary> grouped(const std::vector<ClvBet>& bets, Key key) {
  std::map<std::string, std::vector<const ClvBet*>> by;
  for (const auto& b : bets) by[key(b)].push_back(&b);
  std::vector<ClvSummary> out;
  for (auto& [name, list] : by) out.push_back(summarise(name, list));
  return out;
}

nlohmann::json opt(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

double round6(double v) { return std::round(v * 1e6) / 1e6; }

nlohmann::json summary_json(const ClvSummary& s) {
  return {
      {"name", s.name},
      {"bets", s.bets},
      {"with_close", s.with_close},
      {"mean_clv_pct", s.mean_clv_pct ? nlohmann::json(round6(*s.mean_clv_pct)) : nlohmann::json(nullptr)},
      {"beat_close_share", s.beat_close_share ? nlohmann::json(round6(*s.beat_close_share)) : nlohmann::json(nullptr)}};
}

}  // namespace

ClvReport run_clv(store::Store& store, const ClvOptions& o) {
  ClvReport report;
  report.now = o.now;
  const ScanHistory history = load_scans(store, o);
  std::vector<PlacedBet> bets = o.stored_bets ? stored_bets(history) : std::vector<PlacedBet>{};
  for (const auto& b : o.bets)
    if (b.region.empty() || region_asked(o, b.region)) bets.push_back(b);

  std::map<std::pair<std::string, std::string>, std::vector<store::Snapshot>> snapshot_cache;
  for (auto& bet : bets) {
    auto& snaps = snapshot_cache[{bet.region, bet.event_id}];
    if (snaps.empty()) {
      store::SnapshotQuery q;
      q.event_id = bet.event_id;
      if (!bet.region.empty()) q.region = bet.region;
      q.latest_only = false;
      snaps = store.snapshots(q);
      std::erase_if(snaps, [&](const store::Snapshot& s) { return !region_asked(o, s.region); });
    }
    ClvBet c;
    const EventFacts facts = facts_of(store, bet, history, snaps);
    if (bet.sport_key.empty()) bet.sport_key = facts.sport_key;
    c.bet = bet;
    c.effective_price = o.commissions.effective_price(bet.bookmaker, bet.price);
    c.commence_time = facts.commence;
    if (!facts.commence) {
      c.status = "unknown_event";
    } else if (*facts.commence > o.now) {
      c.status = "open";
    } else {
      auto a = close_from_snapshots(bet, snaps, *facts.commence, o);
      auto b = close_from_scans(bet, history, *facts.commence);
      std::optional<Close> close = a;
      if (b && (!close || b->at > close->at)) close = b;
      if (!close) {
        c.status = "no_close";
      } else {
        c.closed_at = close->at;
        c.closing_from = close->from;
        c.closing_p_fair = close->p_fair;
        c.closing_fair_price = 1.0 / close->p_fair;
        c.reference = close->reference;
        c.clv_pct = (close->p_fair * c.effective_price - 1.0) * 100.0;
      }
    }
    report.bets.push_back(std::move(c));
  }
  std::stable_sort(report.bets.begin(), report.bets.end(), [](const ClvBet& a, const ClvBet& b) {
    if (a.commence_time != b.commence_time) return a.commence_time < b.commence_time;
    if (a.bet.event_id != b.bet.event_id) return a.bet.event_id < b.bet.event_id;
    return std::tie(a.bet.market, a.bet.outcome, a.bet.bookmaker) <
           std::tie(b.bet.market, b.bet.outcome, b.bet.bookmaker);
  });
  std::vector<const ClvBet*> all;
  for (const auto& b : report.bets) all.push_back(&b);
  report.overall = summarise("all", all);
  report.by_book = grouped(report.bets, [](const ClvBet& b) { return b.bet.bookmaker; });
  report.by_sport =
      grouped(report.bets, [](const ClvBet& b) { return b.bet.sport_key.empty() ? "?" : b.bet.sport_key; });
  return report;
}

nlohmann::json clv_report_json(const ClvReport& r) {
  nlohmann::json bets = nlohmann::json::array();
  for (const auto& c : r.bets) {
    const auto& b = c.bet;
    bets.push_back(
        {{"origin", b.origin},
         {"region", b.region.empty() ? nlohmann::json(nullptr) : nlohmann::json(b.region)},
         {"event_id", b.event_id},
         {"sport_key", b.sport_key},
         {"market", b.market},
         {"outcome", b.outcome},
         {"point", opt(b.point)},
         {"bookmaker", b.bookmaker},
         {"price", b.price},
         {"effective_price", round6(c.effective_price)},
         {"placed_at", b.placed_at ? nlohmann::json(format_rfc3339(*b.placed_at)) : nlohmann::json(nullptr)},
         {"p_fair_then", b.p_fair_then ? nlohmann::json(round6(*b.p_fair_then)) : nlohmann::json(nullptr)},
         {"commence_time",
          c.commence_time ? nlohmann::json(format_rfc3339(*c.commence_time)) : nlohmann::json(nullptr)},
         {"status", c.status},
         {"closed_at", c.closed_at ? nlohmann::json(format_rfc3339(*c.closed_at)) : nlohmann::json(nullptr)},
         {"closing_from", c.closing_from.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.closing_from)},
         {"closing_p_fair", c.closing_p_fair ? nlohmann::json(round6(*c.closing_p_fair)) : nlohmann::json(nullptr)},
         {"closing_fair_price",
          c.closing_fair_price ? nlohmann::json(round6(*c.closing_fair_price)) : nlohmann::json(nullptr)},
         {"reference", c.reference},
         {"clv_pct", c.clv_pct ? nlohmann::json(round6(*c.clv_pct)) : nlohmann::json(nullptr)},
         {"beat_close", c.clv_pct ? nlohmann::json(*c.clv_pct > 0) : nlohmann::json(nullptr)}});
  }
  nlohmann::json by_book = nlohmann::json::array(), by_sport = nlohmann::json::array();
  for (const auto& s : r.by_book) by_book.push_back(summary_json(s));
  for (const auto& s : r.by_sport) by_sport.push_back(summary_json(s));
  return {{"generated_at", format_rfc3339(r.now)},
          {"bets", std::move(bets)},
          {"summary", summary_json(r.overall)},
          {"by_book", std::move(by_book)},
          {"by_sport", std::move(by_sport)}};
}

}  // namespace oddsctl::clv
