// cache stats, list rows, show and export, against a real SQLite store.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "oddsctl/cache.hpp"
#include "test_cache_util.hpp"

using namespace oddsctl;
using namespace cache_test;
using std::chrono::minutes;

TEST_CASE("percentile: nearest rank") {
  CHECK_FALSE(cache::percentile({}, 50).has_value());
  CHECK(cache::percentile({7}, 95) == 7);
  CHECK(cache::percentile({5, 1, 4, 2, 3}, 50) == 3);
  std::vector<std::int64_t> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  CHECK(cache::percentile(hundred, 50) == 50);
  CHECK(cache::percentile(hundred, 95) == 95);
  CHECK(cache::percentile(hundred, 100) == 100);
}

TEST_CASE("stats per region: last success and failure, latency, success rate, credits") {
  TempStore store;
  for (int i = 0; i < 10; ++i) {
    auto s = region_scan("s" + std::to_string(i), "au", t0() + minutes(i),
                         i == 7 ? store::RegionStatus::failed : store::RegionStatus::ok);
    s.duration_ms = 100 * (i + 1);
    if (i == 3) s.credits_used.reset();  // unknown credits are not averaged as zero
    store->save_scan(s);
  }
  store->save_scan(region_scan("s9", "uk", t0(), store::RegionStatus::partial));
  store::Heartbeat hb;
  hb.worker_id = "w1";
  hb.host = "h";
  hb.pid = 12;
  hb.command = "scan --every 1m";
  hb.started_at = t0();
  hb.last_cycle_at = t0() + minutes(9);
  hb.cycles = 9;
  store->heartbeat(hb);

  auto st = cache::cache_stats(*store, t0() + minutes(10), std::nullopt);
  REQUIRE(st.regions.size() == 2);
  const auto& au = st.regions[0];
  CHECK(au.region == "au");
  CHECK(au.scans == 10);
  CHECK(au.ok == 9);
  CHECK(au.failed == 1);
  CHECK(au.last_success->scan_id == "s9");
  CHECK(au.last_failure->scan_id == "s7");
  CHECK(au.last_failure->error == std::string("upstream said no"));
  CHECK(au.age == minutes(1));
  CHECK(au.latency_last_ms == 1000);
  CHECK(au.latency_p50_ms == 500);  // of the 9 good scans: 100..700, 900, 1000
  CHECK(au.latency_p95_ms == 1000);
  CHECK(au.success_rate == doctest::Approx(0.9));
  CHECK(au.credits_per_scan == doctest::Approx(6.0));
  CHECK(au.cached);
  CHECK(st.regions[1].partial == 1);

  auto j = cache_stats_json(st);
  CHECK(j["regions"][0]["latency_ms"]["p95"] == 1000);
  CHECK(j["regions"][0]["last_failure"]["error"] == "upstream said no");
  CHECK(j["workers"][0]["worker_id"] == "w1");
  CHECK(j["workers"][0]["last_cycle_age_s"] == 60);

  store->invalidate(std::string("au"));
  auto only_au = cache::cache_stats(*store, t0() + minutes(10), std::string("au"));
  REQUIRE(only_au.regions.size() == 1);
  CHECK_FALSE(only_au.regions[0].cached);
}

TEST_CASE("list rows, show and export") {
  TempStore store;
  store->save_scan(region_scan("a", "au", t0(), store::RegionStatus::ok, {opp("au", "soccer_epl", "e1", "h2h", 1.0)}));
  store->save_scan(region_scan("a", "uk", t0() + Millis(10), store::RegionStatus::ok,
                               {opp("uk", "soccer_epl", "e2", "h2h", 2.0), opp("uk", "soccer_epl", "e3", "h2h", 0.5)}));
  store->save_scan(region_scan("b", "au", t0() + minutes(5), store::RegionStatus::failed));

  store::ScanQuery q;
  q.limit = 0;
  auto listed = store->list_scans(q);
  auto row = cache::scan_row_json(listed.back());
  CHECK(row["scanned_at"] == "2024-03-27T12:00:00Z");
  CHECK(row["scanned_by"] == "test:1");
  CHECK(row["opportunities"] == 1);  // the stored count, opportunities not loaded

  auto doc = cache::cache_show_json(*store, "a");
  CHECK(doc["scan_id"] == "a");
  CHECK(doc["regions"].size() == 2);
  CHECK(doc["opportunities"].size() == 3);
  CHECK(doc["opportunities"][0]["profit_pct"] == 2.0);
  CHECK(doc["started_at"] == "2024-03-27T12:00:00Z");
  CHECK_THROWS_AS(cache::cache_show_json(*store, "nope"), Error);

  auto rows = cache::cache_export_rows(*store, std::nullopt, std::nullopt);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["regions"][0]["scanned_at"] == "2024-03-27T12:00:00Z");  // oldest first
  CHECK(rows[2]["scan_id"] == "b");
  CHECK(rows[1]["opportunities"].size() == 2);
  CHECK(cache::cache_export_rows(*store, t0() + minutes(1), std::nullopt).size() == 1);
  CHECK(cache::cache_export_rows(*store, std::nullopt, std::string("uk")).size() == 1);
}
