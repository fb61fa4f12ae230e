// Closing-line value on a real SQLite store: the close is the last snapshot or scan before the
// start, priced like the value detector; the --bets file reader.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "oddsctl/clv.hpp"
#include "oddsctl/engine/detect.hpp"
#include "oddsctl/errors.hpp"
#include "test_cache_util.hpp"

using namespace oddsctl;
using cache_test::TempStore;
using namespace std::chrono_literals;

namespace {

const TimePoint k_t0 = parse_rfc3339("2024-05-01T12:00:00Z");
const TimePoint k_start = k_t0 + 24h;

Event world(double sharp_home, double sharp_away, TimePoint updated) {
  Event e;
  e.id = "ev1";
  e.sport_key = "basketball_nba";
  e.sport_title = "NBA";
  e.home_team = "Home";
  e.away_team = "Away";
  e.commence_time = k_start;
  auto book = [&](const std::string& key, double h, double a) {
    e.bookmakers.push_back(Bookmaker{key, key, updated, {Market{"h2h", updated, {{"Home", h, {}}, {"Away", a, {}}}}}});
  };
  book("pinnacle", sharp_home, sharp_away);
  book("soft_a", 1.95, 2.00);  // Home is value against 1.80 / 2.10
  return e;
}

// A scan at t0 that found soft_a's Home at 1.95, and stored it.
void store_scan(store::Store& store) {
  engine::ArbRules rules;
  rules.now = k_t0;
  engine::DetectRules d;
  d.find = engine::FindKinds{false, true, false, false};
  store::RegionScan s = cache_test::region_scan("s1", "us", k_t0);
  s.opportunities = find_opportunities("us", {world(1.80, 2.10, k_t0)}, rules, d);
  s.opportunity_count = static_cast<int>(s.opportunities.size());
  REQUIRE(s.opportunities.size() == 1);
  store.save_scan(s);
}

void store_snapshot(store::Store& store, TimePoint at, double home, double away) {
  store::Snapshot snap;
  snap.region = "us";
  snap.event_id = "ev1";
  snap.sport_key = "basketball_nba";
  snap.taken_at = at;
  snap.fingerprint = "fp" + format_rfc3339(at);
  snap.event = world(home, away, at);
  store.import_snapshots({snap});
}

clv::ClvOptions at(TimePoint now) {
  clv::ClvOptions o;
  o.now = now;
  return o;
}

double power_p(double a, double b, int i) {
  return (*devig_prices({a, b}, engine::DevigMethod::power))[static_cast<std::size_t>(i)];
}

}  // namespace

TEST_CASE("clv: the last snapshot before the start is the close, priced by the reference") {
  TempStore store;
  store_scan(*store);
  store_snapshot(*store, k_t0 + 20h, 1.75, 2.20);
  store_snapshot(*store, k_t0 + 23h, 1.70, 2.30);    // the close
  store_snapshot(*store, k_start + 1h, 3.00, 1.40);  // in play: never the close
  clv::ClvReport r = run_clv(*store, at(k_start + 2h));
  REQUIRE(r.bets.size() == 1);
  const auto& c = r.bets[0];
  CHECK(c.status == "ok");
  CHECK(c.bet.origin == "stored");
  CHECK(c.bet.bookmaker == "soft_a");
  CHECK(c.bet.outcome == "Home");
  CHECK(c.bet.sport_key == "basketball_nba");
  CHECK(c.closing_from == "snapshot");
  CHECK(c.closed_at == k_t0 + 23h);
  const double p = power_p(1.70, 2.30, 0);
  REQUIRE(c.closing_p_fair);
  CHECK(*c.closing_p_fair == doctest::Approx(p).epsilon(1e-9));
  CHECK(*c.closing_fair_price == doctest::Approx(1 / p).epsilon(1e-9));
  CHECK(*c.clv_pct == doctest::Approx((p * 1.95 - 1) * 100).epsilon(1e-9));
  CHECK(*c.clv_pct > 0);
  CHECK(c.reference == std::vector<std::string>{"pinnacle"});
  CHECK(r.overall.with_close == 1);
  CHECK(*r.overall.beat_close_share == 1.0);
  REQUIRE(r.by_book.size() == 1);
  CHECK(r.by_book[0].name == "soft_a");
  REQUIRE(r.by_sport.size() == 1);
  CHECK(r.by_sport[0].name == "basketball_nba");
  auto j = clv_report_json(r);
  CHECK(j["summary"]["bets"] == 1);
  CHECK(j["bets"][0]["beat_close"] == true);
}

TEST_CASE("clv: without snapshots the last scan's fair price is the close; before the start, open") {
  TempStore store;
  store_scan(*store);
  clv::ClvReport r = run_clv(*store, at(k_start + 1h));
  REQUIRE(r.bets.size() == 1);
  CHECK(r.bets[0].closing_from == "scan");
  const double p = power_p(1.80, 2.10, 0);
  CHECK(*r.bets[0].clv_pct == doctest::Approx((p * 1.95 - 1) * 100).epsilon(1e-4));  // stored p_fair: 6 decimals
  r = run_clv(*store, at(k_start - 1h));
  CHECK(r.bets[0].status == "open");
  CHECK_FALSE(r.bets[0].clv_pct.has_value());
  CHECK(r.overall.with_close == 0);
  CHECK_FALSE(r.overall.mean_clv_pct.has_value());
}

TEST_CASE("clv: placed bets from a file, matched to snapshots; unknown events said so") {
  TempStore store;
  store_snapshot(*store, k_t0 + 23h, 1.70, 2.30);
  auto path = std::filesystem::temp_directory_path() / ("oddsctl-clv-bets-" + std::to_string(::getpid()) + ".csv");
  {
    std::ofstream f(path);
    f << "event,market,outcome,line,book,price,time\n"
      << "ev1,h2h,Away,,soft_b,2.40,2024-05-01T13:00:00Z\n"
      << "ev1,h2h,home,,soft_b,1.60,2024-05-01T13:00:00Z\n"
      << "nope,h2h,Home,,soft_b,2.00,\n";
  }
  clv::ClvOptions o = at(k_start + 1h);
  o.stored_bets = false;
  o.bets = clv::read_placed_bets(path);
  std::filesystem::remove(path);
  REQUIRE(o.bets.size() == 3);
  clv::ClvReport r = run_clv(*store, o);
  REQUIRE(r.bets.size() == 3);
  std::map<std::string, const clv::ClvBet*> by;
  for (const auto& c : r.bets) by[c.bet.event_id + ":" + c.bet.outcome] = &c;
  CHECK(*by["ev1:Away"]->clv_pct == doctest::Approx((power_p(1.70, 2.30, 1) * 2.40 - 1) * 100).epsilon(1e-9));
  CHECK(*by["ev1:home"]->clv_pct == doctest::Approx((power_p(1.70, 2.30, 0) * 1.60 - 1) * 100).epsilon(1e-9));
  CHECK(by["nope:Home"]->status == "unknown_event");
  CHECK(r.overall.bets == 3);
  CHECK(r.overall.with_close == 2);
  CHECK(*r.overall.beat_close_share == doctest::Approx(0.5));
}

TEST_CASE("read_placed_bets: JSON, aliases, and bad rows named by file and line") {
  auto dir = std::filesystem::temp_directory_path();
  auto write = [&](const std::string& name, const std::string& text) {
    auto p = dir / ("oddsctl-clv-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(p) << text;
    return p;
  };
  auto j = write("b.json", R"({"bets": [{"event_id": "e1", "market": "spreads", "outcome": "Away", "point": 3.5,
                               "bookmaker": "b", "price": 1.95, "placed_at": "2024-05-01T13:00:00Z"}]})");
  auto bets = clv::read_placed_bets(j);
  REQUIRE(bets.size() == 1);
  CHECK(bets[0].market == "spreads");
  CHECK(bets[0].point == 3.5);
  CHECK(bets[0].placed_at == parse_rfc3339("2024-05-01T13:00:00Z"));
  auto bad = write("bad.csv", "event,outcome,book,price\ne1,Home,b,1.9\ne1,Home,b,evens\n");
  try {
    clv::read_placed_bets(bad);
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("bad.csv:3") != std::string::npos);
  }
  CHECK_THROWS_AS(clv::read_placed_bets(write("nohead.csv", "a,b\n1,2\n")), UsageError);
  CHECK_THROWS_AS(clv::read_placed_bets(write("low.csv", "event,outcome,book,price\ne1,Home,b,1.0\n")), UsageError);
  CHECK_THROWS_AS(clv::read_placed_bets(dir / "oddsctl-clv-missing.csv"), UsageError);
  for (const char* n : {"b.json", "bad.csv", "nohead.csv", "low.csv"})
    std::filesystem::remove(dir / ("oddsctl-clv-" + std::to_string(::getpid()) + "-" + n));
}
