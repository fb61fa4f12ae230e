// Cleanup of scans in the SQLite store: choosing victims per region through the
// (region, started_at) index, and deleting them with the rules re-checked. Used by
// sqlite_cleanup.cpp (which says how the batches run); internal to src/store/.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "oddsctl/store.hpp"

namespace oddsctl::sqlite_cleanup {

// Scans beyond the newest `keep` of their region and started before `cutoff` go; never a
// region's latest good scan.
struct ScanRule {
  int keep = 0;
  std::int64_t cutoff = 0;  // epoch ms; INT64_MAX: no age limit
};

struct ScanVictim {
  std::string scan_id;
  std::string region;
  std::int64_t started_at = 0;
};

// Where a region's walk has got to: victims come strictly after (started_at, scan_id).
struct ScanCursor {
  std::int64_t started_at = INT64_MIN;
  std::string scan_id;
};

// Up to `limit` victims (-1: all), oldest first over every region, each after its region's
// cursor; moves the cursors past the victims returned. Read-only: call it in a read
// transaction.
std::vector<ScanVictim> choose_scans(SQLite::Database& db, const ScanRule& rule,
                                     std::map<std::string, ScanCursor>& cursors, std::int64_t limit);

// Deletes the victims (their opportunities follow, ON DELETE CASCADE) and counts them in
// `report`, re-checking the rule row by row: one that became its region's latest good scan,
// moved into the newest `keep`, or was written again with another start time stays. Call
// it in a write transaction. Dry run: counts only, no re-check.
void remove_scans(SQLite::Database& db, const ScanRule& rule, const std::vector<ScanVictim>& victims, bool dry_run,
                  CleanupReport& report);

}  // namespace oddsctl::sqlite_cleanup
