// Per leg, from stored history: since when the leg's book has quoted this price
// (seen_since) and the price it quoted before (previous_price). Which leg is moving, and
// should be placed first.
//
// Observations of (book, event, market, outcome, point) -> price at a time come from the
// region's stored scans (their opportunities' legs: every book listed at a leg's price) and
// from synced snapshots (every book's quotes). Walking back from the newest observation not
// after "now": as long as the price is the current one, seen_since moves back to that
// observation; the first different price is previous_price (when the newest stored price
// already differs, the price is new: seen_since is now). Nothing stored for the quote: both
// stay unset (we do not know). Best effort: a store that cannot answer leaves
// the legs as they are.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include <spdlog/spdlog.h>

#include "oddsctl/engine/middles.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::scan {

namespace {

constexpr double k_same_price = 1e-9;
constexpr int k_max_scans = 100;  // the newest scans in the lookback: bounded work per scan

using QuoteKey = std::tuple<std::string, std::string, std::string, std::string,
                            std::int64_t>;  // book, event, market, outcome, point

QuoteKey quote_key(const std::string& book, const std::string& event, const std::string& market,
                   const std::string& outcome, const std::optional<double>& point) {
  return {book, event, market, outcome, point ? std::llround(*point * 1e6) : INT64_MIN};
}

struct Seen {
  TimePoint at;
  double price;
};

}  // namespace

void annotate_history(store::Store& store, const std::string& region, std::vector<Opportunity>& found, TimePoint now,
                      Millis lookback) {
  if (found.empty()) return;
  std::set<QuoteKey> wanted;
  std::set<std::string> events;
  for (const auto& o : found)
    for (const auto& l : o.legs)
      if (!l.bookmakers.empty()) {
        wanted.insert(quote_key(l.bookmakers.front(), o.event_id, o.market, l.outcome, l.point));
        events.insert(o.event_id);
      }
  std::map<QuoteKey, std::vector<Seen>> seen;
  auto note = [&](const QuoteKey& k, TimePoint at, double price) {
    if (at > now || !wanted.count(k)) return;
    seen[k].push_back(Seen{at, price});
  };
  try {
    store::ScanQuery q;
    q.region = region;
    q.since = now - lookback;
    q.limit = k_max_scans;
    q.with_opportunities = true;
    for (const auto& scan : store.list_scans(q))
      for (const auto& o : scan.opportunities)
        for (const auto& l : o.legs)
          for (const auto& b : l.bookmakers)
            note(quote_key(b, o.event_id, o.market, l.outcome, l.point), scan.started_at, l.price);
    for (const auto& id : events) {
      store::SnapshotQuery sq;
      sq.region = region;
      sq.event_id = id;
      sq.since = now - lookback;
      sq.latest_only = false;
      for (const auto& snap : store.snapshots(sq))
        for (const auto& b : snap.event.bookmakers)
          for (const auto& m : b.markets)
            for (const auto& out : m.outcomes)
              note(quote_key(b.key, id, m.key, out.name, out.point), snap.taken_at, out.price);
    }
  } catch (const std::exception& e) {
    spdlog::debug("region {}: no quote history: {}", region, e.what());
    return;
  }
  for (auto& [k, v] : seen) std::sort(v.begin(), v.end(), [](const Seen& a, const Seen& b) { return a.at > b.at; });

  for (auto& o : found)
    for (auto& l : o.legs) {
      if (l.bookmakers.empty()) continue;
      auto it = seen.find(quote_key(l.bookmakers.front(), o.event_id, o.market, l.outcome, l.point));
      if (it == seen.end()) continue;
      std::optional<TimePoint> since;
      std::optional<double> before;
      for (const auto& s : it->second) {
        if (std::abs(s.price - l.price) <= k_same_price) {
          since = s.at;
          continue;
        }
        before = s.price;
        break;
      }
      // The newest stored price differs: the price is new in this scan.
      if (!since) since = now;
      l.seen_since = since;
      l.previous_price = before;
    }
}

}  // namespace oddsctl::scan
