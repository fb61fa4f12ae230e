// Cleanup of scans in the SQLite store: deleting the oldest victims chunk by chunk (the real
// run), and choosing victims per region through the (region, started_at) index and counting
// them (the dry run). Used by
// sqlite_cleanup.cpp (which says how the transactions run); internal to src/store/.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "oddsctl/store.hpp"

namespace oddsctl::store::sqlite_cleanup {

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

// Where a walk over the scans of every region, oldest first, has got to: what comes next
// is strictly after (started_at, scan_id, region).
struct ScanWalk {
  std::int64_t started_at = INT64_MIN;
  std::string scan_id;
  std::string region;
};

// The region's keep-th newest scan, for every region with more than `keep` (keep > 0):
// its victims are strictly older. Read under the write lock, it holds for the transaction.
std::map<std::string, ScanCursor> keep_boundaries(SQLite::Database& db, int keep);

// Deletes up to `limit` victims, oldest first over every region, after `walk`, in one
// statement: the rule is applied as they are deleted (with `boundaries` of this transaction
// when keep > 0), their opportunities follow (ON DELETE CASCADE). Counts them in `report`,
// moves `walk` past them and returns how many went: fewer than `limit` when no victim is
// left after it. Call it in a write transaction. Deleting oldest first over every region
// frees the table's pages in the order they were written, as one big DELETE does.
std::int64_t delete_oldest_scans(SQLite::Database& db, const ScanRule& rule,
                                 const std::map<std::string, ScanCursor>& boundaries, ScanWalk& walk,
                                 std::int64_t limit, CleanupReport& report);

// The two statements of delete_oldest_scans, prepared once for a whole cleanup: planning them
// costs about as much as a small chunk's deletes. They depend on how many boundaries there
// are, and are prepared again when that changes. Use with one connection.
class ScanDeleter {
public:
  std::int64_t delete_oldest(SQLite::Database& db, const ScanRule& rule,
                             const std::map<std::string, ScanCursor>& boundaries, ScanWalk& walk, std::int64_t limit,
                             CleanupReport& report);

private:
  std::optional<std::size_t> m_bounds;  // boundaries.size() the statements were prepared for
  std::optional<SQLite::Statement> m_opportunities, m_scans;
};

// Counts the victims and their opportunities in `report`, as delete_oldest_scans would on
// unchanged data: what a dry run reports. Read-only.
void count_scans(SQLite::Database& db, const std::vector<ScanVictim>& victims, CleanupReport& report);

}  // namespace oddsctl::store::sqlite_cleanup
