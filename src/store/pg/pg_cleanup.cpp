// Retention in the PostgreSQL store: the rules of sqlite_cleanup.cpp, in bounded batches.
//
// Each batch is one short transaction whose single statement chooses up to batch_size
// victims through an index (oldest first) and deletes exactly those, the rules stated in
// the same statement, so nothing another process changed meanwhile is removed against
// them. MVCC readers never wait for it; writers wait at most for one batch's rows:
// - scans, region by region, holding the region's advisory lock (the one save_scan takes):
//   never a latest good scan of any source, never one of the newest keep_last;
// - snapshots: never an event's newest; ledger: never a key's newest row nor its newest row
//   with a known remaining; alerts and heartbeats by age; leases once expired (server clock,
//   as they were taken). Rows other cleanups have locked are skipped (SKIP LOCKED), so two
//   cleanups at once share the work instead of queueing.
// A dry run counts with the same conditions and no limit: on unchanged data exactly what a
// real run removes.
#include <algorithm>
#include <limits>

#include "store/pg/pg_schema.hpp"
#include "store/pg/pg_store_impl.hpp"

namespace oddsctl::store::pg {

namespace {

constexpr std::int64_t k_no_cutoff = std::numeric_limits<std::int64_t>::max();

// A kind other than scans: the table, its key, region and time columns, the rule beyond age.
struct Kind {
  const char* name;
  const char* table;
  const char* key;
  const char* region;  // a column, or '' for kinds that are not regional
  const char* at;
  std::string extra;          // "AND ..." on alias t
  std::int64_t cutoff;        // at < cutoff (leases: at < cutoff where cutoff = now + 1)
  bool server_clock = false;  // leases: cutoff is the server's now + 1 ms
};

std::int64_t size_bytes(Tx& tx, const std::string& schema) {
  std::int64_t bytes = 0;
  for (const char* t : schema::tables())
    bytes += tx.exec("SELECT coalesce(pg_total_relation_size(to_regclass($1)), 0)",
                     Params().add(quote_ident(schema) + "." + quote_ident(t)))
                 .i64(0, 0);
  return bytes;
}

std::vector<Kind> kinds_for(const RetentionPolicy& p, TimePoint now) {
  auto cutoff = [&](const std::optional<Millis>& age) { return to_epoch_ms(now - *age); };
  std::vector<Kind> kinds;
  if (p.snapshots_older_than)
    kinds.push_back({"snapshots", "snapshots", "id", "region", "taken_at",
                     "AND EXISTS (SELECT 1 FROM snapshots n WHERE n.region = t.region AND n.event_id = t.event_id "
                     "AND (n.taken_at, n.id) > (t.taken_at, t.id))",
                     cutoff(p.snapshots_older_than)});
  if (p.ledger_older_than)
    kinds.push_back({"ledger", "ledger", "id", "region", "at",
                     "AND EXISTS (SELECT 1 FROM ledger n WHERE n.key_id = t.key_id AND (n.at, n.id) > (t.at, t.id)) "
                     "AND (t.remaining IS NULL OR EXISTS (SELECT 1 FROM ledger n WHERE n.key_id = t.key_id "
                     "AND n.remaining IS NOT NULL AND (n.at, n.id) > (t.at, t.id)))",
                     cutoff(p.ledger_older_than)});
  if (p.alerts_older_than)
    kinds.push_back({"alerts", "alerts", "key", "''", "sent_at", "", cutoff(p.alerts_older_than)});
  if (p.heartbeats_older_than)
    kinds.push_back(
        {"heartbeats", "heartbeats", "worker_id", "''", "last_cycle_at", "", cutoff(p.heartbeats_older_than)});
  Kind leases{"leases", "leases", "name", "''", "expires_at", "", to_epoch_ms(now) + 1};
  if (!lease_now_ms(now)) leases.server_clock = true;
  kinds.push_back(leases);
  return kinds;
}

std::string cutoff_sql(const Kind& k) { return k.server_clock ? "(" + now_sql(1) + " + 1)" : "$1::bigint"; }

}  // namespace

CleanupReport PgStore::cleanup(const RetentionPolicy& policy, TimePoint now, bool dry_run) {
  if (!dry_run && m_mode == OpenMode::read_only) throw fail("cleanup", "the store was opened read-only");
  CleanupReport report;
  report.dry_run = dry_run;
  for (const char* k : {"scans", "opportunities", "snapshots", "ledger"}) report.removed[k];
  for (const char* k : {"leases", "alerts", "heartbeats"}) report.removed[k][""] = 0;
  const std::int64_t batch = std::max(1, policy.batch_size);
  const std::string& schema_name = m_conn.target().schema;
  read("cleanup", [&](Tx& tx) { report.bytes_before = size_bytes(tx, schema_name); });
  const TxKind kind = dry_run ? TxKind::read_only : TxKind::read_write;

  // --- scans, with their opportunities ---
  const int keep = std::max(0, policy.keep_last_scans);
  const std::int64_t scan_cutoff = policy.scans_older_than ? to_epoch_ms(now - *policy.scans_older_than) : k_no_cutoff;
  std::vector<std::string> regions;
  read("cleanup", [&](Tx& tx) {
    regions.clear();
    auto r = tx.exec("SELECT DISTINCT region FROM scans ORDER BY region");
    for (int row = 0; row < r.rows(); ++row) regions.push_back(r.text(row, 0));
  });
  for (const auto& region : regions) {
    for (bool more = true; more;) {
      std::int64_t scans = 0, opportunities = 0;
      run("cleanup", kind, [&](Tx& tx) {
        scans = opportunities = 0;
        if (!dry_run) tx.exec("SELECT pg_advisory_xact_lock(hashtext($1))", Params().add(lock_key("scans:" + region)));
        Params p;
        p.add(region).add(scan_cutoff);
        std::string bound;
        if (keep > 0) {
          auto b = tx.exec(
              "SELECT started_at, scan_id FROM scans WHERE region = $1 "
              "ORDER BY started_at DESC, scan_id DESC LIMIT 1 OFFSET $2",
              Params().add(region).add(keep - 1));
          if (b.rows() == 0) return;  // no more than `keep` scans
          bound = " AND (s.started_at, s.scan_id) < ($3::bigint, $4::text)";
          p.add(b.i64(0, 0)).add(b.text(0, 1));
        }
        std::string victims =
            "SELECT s.scan_id, s.region FROM scans s WHERE s.region = $1 AND s.started_at < $2::bigint" + bound +
            " AND NOT EXISTS (SELECT 1 FROM latest_good g WHERE g.region = s.region AND g.scan_id = s.scan_id)"
            " ORDER BY s.started_at, s.scan_id";
        if (dry_run) {
          auto r = tx.exec("WITH v AS (" + victims +
                               ") SELECT (SELECT count(*) FROM v), (SELECT count(*) FROM "
                               "opportunities o JOIN v ON o.scan_id = v.scan_id AND o.region = v.region)",
                           p);
          scans = r.i64(0, 0);
          opportunities = r.i64(0, 1);
          return;
        }
        p.add(batch);
        const std::string limit = " LIMIT $" + std::to_string(keep > 0 ? 5 : 3);
        auto r = tx.exec("WITH v AS (" + victims + limit +
                             "), o AS (DELETE FROM opportunities op USING v WHERE op.scan_id = v.scan_id AND "
                             "op.region = v.region RETURNING 1), d AS (DELETE FROM scans x USING v WHERE "
                             "x.scan_id = v.scan_id AND x.region = v.region RETURNING 1) "
                             "SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM o)",
                         p);
        scans = r.i64(0, 0);
        opportunities = r.i64(0, 1);
      });
      if (scans > 0) report.removed["scans"][region] += scans;
      if (opportunities > 0) report.removed["opportunities"][region] += opportunities;
      more = !dry_run && scans == batch;
    }
  }

  // --- every other kind ---
  for (const Kind& k : kinds_for(policy, now)) {
    const std::string where =
        std::string(" FROM ") + k.table + " t WHERE t." + k.at + " < " + cutoff_sql(k) + " " + k.extra;
    const std::string region = std::string(k.region) == "''" ? "''::text" : std::string("t.") + k.region;
    Params p;
    if (k.server_clock) p.null();
    else p.add(k.cutoff);
    for (bool more = true; more;) {
      std::map<std::string, std::int64_t> counts;
      std::int64_t total = 0;
      run("cleanup", kind, [&](Tx& tx) {
        counts.clear();
        total = 0;
        Result r;
        if (dry_run) {
          r = tx.exec("SELECT " + region + ", count(*)" + where + " GROUP BY 1", p);
        } else {
          Params pb = p;
          pb.add(batch);
          r = tx.exec(std::string("WITH v AS (SELECT t.") + k.key + ", " + region + " AS region" + where +
                          " ORDER BY t." + k.at + ", t." + k.key + " LIMIT $2 FOR UPDATE SKIP LOCKED) DELETE FROM " +
                          k.table + " x USING v WHERE x." + k.key + " = v." + k.key + " RETURNING v.region, 1",
                      pb);
        }
        for (int row = 0; row < r.rows(); ++row) {
          const std::int64_t n = r.i64(row, 1);
          counts[r.text(row, 0)] += n;
          total += n;
        }
      });
      for (const auto& [reg, n] : counts) report.removed[k.name][reg] += n;
      more = !dry_run && total == batch;
    }
  }

  read("cleanup", [&](Tx& tx) { report.bytes_after = size_bytes(tx, schema_name); });
  return report;
}

}  // namespace oddsctl::store::pg
