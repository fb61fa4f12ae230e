// Realistic values for the conformance cases; the field-by-field comparisons (check_same)
// are in unit/test_util.hpp, shared with the unit tests.
#pragma once

#include <string>

#include "oddsctl/store.hpp"
#include "unit/test_util.hpp"  // check_same, shared with the unit tests

namespace oddsctl::test {

// The base time of a run: whole seconds, fixed for the process, in the future (see fixtures.cpp).
TimePoint t0();
TimePoint at_s(std::int64_t seconds_after_t0);

Event make_event(const std::string& id, const std::string& sport_key = "soccer_epl", double home_price = 2.1);
Opportunity make_opportunity(const std::string& region, const std::string& event_id, const std::string& market,
                             std::optional<double> point, double profit_pct);
// A region scan with `opportunities` opportunities (mixed markets, points, stakes, ties).
store::RegionScan make_scan(const std::string& scan_id, const std::string& region, TimePoint started_at,
                            store::RegionStatus status = store::RegionStatus::ok, int opportunities = 3);
store::TrackedEvent make_tracked(const std::string& region, const std::string& event_id, TimePoint commence);
store::Snapshot make_snapshot(const std::string& region, const std::string& event_id, TimePoint taken_at,
                              const std::string& fingerprint);
LedgerEntry make_ledger(const std::string& key_id, TimePoint at, std::optional<std::int64_t> remaining,
                        const std::string& region = "au");

// Sum over regions of one kind in a cleanup report (0 when absent).
std::int64_t removed(const store::CleanupReport& r, const std::string& kind);
std::int64_t removed(const store::CleanupReport& r, const std::string& kind, const std::string& region);

}  // namespace oddsctl::test
