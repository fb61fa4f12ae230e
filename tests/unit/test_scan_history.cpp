// Quote history per leg (src/scan/history.cpp): seen_since and previous_price of each leg's
// first book, walked back through the region's stored scans and synced snapshots.
#include <doctest/doctest.h>

#include "oddsctl/scan.hpp"
#include "test_cache_util.hpp"
#include "test_util.hpp"

using namespace cache_test;
using namespace oddsctl::test;
using namespace std::chrono_literals;

namespace {

// A one-leg-per-side h2h opportunity on event `event` whose home leg is `price` at `book`.
Opportunity with_home(const std::string& event, double price, const std::string& book = "neds") {
  Opportunity o = opp("au", "soccer_epl", event, "h2h", 1.0);
  o.legs[0].price = o.legs[0].effective_price = price;
  o.legs[0].bookmakers = {book};
  return o;
}

void store_scan_at(store::Store& s, const std::string& id, TimePoint at, std::vector<Opportunity> opps) {
  s.save_scan(region_scan(id, "au", at, store::RegionStatus::ok, std::move(opps)));
}

const TimePoint k_now = t0() + 1h;

}  // namespace

TEST_CASE("the price unchanged since an older scan: seen_since is that scan, previous_price the one before") {
  TempStore store;
  store_scan_at(*store, "s1", k_now - 30min, {with_home("e1", 2.00)});
  store_scan_at(*store, "s2", k_now - 20min, {with_home("e1", 2.10)});
  store_scan_at(*store, "s3", k_now - 10min, {with_home("e1", 2.10)});
  std::vector<Opportunity> found = {with_home("e1", 2.10)};
  scan::annotate_history(*store, "au", found, k_now);
  const Leg& home = found[0].legs[0];
  REQUIRE(home.seen_since);
  CHECK(*home.seen_since == k_now - 20min);
  REQUIRE(home.previous_price);
  CHECK(*home.previous_price == doctest::Approx(2.00));
}

TEST_CASE("a price that differs from the newest stored one is new: seen_since is now") {
  TempStore store;
  store_scan_at(*store, "s1", k_now - 10min, {with_home("e1", 2.00)});
  std::vector<Opportunity> found = {with_home("e1", 2.20)};
  scan::annotate_history(*store, "au", found, k_now);
  CHECK(found[0].legs[0].seen_since == std::optional<TimePoint>(k_now));
  CHECK(found[0].legs[0].previous_price == std::optional<double>(2.00));
}

TEST_CASE("nothing stored for the quote leaves both unset; other books, events, regions and the future do not count") {
  TempStore store;
  store_scan_at(*store, "other-book", k_now - 10min, {with_home("e1", 2.10, "tab")});
  store_scan_at(*store, "other-event", k_now - 10min, {with_home("e2", 2.10)});
  store_scan_at(*store, "later", k_now + 10min, {with_home("e1", 2.10)});
  store->save_scan(region_scan("other-region", "uk", k_now - 10min, store::RegionStatus::ok, {with_home("e1", 2.10)}));
  std::vector<Opportunity> found = {with_home("e1", 2.10)};
  scan::annotate_history(*store, "au", found, k_now);
  CHECK_FALSE(found[0].legs[0].seen_since.has_value());
  CHECK_FALSE(found[0].legs[0].previous_price.has_value());
}

TEST_CASE("scans older than the lookback are not read") {
  TempStore store;
  store_scan_at(*store, "old", k_now - 3h, {with_home("e1", 2.10)});
  std::vector<Opportunity> found = {with_home("e1", 2.10)};
  scan::annotate_history(*store, "au", found, k_now, 1h);
  CHECK_FALSE(found[0].legs[0].seen_since.has_value());
  scan::annotate_history(*store, "au", found, k_now, 4h);
  CHECK(found[0].legs[0].seen_since == std::optional<TimePoint>(k_now - 3h));
}

TEST_CASE("synced snapshots count as observations too") {
  TempStore store;
  Event e;
  e.id = "e1";
  e.sport_key = "soccer_epl";
  e.home_team = "Home e1";
  e.away_team = "Away e1";
  e.commence_time = k_now + 24h;
  auto board = [&](double home) {
    Event x = e;
    x.bookmakers.push_back(
        bookmaker("neds", k_now, {market("h2h", k_now, {outcome("Home e1", home), outcome("Away e1", 2.0)})}));
    return x;
  };
  store->import_snapshots({store::Snapshot{"au", "e1", "soccer_epl", k_now - 40min, "a", board(1.95)},
                           store::Snapshot{"au", "e1", "soccer_epl", k_now - 25min, "b", board(2.10)}});
  std::vector<Opportunity> found = {with_home("e1", 2.10)};
  scan::annotate_history(*store, "au", found, k_now);
  CHECK(found[0].legs[0].seen_since == std::optional<TimePoint>(k_now - 25min));
  CHECK(found[0].legs[0].previous_price == std::optional<double>(1.95));
}
