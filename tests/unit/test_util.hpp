// Field-by-field comparisons of the stored value types, shared by the unit tests and the
// Store conformance suite (tests/store/): a codec or backend that drops or mangles one field
// fails with that field's name. A new field is compared here, once.
#pragma once

#include <doctest/doctest.h>

#include "oddsctl/store.hpp"

namespace oddsctl::test {

// Builders for the odds types, naming only what a test sets (brace-initialising them would
// leave their optional fields to -Wmissing-field-initializers).
inline Outcome outcome(const std::string& name, double price, std::optional<double> point = std::nullopt) {
  Outcome o;
  o.name = name;
  o.price = price;
  o.point = point;
  return o;
}

inline Market market(const std::string& key, std::optional<TimePoint> last_update, std::vector<Outcome> outcomes) {
  Market m;
  m.key = key;
  m.last_update = last_update;
  m.outcomes = std::move(outcomes);
  return m;
}

inline Bookmaker bookmaker(const std::string& key, std::optional<TimePoint> last_update, std::vector<Market> markets) {
  Bookmaker b;
  b.key = key;
  b.title = key;
  b.last_update = last_update;
  b.markets = std::move(markets);
  return b;
}

// Every scan of a store (newest first), with or without its opportunities.
inline store::ScanQuery every_scan(bool with_opportunities = false) {
  store::ScanQuery q;
  q.limit = 0;
  q.with_opportunities = with_opportunities;
  return q;
}

// How numbers compare: `close` (relative 1e-9: a text round trip may lose the last bit) or
// `exact` (a binary round trip, such as BSON, keeps every bit).
enum class Numbers { close, exact };

inline void check_same(const Opportunity& a, const Opportunity& b, Numbers numbers = Numbers::close) {
  const bool exact = numbers == Numbers::exact;
  auto same = [&](const char* field, double x, double y) {
    INFO(field);
    if (exact) CHECK(x == y);
    else CHECK(x == doctest::Approx(y).epsilon(1e-9));
  };
  CHECK(a.region == b.region);
  CHECK(a.sport_key == b.sport_key);
  CHECK(a.sport_title == b.sport_title);
  CHECK(a.event_id == b.event_id);
  CHECK(a.home_team == b.home_team);
  CHECK(a.away_team == b.away_team);
  CHECK(a.commence_time == b.commence_time);
  CHECK(a.market == b.market);
  CHECK(a.point == b.point);
  same("implied_sum", a.implied_sum, b.implied_sum);
  same("profit_pct", a.profit_pct, b.profit_pct);
  REQUIRE(a.legs.size() == b.legs.size());
  for (std::size_t i = 0; i < a.legs.size(); ++i) {
    INFO("leg " << i);
    CHECK(a.legs[i].outcome == b.legs[i].outcome);
    CHECK(a.legs[i].point == b.legs[i].point);
    same("price", a.legs[i].price, b.legs[i].price);
    same("effective_price", a.legs[i].effective_price, b.legs[i].effective_price);
    CHECK(a.legs[i].bookmakers == b.legs[i].bookmakers);
    if (exact) {
      CHECK(a.legs[i].stake == b.legs[i].stake);
    } else {
      CHECK(a.legs[i].stake.has_value() == b.legs[i].stake.has_value());
      if (a.legs[i].stake && b.legs[i].stake) CHECK(*a.legs[i].stake == doctest::Approx(*b.legs[i].stake));
    }
  }
}

// Opportunities too.
inline void check_same(const store::RegionScan& a, const store::RegionScan& b) {
  CHECK(a.scan_id == b.scan_id);
  CHECK(a.region == b.region);
  CHECK(a.command == b.command);
  CHECK(a.source == b.source);
  CHECK(a.empty == b.empty);
  CHECK(a.worker == b.worker);
  CHECK(a.started_at == b.started_at);
  CHECK(a.duration_ms == b.duration_ms);
  CHECK(a.status == b.status);
  CHECK(a.error == b.error);
  CHECK(a.failed_sports == b.failed_sports);
  CHECK(a.requests == b.requests);
  CHECK(a.credits_used == b.credits_used);
  CHECK(a.credits_remaining == b.credits_remaining);
  CHECK(a.events == b.events);
  CHECK(a.opportunity_count == b.opportunity_count);
  REQUIRE(a.opportunities.size() == b.opportunities.size());
  for (std::size_t i = 0; i < a.opportunities.size(); ++i) check_same(a.opportunities[i], b.opportunities[i]);
}

// Every field of the value types of odds.hpp: a new field must be added here.
inline void check_same(const Event& a, const Event& b, Numbers numbers = Numbers::close) {
  CHECK(a.id == b.id);
  CHECK(a.sport_key == b.sport_key);
  CHECK(a.sport_title == b.sport_title);
  CHECK(a.home_team == b.home_team);
  CHECK(a.away_team == b.away_team);
  CHECK(a.commence_time == b.commence_time);
  REQUIRE(a.bookmakers.size() == b.bookmakers.size());
  for (std::size_t i = 0; i < a.bookmakers.size(); ++i) {
    const auto& x = a.bookmakers[i];
    const auto& y = b.bookmakers[i];
    CHECK(x.key == y.key);
    CHECK(x.title == y.title);
    CHECK(x.last_update == y.last_update);
    CHECK(x.link == y.link);
    REQUIRE(x.markets.size() == y.markets.size());
    for (std::size_t m = 0; m < x.markets.size(); ++m) {
      CHECK(x.markets[m].key == y.markets[m].key);
      CHECK(x.markets[m].last_update == y.markets[m].last_update);
      CHECK(x.markets[m].link == y.markets[m].link);
      REQUIRE(x.markets[m].outcomes.size() == y.markets[m].outcomes.size());
      for (std::size_t o = 0; o < x.markets[m].outcomes.size(); ++o) {
        const Outcome& p = x.markets[m].outcomes[o];
        const Outcome& q = y.markets[m].outcomes[o];
        CHECK(p.name == q.name);
        if (numbers == Numbers::exact) CHECK(p.price == q.price);
        else CHECK(p.price == doctest::Approx(q.price));
        CHECK(p.point == q.point);
        CHECK(p.link == q.link);
        CHECK(p.bet_limit == q.bet_limit);
      }
    }
  }
}

inline void check_same(const store::Snapshot& a, const store::Snapshot& b) {
  CHECK(a.region == b.region);
  CHECK(a.event_id == b.event_id);
  CHECK(a.sport_key == b.sport_key);
  CHECK(a.taken_at == b.taken_at);
  CHECK(a.fingerprint == b.fingerprint);
  check_same(a.event, b.event);
}

inline void check_same(const LedgerEntry& a, const LedgerEntry& b) {
  CHECK(a.at == b.at);
  CHECK(a.key_id == b.key_id);
  CHECK(a.key_hint == b.key_hint);
  CHECK(a.region == b.region);
  CHECK(a.command == b.command);
  CHECK(a.endpoint == b.endpoint);
  CHECK(a.sport == b.sport);
  CHECK(a.http_status == b.http_status);
  CHECK(a.credits.used == b.credits.used);
  CHECK(a.credits.remaining == b.credits.remaining);
  CHECK(a.credits.last == b.credits.last);
}

inline void check_same(const store::TrackedEvent& a, const store::TrackedEvent& b) {
  CHECK(a.region == b.region);
  CHECK(a.event_id == b.event_id);
  CHECK(a.sport_key == b.sport_key);
  CHECK(a.sport_title == b.sport_title);
  CHECK(a.home_team == b.home_team);
  CHECK(a.away_team == b.away_team);
  CHECK(a.commence_time == b.commence_time);
  CHECK(a.discovered_at == b.discovered_at);
  CHECK(a.pinned_tier == b.pinned_tier);
  CHECK(a.last_synced_at == b.last_synced_at);
  CHECK(a.last_changed_at == b.last_changed_at);
  CHECK(a.last_attempt_at == b.last_attempt_at);
  CHECK(a.fingerprint == b.fingerprint);
  CHECK(a.failures == b.failures);
  CHECK(a.last_error == b.last_error);
}

}  // namespace oddsctl::test
