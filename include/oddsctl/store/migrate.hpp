// `oddsctl store migrate`: copy everything one store holds into another (SQLite <-> MongoDB,
// or between two stores of one kind), through the Store interface only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/store.hpp"

namespace oddsctl::store {

struct MigrateOptions {
  bool dry_run = false;   // count what would be copied, write nothing
  bool force = false;     // copy into a target that already holds data (merge)
  int batch_size = 1000;  // snapshots, ledger entries and tracked events per write
};

struct MigrateReport {
  std::string from;  // URIs without credentials
  std::string to;
  bool dry_run = false;
  // Per kind: "scans", "opportunities", "ledger", "tracked_events", "snapshots", "meta",
  // "alerts", "heartbeats". Leases are never copied (they belong to running processes).
  std::map<std::string, std::int64_t> copied;
  std::vector<std::string> invalidated_regions;  // no latest good in the source
  std::vector<std::string> warnings;
};

// Copies, in this order: scans oldest first (so each region's latest-good pointer ends on
// the source's), then re-applies invalidations (a region with no latest good in the source
// gets none in the target); ledger; tracked events with their full state; snapshots as they
// are; meta; alerts; heartbeats.
//
// A target that holds any scan, ledger entry, tracked event or snapshot is refused with a
// UsageError (exit 2, nothing done) unless options.force: then the copy merges, each record
// going in by its natural key (scans by scan id and region, tracked events by region and
// event: known ones keep the target's pin and sync state, snapshots as extra history), and
// only ledger entries newer than the target's newest are appended, so that a repeated
// migrate never counts credits twice.
MigrateReport migrate_store(Store& from, Store& to, const MigrateOptions& options);

// {"from", "to", "dry_run", "copied": {...}, "invalidated_regions": [...], "warnings": [...]}
nlohmann::json to_json(const MigrateReport& report);

}  // namespace oddsctl::store
