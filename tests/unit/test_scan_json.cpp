// The contract's scan document (src/scan/scan_json.cpp): the fields of a region, stakes to
// the cent, opportunities best first across regions, nulls for what is unknown.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "oddsctl/scan.hpp"
#include "test_cache_util.hpp"

using namespace cache_test;
using nlohmann::json;

TEST_CASE("a region's document: every field, unknowns as null") {
  store::RegionScan r = region_scan("run-1", "au", t0(), store::RegionStatus::partial);
  r.error = "1 sport failed";
  r.failed_sports = {"tennis_atp"};
  r.credits_remaining = std::nullopt;
  r.opportunity_count = 4;
  json j = scan::region_json(r);
  CHECK(j["region"] == "au");
  CHECK(j["status"] == "partial");
  CHECK(j["source"] == "live");
  CHECK(j["empty"].is_null());
  CHECK(j["good"] == true);
  CHECK(j["error"] == "1 sport failed");
  CHECK(j["failed_sports"] == json::array({"tennis_atp"}));
  CHECK(j["requests"] == 3);
  CHECK(j["credits_used"] == 6);
  CHECK(j["credits_remaining"].is_null());
  CHECK(j["events"] == 10);
  CHECK(j["opportunities"] == 4);
  CHECK(j["duration_ms"] == 500);
  CHECK(j["scan_id"] == "run-1");
  CHECK(j["worker"] == "test:1");
  CHECK(j.size() == 15);  // fields are added, never removed

  r.empty = store::EmptyReason::filtered;
  r.error.reset();
  j = scan::region_json(r);
  CHECK(j["empty"] == "filtered");
  CHECK(j["good"] == false);
  CHECK(j["error"].is_null());
}

TEST_CASE("stakes are shown to the cent; nothing else is rounded") {
  Opportunity o = opp("au", "soccer_epl", "e1", "h2h", 1.234567);
  o.legs[0].stake = 51.23456;
  o.legs[1].stake = 48.765;
  json j = scan::opportunity_json(o);
  CHECK(j["legs"][0]["stake"].get<double>() == doctest::Approx(51.23).epsilon(1e-12));
  CHECK(j["legs"][1]["stake"].get<double>() == doctest::Approx(48.77).epsilon(1e-12));
  CHECK(j["profit_pct"] == to_json(o)["profit_pct"]);
  o.legs[0].stake.reset();
  j = scan::opportunity_json(o);
  CHECK(j["legs"][0]["stake"] == to_json(o)["legs"][0]["stake"]);
}

TEST_CASE("the scan document: its regions in order, every opportunity best first") {
  scan::ScanReport report;
  report.scan_id = "run-9";
  report.started_at = t0();
  report.duration_ms = 1234;
  report.regions.push_back(
      region_scan("run-9", "au", t0(), store::RegionStatus::ok,
                  {opp("au", "soccer_epl", "a1", "h2h", 1.0), opp("au", "soccer_epl", "a2", "h2h", 3.0)}));
  report.regions.push_back(
      region_scan("run-9", "uk", t0(), store::RegionStatus::ok, {opp("uk", "soccer_epl", "u1", "h2h", 2.0)}));
  json j = scan_report_json(report);
  CHECK(j["scan_id"] == "run-9");
  CHECK(j["started_at"] == "2024-03-27T12:00:00Z");
  CHECK(j["duration_ms"] == 1234);
  REQUIRE(j["regions"].size() == 2);
  CHECK(j["regions"][0]["region"] == "au");
  CHECK(j["regions"][1]["region"] == "uk");
  REQUIRE(j["opportunities"].size() == 3);
  CHECK(j["opportunities"][0]["event_id"] == "a2");
  CHECK(j["opportunities"][1]["event_id"] == "u1");
  CHECK(j["opportunities"][2]["event_id"] == "a1");
  CHECK(j["opportunities"][0] == scan::opportunity_json(report.regions[0].opportunities[1]));

  scan::ScanReport empty;
  j = scan_report_json(empty);
  CHECK(j["regions"].is_array());
  CHECK(j["regions"].empty());
  CHECK(j["opportunities"].is_array());
}
