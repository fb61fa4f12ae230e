// Shared by the test_cache_*.cpp unit tests: a SQLite store in a temporary folder, and
// region scans built in a line.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "oddsctl/store.hpp"

namespace cache_test {

using namespace oddsctl;

// A fresh store file under $TMPDIR; the folder is removed unless the test failed (then its
// path is printed so the data can be looked at).
class TempStore {
public:
  TempStore() {
    static int n = 0;
    m_dir = std::filesystem::temp_directory_path() /
            ("oddsctl-cache-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(m_dir);
    m_store = store::open_store((m_dir / "store.db").string());
  }
  ~TempStore() {
    m_store.reset();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  store::Store& operator*() { return *m_store; }
  store::Store* operator->() { return m_store.get(); }
  std::string path() const { return (m_dir / "store.db").string(); }

private:
  std::filesystem::path m_dir;
  std::unique_ptr<store::Store> m_store;
};

inline TimePoint t0() { return parse_rfc3339("2024-03-27T12:00:00Z"); }

inline Opportunity opp(const std::string& region, const std::string& sport, const std::string& event,
                       const std::string& market, double profit) {
  Opportunity o;
  o.region = region;
  o.sport_key = sport;
  o.sport_title = sport;
  o.event_id = event;
  o.home_team = "Home " + event;
  o.away_team = "Away " + event;
  o.commence_time = t0() + std::chrono::hours(24);
  o.market = market;
  if (market != "h2h") o.point = -0.5;
  o.implied_sum = 1.0 / (1.0 + profit / 100.0);
  o.profit_pct = profit;
  Leg a;
  a.outcome = "Home " + event;
  a.point = o.point;
  a.price = a.effective_price = 2.1;
  a.bookmakers = {"neds"};
  Leg b;
  b.outcome = "Away " + event;
  b.point = o.point ? std::optional<double>(0.5) : std::nullopt;
  b.price = b.effective_price = 2.1;
  b.bookmakers = {"tab"};
  o.legs = {a, b};
  return o;
}

inline store::RegionScan region_scan(const std::string& id, const std::string& region, TimePoint at,
                                     store::RegionStatus status = store::RegionStatus::ok,
                                     std::vector<Opportunity> opps = {}) {
  store::RegionScan s;
  s.scan_id = id;
  s.region = region;
  s.worker = "test:1";
  s.started_at = at;
  s.duration_ms = 500;
  s.status = status;
  if (status == store::RegionStatus::failed) s.error = "upstream said no";
  s.requests = 3;
  s.credits_used = 6;
  s.credits_remaining = 494;
  s.events = 10;
  s.opportunities = std::move(opps);
  s.opportunity_count = static_cast<int>(s.opportunities.size());
  return s;
}

}  // namespace cache_test
