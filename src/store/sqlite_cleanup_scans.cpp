// Cleanup of scans in the SQLite store: see sqlite_cleanup_scans.hpp.
//
// The previous query ranked every scan of the table with a window function for every
// batch, inside the write transaction; here each region is walked from its oldest scan
// through scans_region_started, so a batch reads about batch_size rows per region.
#include "store/sqlite_cleanup_scans.hpp"

#include <algorithm>
#include <optional>
#include <tuple>

#include <SQLiteCpp/Statement.h>

namespace oddsctl::store::sqlite_cleanup {

namespace {

constexpr const char* k_not_latest_good =
    "NOT EXISTS (SELECT 1 FROM latest_good g WHERE g.region = s.region AND g.scan_id = s.scan_id)";

// Every region that has scans: a skip-scan over the index, one probe per region.
std::vector<std::string> regions(SQLite::Database& db) {
  SQLite::Statement st(db,
                       "WITH RECURSIVE r(region) AS (SELECT min(region) FROM scans UNION ALL "
                       "SELECT (SELECT min(region) FROM scans WHERE region > r.region) FROM r WHERE r.region IS NOT "
                       "NULL) SELECT region FROM r WHERE region IS NOT NULL");
  std::vector<std::string> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getString());
  return out;
}

// The region's keep-th newest scan: victims are strictly older (in started_at, scan_id
// order). nullopt when the region has no more than `keep` scans.
std::optional<ScanCursor> keep_boundary(SQLite::Database& db, const std::string& region, int keep) {
  SQLite::Statement st(db,
                       "SELECT started_at, scan_id FROM scans WHERE region = ? ORDER BY started_at DESC, "
                       "scan_id DESC LIMIT 1 OFFSET ?");
  st.bind(1, region);
  st.bind(2, keep - 1);
  if (!st.executeStep()) return std::nullopt;
  return ScanCursor{st.getColumn(0).getInt64(), st.getColumn(1).getString()};
}

}  // namespace

std::vector<ScanVictim> choose_scans(SQLite::Database& db, const ScanRule& rule,
                                     std::map<std::string, ScanCursor>& cursors, std::int64_t limit) {
  std::vector<ScanVictim> all;
  for (const auto& region : regions(db)) {
    std::optional<ScanCursor> boundary;
    if (rule.keep > 0) {
      boundary = keep_boundary(db, region, rule.keep);
      if (!boundary) continue;
    }
    // started_at >= :after_at repeats the row-value test so the index range starts there.
    std::string sql = std::string(
                          "SELECT scan_id, started_at FROM scans s WHERE region = :region AND started_at < :cutoff "
                          "AND started_at >= :after_at AND (started_at, scan_id) > (:after_at, :after_id) AND ") +
                      k_not_latest_good;
    if (boundary) sql += " AND (started_at, scan_id) < (:b_at, :b_id)";
    sql += " ORDER BY started_at, scan_id LIMIT :limit";
    SQLite::Statement st(db, sql);
    const ScanCursor& after = cursors[region];
    st.bind(":region", region);
    st.bind(":cutoff", static_cast<int64_t>(rule.cutoff));
    st.bind(":after_at", static_cast<int64_t>(after.started_at));
    st.bind(":after_id", after.scan_id);
    if (boundary) {
      st.bind(":b_at", static_cast<int64_t>(boundary->started_at));
      st.bind(":b_id", boundary->scan_id);
    }
    st.bind(":limit", static_cast<int64_t>(limit));
    while (st.executeStep()) all.push_back({st.getColumn(0).getString(), region, st.getColumn(1).getInt64()});
  }
  auto order = [](const ScanVictim& v) { return std::tie(v.started_at, v.scan_id, v.region); };
  std::sort(all.begin(), all.end(), [&](const ScanVictim& a, const ScanVictim& b) { return order(a) < order(b); });
  if (limit >= 0 && static_cast<std::int64_t>(all.size()) > limit) all.resize(static_cast<std::size_t>(limit));
  for (const auto& v : all) cursors[v.region] = ScanCursor{v.started_at, v.scan_id};
  return all;
}

std::map<std::string, ScanCursor> keep_boundaries(SQLite::Database& db, int keep) {
  std::map<std::string, ScanCursor> out;
  for (const auto& region : regions(db))
    if (auto b = keep_boundary(db, region, keep)) out.emplace(region, *b);
  return out;
}

std::int64_t delete_oldest_scans(SQLite::Database& db, const ScanRule& rule,
                                 const std::map<std::string, ScanCursor>& boundaries, ScanWalk& walk,
                                 std::int64_t limit, CleanupReport& report) {
  ScanDeleter deleter;
  return deleter.delete_oldest(db, rule, boundaries, walk, limit, report);
}

std::int64_t ScanDeleter::delete_oldest(SQLite::Database& db, const ScanRule& rule,
                                        const std::map<std::string, ScanCursor>& boundaries, ScanWalk& walk,
                                        std::int64_t limit, CleanupReport& report) {
  const bool bounded = rule.keep > 0;
  if (bounded && boundaries.empty()) return 0;  // no region has more than `keep` scans
  const std::size_t bounds = bounded ? boundaries.size() : 0;
  if (m_bounds != bounds) {
    std::string with;
    if (bounded) {
      with = "WITH bound(region, at, id) AS (VALUES ";
      for (std::size_t i = 0; i < bounds; ++i) with += i ? ", (?, ?, ?)" : "(?, ?, ?)";
      with += ") ";
    }
    // The victims, through scans_started, oldest first. "started_at >= ?" repeats the
    // row-value test so that the index range starts there. A region without a boundary (no
    // more than `keep` scans) compares with NULL: never a victim.
    std::string victims = std::string(
                              "SELECT s.rowid AS rid, s.scan_id, s.region FROM scans s WHERE s.started_at < ? "
                              "AND s.started_at >= ? AND (s.started_at, s.scan_id, s.region) > (?, ?, ?) AND ") +
                          k_not_latest_good;
    if (bounded) victims += " AND (s.started_at, s.scan_id) < (SELECT at, id FROM bound WHERE bound.region = s.region)";
    victims += " ORDER BY s.started_at, s.scan_id, s.region LIMIT ?";
    // The same victims twice in one write transaction, so the same rows (the order is total,
    // and only this transaction writes): their opportunities first, to count them per region
    // (a cascade's rows are not returned), then the scans. Readers see both or neither.
    m_opportunities.emplace(db, with +
                                    "DELETE FROM opportunities WHERE (scan_id, region) IN (SELECT scan_id, region "
                                    "FROM (" +
                                    victims + ")) RETURNING region");
    m_scans.emplace(db, with + "DELETE FROM scans WHERE rowid IN (SELECT rid FROM (" + victims +
                            ")) RETURNING region, started_at, scan_id");
    m_bounds = bounds;
  }
  auto bind = [&](SQLite::Statement& st) {
    st.reset();
    int i = 0;
    if (bounded)
      for (const auto& [region, b] : boundaries) {
        st.bind(++i, region);
        st.bind(++i, static_cast<int64_t>(b.started_at));
        st.bind(++i, b.scan_id);
      }
    st.bind(++i, static_cast<int64_t>(rule.cutoff));
    st.bind(++i, static_cast<int64_t>(walk.started_at));
    st.bind(++i, static_cast<int64_t>(walk.started_at));
    st.bind(++i, walk.scan_id);
    st.bind(++i, walk.region);
    st.bind(++i, static_cast<int64_t>(limit));
  };
  SQLite::Statement& opps = *m_opportunities;
  bind(opps);
  std::map<std::string, std::int64_t> opp_counts;
  while (opps.executeStep()) opp_counts[opps.getColumn(0).getString()] += 1;
  opps.reset();
  SQLite::Statement& scans = *m_scans;
  bind(scans);
  std::int64_t deleted = 0;
  while (scans.executeStep()) {
    ScanWalk at{scans.getColumn(1).getInt64(), scans.getColumn(2).getString(), scans.getColumn(0).getString()};
    report.removed["scans"][at.region] += 1;
    ++deleted;
    if (std::tie(at.started_at, at.scan_id, at.region) > std::tie(walk.started_at, walk.scan_id, walk.region))
      walk = std::move(at);
  }
  scans.reset();  // nothing of it open across the commit
  for (const auto& [region, n] : opp_counts) report.removed["opportunities"][region] += n;
  return deleted;
}

void count_scans(SQLite::Database& db, const std::vector<ScanVictim>& victims, CleanupReport& report) {
  SQLite::Statement count(db, "SELECT count(*) FROM opportunities WHERE scan_id = ? AND region = ?");
  for (const auto& v : victims) {
    count.reset();
    count.bind(1, v.scan_id);
    count.bind(2, v.region);
    count.executeStep();
    report.removed["scans"][v.region] += 1;
    if (const auto n = count.getColumn(0).getInt64(); n > 0) report.removed["opportunities"][v.region] += n;
  }
}

}  // namespace oddsctl::store::sqlite_cleanup
