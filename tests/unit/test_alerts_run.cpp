// run_alerts on a real SQLite store with an in-memory sink: marks only what was delivered.
#include <doctest/doctest.h>

#include <set>

#include "oddsctl/alerts.hpp"
#include "test_cache_util.hpp"

using namespace oddsctl;
using cache_test::opp;
using cache_test::region_scan;
using cache_test::t0;
using cache_test::TempStore;

namespace {

struct Recorder {
  std::vector<std::string> keys;
  std::set<std::string> fail;  // keys whose delivery fails
  alerts::AlertSink sink() {
    return [this](const nlohmann::json& payload) -> alerts::Delivery {
      std::string key = payload.at("alert_key");
      keys.push_back(key);
      if (fail.count(key)) return {false, "receiver said 500"};
      return {true, ""};
    };
  }
};

alerts::AlertOptions options_at(TimePoint now) {
  alerts::AlertOptions o;
  o.now = now;
  o.owner = "test:1";
  return o;
}

}  // namespace

TEST_CASE("run_alerts: each key once, best first; failures left unmarked and retried") {
  TempStore store;
  store->save_scan(
      region_scan("s1", "au", t0(), store::RegionStatus::ok,
                  {opp("au", "soccer_epl", "e1", "h2h", 1.0), opp("au", "soccer_epl", "e2", "spreads", 3.0)}));
  store->save_scan(region_scan("s2", "uk", t0(), store::RegionStatus::ok, {opp("uk", "tennis", "u1", "h2h", 2.0)}));

  Recorder rec;
  rec.fail = {"uk:u1:h2h:null"};
  alerts::AlertReport r = run_alerts(*store, options_at(t0() + std::chrono::minutes(1)), rec.sink());
  CHECK(rec.keys == std::vector<std::string>{"au:e2:spreads:-0.5", "uk:u1:h2h:null", "au:e1:h2h:null"});
  CHECK(r.delivered() == 2);
  CHECK(r.failed() == 1);
  CHECK(r.exit_code() == ExitCode::partial);
  CHECK(store->get_alert("au:e1:h2h:null").has_value());
  CHECK_FALSE(store->get_alert("uk:u1:h2h:null").has_value());
  CHECK(r.alerts[0].payload.at("reason") == "new");
  CHECK(r.alerts[0].payload.at("legs").size() == 2);

  rec.keys.clear();
  rec.fail.clear();
  r = run_alerts(*store, options_at(t0() + std::chrono::minutes(2)), rec.sink());
  CHECK(rec.keys == std::vector<std::string>{"uk:u1:h2h:null"});
  CHECK(r.suppressed == 2);
  CHECK(r.exit_code() == ExitCode::ok);
  CHECK(store->list_leases().empty());  // released after the run
}

TEST_CASE("run_alerts: all failed is exit 1; dry run marks nothing; stale regions are skipped") {
  TempStore store;
  store->save_scan(region_scan("s1", "au", t0(), store::RegionStatus::ok, {opp("au", "soccer_epl", "e1", "h2h", 1.0)}));
  Recorder rec;
  rec.fail = {"au:e1:h2h:null"};
  CHECK(run_alerts(*store, options_at(t0()), rec.sink()).exit_code() == ExitCode::runtime);

  alerts::AlertOptions dry = options_at(t0());
  dry.dry_run = true;
  alerts::AlertReport r = run_alerts(*store, dry, rec.sink());
  CHECK(r.alerts.size() == 1);
  CHECK_FALSE(r.alerts[0].attempted);
  CHECK(r.exit_code() == ExitCode::ok);
  CHECK(rec.keys.size() == 1);  // only the first, real run called the sink
  CHECK(store->list_alerts().empty());

  alerts::AlertOptions late = options_at(t0() + std::chrono::hours(1));
  r = run_alerts(*store, late, rec.sink());  // default max_age 15m
  REQUIRE(r.regions.size() == 1);
  CHECK(r.regions[0].status == "stale");
  CHECK(r.alerts.empty());
}

TEST_CASE("run_alerts: a lease held elsewhere sends nothing") {
  TempStore store;
  store->save_scan(region_scan("s1", "au", t0(), store::RegionStatus::ok, {opp("au", "soccer_epl", "e1", "h2h", 1.0)}));
  REQUIRE(store->acquire_lease("alerts", "other:2", std::chrono::minutes(5), t0()).acquired);
  Recorder rec;
  alerts::AlertReport r = run_alerts(*store, options_at(t0()), rec.sink());
  CHECK(r.skipped_busy);
  CHECK(rec.keys.empty());
}
