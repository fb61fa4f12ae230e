// `cache get --json` with its rows streamed (CacheGetOptions::defer_rows): a scan that
// save_scan wrote in the served order (text_form 3) goes from the store to the output as it
// is read, and the document must be byte for byte the one read whole, whatever happens to
// the store between the read that judged the scan and the read that writes its rows.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include "oddsctl/cache.hpp"
#include "test_cache_util.hpp"
#include "test_store_file.hpp"

using namespace cache_test;
using nlohmann::json;
using store_file::exec;
using store_file::text_forms;

namespace {

// n opportunities best first, as a scan leaves them: profit descending, stakes at the cent.
std::vector<Opportunity> in_served_order(const std::string& region, int n) {
  std::vector<Opportunity> out;
  for (int i = 0; i < n; ++i) {
    Opportunity o = opp(region, i % 2 ? "soccer_epl" : "tennis_atp", "e" + std::to_string(1000 + i),
                        i % 3 ? "h2h" : "totals", 5.0 - i * 0.01);
    o.legs[0].stake = 48.5;
    o.legs[1].stake = 51.5;
    if (i % 4 == 0) {  // a value bet: one leg, its own outcome and book in the order
      o.kind = OpportunityKind::value;
      o.legs.resize(1);
      o.value = ValueBet{"neds",         o.legs[0].outcome, 2.2,          2.1, 0.5,          2.0,
                         5.0 - i * 0.01, "power",           {"pinnacle"}, 1.0, std::nullopt, std::nullopt};
    }
    out.push_back(std::move(o));
  }
  return out;
}

oddsctl::cache::CacheGetOptions options_for(std::vector<std::string> regions, bool defer, bool strict = false) {
  oddsctl::cache::CacheGetOptions options;
  options.regions = std::move(regions);
  options.now = t0() + std::chrono::minutes(1);
  options.as_text = true;
  options.defer_rows = defer;
  options.strict = strict;
  return options;
}

// What cache get --json prints when the rows are read whole (no defer, no texts).
std::string held(store::Store& store, const oddsctl::cache::CacheGetOptions& options) {
  auto whole = options;
  whole.as_text = false;
  whole.defer_rows = false;
  return cache_get_json(cache_get(store, whole)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string written(oddsctl::cache::CacheResult& result, store::Store& store,
                    const oddsctl::cache::CacheGetOptions& options, int* pieces = nullptr) {
  std::string out;
  cache_get_json_text(result, store, options, [&](std::string_view piece) {
    out.append(piece);
    if (pieces) ++*pieces;
  });
  return out;
}

}  // namespace

TEST_CASE("a scan saved best first is stored as text_form 3 and served straight from the store") {
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, in_served_order("au", 40)));
  store->save_scan(region_scan("run-1", "uk", t0(), store::RegionStatus::ok, in_served_order("uk", 3)));
  const auto forms = text_forms(store.path());
  CHECK(std::all_of(forms.begin(), forms.end(), [](int f) { return f == 3; }));

  const auto options = options_for({"au"}, true);
  auto result = cache_get(*store, options);
  REQUIRE(result.regions.size() == 1);
  CHECK(result.regions[0].rows_deferred);
  CHECK(result.regions[0].stored.empty());
  const std::string out = written(result, *store, options);
  CHECK(out == held(*store, options));
  CHECK_FALSE(result.regions[0].rows_deferred);
  CHECK(result.regions[0].streamed == 40);
  CHECK(result.regions[0].served() == 40);
  CHECK(result.regions[0].stored_opportunities == 40);
  CHECK(json::parse(out)["regions"][0]["opportunities"] == 40);
}

TEST_CASE("a deferred region is read as before where rows cannot be streamed") {
  TempStore store;
  store->save_scan(
      region_scan("run-1", "au", t0() - std::chrono::hours(1), store::RegionStatus::ok, in_served_order("au", 12)));
  store->save_scan(region_scan("run-1", "uk", t0(), store::RegionStatus::ok, in_served_order("uk", 5)));
  SUBCASE("stale and --strict: withheld, but the stored count is still said") {
    const auto options = options_for({"au"}, true, true);
    auto result = cache_get(*store, options);
    CHECK_FALSE(result.regions[0].rows_deferred);
    CHECK(result.regions[0].withheld);
    CHECK(result.regions[0].stored_opportunities == 12);
    CHECK(written(result, *store, options) == held(*store, options));
  }
  SUBCASE("stale without --strict: streamed") {
    const auto options = options_for({"au"}, true);
    auto result = cache_get(*store, options);
    CHECK(result.regions[0].rows_deferred);
    CHECK(written(result, *store, options) == held(*store, options));
    CHECK(result.regions[0].streamed == 12);
  }
  SUBCASE("two regions are merged, so their rows are read first") {
    const auto options = options_for({"uk", "au"}, true);
    auto result = cache_get(*store, options);
    CHECK_FALSE(result.regions[0].rows_deferred);
    CHECK(written(result, *store, options) == held(*store, options));
  }
  SUBCASE("a filter needs the columns") {
    auto options = options_for({"au"}, true);
    options.filter.kinds = {OpportunityKind::value};
    auto result = cache_get(*store, options);
    CHECK_FALSE(result.regions[0].rows_deferred);
    CHECK(written(result, *store, options) == held(*store, options));
  }
  SUBCASE("a region with no scan") {
    const auto options = options_for({"us"}, true);
    auto result = cache_get(*store, options);
    CHECK_FALSE(result.regions[0].scan);
    CHECK(written(result, *store, options) == held(*store, options));
  }
  SUBCASE("a scan with no opportunities") {
    store->save_scan(region_scan("run-2", "eu", t0(), store::RegionStatus::ok));
    const auto options = options_for({"eu"}, true);
    auto result = cache_get(*store, options);
    CHECK(result.regions[0].rows_deferred);
    CHECK(written(result, *store, options) == held(*store, options));
    CHECK(json::parse(held(*store, options))["opportunities"] == json::array());
  }
}

TEST_CASE("a scan whose texts are not in the served order as they read back is not text_form 3") {
  TempStore store;
  std::vector<Opportunity> opps = in_served_order("au", 3);
  SUBCASE("out of order") { std::swap(opps[0], opps[2]); }
  SUBCASE("in order in memory, tied the other way round once to_json rounds the profit") {
    // e1000 at 2.0000001 is written as 2, and at 2 e0999 comes first.
    opps = {opp("au", "soccer_epl", "e1000", "h2h", 2.0000001), opp("au", "soccer_epl", "e0999", "h2h", 2.0),
            opp("au", "soccer_epl", "e1002", "h2h", 1.0)};
    for (auto& o : opps)
      for (auto& l : o.legs) l.stake = 50.0;
    REQUIRE(std::is_sorted(opps.begin(), opps.end(), opportunity_before));
  }
  SUBCASE("one stake not at the cent") { opps[1].legs[0].stake = 100.0 / 3.0; }
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, opps));
  const auto forms = text_forms(store.path());
  CHECK(std::none_of(forms.begin(), forms.end(), [](int f) { return f == 3; }));
  const auto options = options_for({"au"}, true);
  auto result = cache_get(*store, options);
  CHECK_FALSE(result.regions[0].rows_deferred);
  CHECK(written(result, *store, options) == held(*store, options));
}

TEST_CASE("rows changed, added or moved after the scan was written are read as before") {
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, in_served_order("au", 8)));
  SUBCASE("a text edited") { exec(store.path(), "UPDATE opportunities SET json = json || ' ' WHERE idx = 3"); }
  SUBCASE("a row renumbered to the end") { exec(store.path(), "UPDATE opportunities SET idx = 100 WHERE idx = 0"); }
  SUBCASE("a row added by hand") {
    exec(store.path(),
         "INSERT INTO opportunities (scan_id, region, idx, profit_pct, sport_key, event_id, market, point, json) "
         "SELECT scan_id, region, 50, 9.0, sport_key, 'e0001', market, point, "
         "replace(replace(json, '\"profit_pct\":5', '\"profit_pct\":9'), 'e1000', 'e0001') "
         "FROM opportunities WHERE idx = 0");
  }
  const auto forms = text_forms(store.path());
  CHECK(std::count(forms.begin(), forms.end(), 3) < static_cast<long>(forms.size()));
  const auto options = options_for({"au"}, true);
  auto result = cache_get(*store, options);
  CHECK_FALSE(result.regions[0].rows_deferred);
  CHECK(written(result, *store, options) == held(*store, options));
}

TEST_CASE("a store changed between the read that judged the scan and the one that writes its rows") {
  // Whatever changed, the document is the one a read of the store as it is now gives.
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, in_served_order("au", 8)));
  const auto options = options_for({"au"}, true);
  auto result = cache_get(*store, options);
  REQUIRE(result.regions[0].rows_deferred);
  bool streamable = false;
  SUBCASE("nothing: streamed") { streamable = true; }
  SUBCASE("a row edited") { exec(store.path(), "UPDATE opportunities SET score = 1 WHERE idx = 2"); }
  SUBCASE("the scan rewritten under the same id") {
    auto again = region_scan("run-1", "au", t0(), store::RegionStatus::partial, in_served_order("au", 5));
    again.failed_sports = {"tennis_atp"};
    store->save_scan(again);
  }
  SUBCASE("a newer scan became the latest good") {
    store->save_scan(
        region_scan("run-2", "au", t0() + std::chrono::seconds(30), store::RegionStatus::ok, in_served_order("au", 2)));
  }
  SUBCASE("the region invalidated") { store->invalidate(std::string("au")); }
  const std::string out = written(result, *store, options);
  CHECK(out == held(*store, options));
  CHECK(result.regions[0].streamed == (streamable ? 8u : 0u));
  CHECK_FALSE(result.regions[0].rows_deferred);
}

TEST_CASE("streamed rows are handed over in pieces, and the pieces are the document") {
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, in_served_order("au", 1500)));
  const auto options = options_for({"au"}, true);
  auto result = cache_get(*store, options);
  int pieces = 0;
  CHECK(written(result, *store, options, &pieces) == held(*store, options));
  CHECK(result.regions[0].streamed == 1500);
  CHECK(pieces > 1);  // about 600 bytes a row: several 256 KiB pieces, never the whole at once
}

TEST_CASE("the writer that takes no store refuses a result whose rows were left in it") {
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, in_served_order("au", 2)));
  const auto options = options_for({"au"}, true);
  const auto result = cache_get(*store, options);
  REQUIRE(result.regions[0].rows_deferred);
  CHECK_THROWS_AS(cache_get_json_text(result), std::logic_error);
  CHECK_THROWS_AS(result.opportunities(), std::logic_error);
}

TEST_CASE("one probe of a partial index says whether a scan's rows can be streamed") {
  TempStore store;
  store->save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, in_served_order("au", 3)));
  SQLite::Database db(store.path(), SQLite::OPEN_READONLY);
  // The probe in sqlite_scans.cpp's k_latest_good_sql.
  SQLite::Statement plan(db,
                         "EXPLAIN QUERY PLAN SELECT NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.scan_id = "
                         "g.scan_id AND o.region = g.region AND o.text_form <> 3) FROM latest_good g JOIN scans s "
                         "ON s.scan_id = g.scan_id AND s.region = g.region WHERE g.region = ? AND g.source = ?");
  std::string details;
  while (plan.executeStep()) details += plan.getColumn(3).getString() + "; ";
  CAPTURE(details);
  CHECK(details.find("opportunities_not_as_stored") != std::string::npos);
  CHECK(db.execAndGet("SELECT count(*) FROM opportunities WHERE text_form <> 3").getInt() == 0);
}
