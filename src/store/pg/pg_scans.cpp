// Scans, their opportunities and the latest-good pointer per (region, source) in the
// PostgreSQL store: the same rules as sqlite_scans.cpp.
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/pg/pg_store_impl.hpp"
#include "util/module_log.hpp"

namespace oddsctl::store::pg {

namespace {

constexpr const char* k_scan_columns =
    "s.scan_id, s.region, s.command, s.worker, s.started_at, s.duration_ms, s.status, s.error, "
    "s.failed_sports, s.requests, s.credits_used, s.credits_remaining, s.events, s.opportunity_count, "
    "s.source, s.empty";
constexpr int k_scan_column_count = 16;

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RegionScan read_scan(const Result& r, int row) {
  RegionScan s;
  s.scan_id = r.text(row, 0);
  s.region = r.text(row, 1);
  s.command = r.text(row, 2);
  s.worker = r.text(row, 3);
  s.started_at = r.time(row, 4);
  s.duration_ms = r.i64(row, 5);
  s.status = region_status_from_string(r.text(row, 6));
  s.error = r.opt_text(row, 7);
  try {
    s.failed_sports = nlohmann::json::parse(r.text(row, 8)).get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    module_log::warn(fmt::format("postgresql: scan {} region {}: failed_sports cannot be read, shown empty: {}",
                                 s.scan_id, s.region, e.what()));
  }
  s.requests = r.i32(row, 9);
  s.credits_used = r.opt_i64(row, 10);
  s.credits_remaining = r.opt_i64(row, 11);
  s.events = r.i32(row, 12);
  s.opportunity_count = r.i32(row, 13);
  auto source = scan_source_from_string(r.text(row, 14));
  if (!source) throw std::runtime_error("unknown scan source '" + r.text(row, 14) + "'");
  s.source = *source;
  auto empty = empty_reason_from_string(r.text(row, 15));
  if (!empty) throw std::runtime_error("unknown empty reason '" + r.text(row, 15) + "'");
  s.empty = *empty;
  return s;
}

// One stored row that cannot be read is skipped with a warning naming it (as SQLite does).
void add_opportunity(RegionScan& scan, const Result& r, int row, int col, const std::string& label) {
  try {
    scan.opportunities.push_back(
        opportunity_from_json(nlohmann::json::parse(r.raw(row, col), r.raw(row, col) + r.length(row, col))));
  } catch (const std::exception& e) {
    module_log::warn(
        fmt::format("{}: scan {} region {}: an opportunity row is skipped, it cannot be read: {} "
                    "(oddsctl store check lists such rows)",
                    label, scan.scan_id, scan.region, e.what()));
  }
}

// Loads the opportunities of every scan in `scans` with one query.
void load_opportunities(Tx& tx, std::vector<RegionScan>& scans, const std::string& label) {
  if (scans.empty()) return;
  std::vector<std::string> ids, regions;
  std::map<std::pair<std::string, std::string>, std::size_t> at;
  for (std::size_t i = 0; i < scans.size(); ++i) {
    ids.push_back(scans[i].scan_id);
    regions.push_back(scans[i].region);
    at[{scans[i].scan_id, scans[i].region}] = i;
  }
  auto r = tx.exec(
      "SELECT o.scan_id, o.region, o.json FROM opportunities o "
      "JOIN unnest($1::text[], $2::text[]) AS k(scan_id, region) "
      "ON o.scan_id = k.scan_id AND o.region = k.region ORDER BY o.scan_id, o.region, o.idx",
      Params().add_array(ids).add_array(regions));
  for (int row = 0; row < r.rows(); ++row) {
    auto it = at.find({r.text(row, 0), r.text(row, 1)});
    if (it != at.end()) add_opportunity(scans[it->second], r, row, 2, label);
  }
}

std::optional<std::string> opt_double(const std::optional<double>& v) {
  if (!v) return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", *v);
  return std::string(buf);
}

}  // namespace

void PgStore::save_scan(const RegionScan& scan) {
  if (scan.status == RegionStatus::skipped) return;
  // Serialised before the transaction: other writers wait for SQL only.
  std::vector<std::optional<std::string>> idx, profit, sport, event, market, point, json;
  for (std::size_t i = 0; i < scan.opportunities.size(); ++i) {
    const auto& o = scan.opportunities[i];
    idx.emplace_back(std::to_string(i));
    profit.push_back(opt_double(o.profit_pct));
    sport.emplace_back(o.sport_key);
    event.emplace_back(o.event_id);
    market.emplace_back(o.market);
    point.push_back(opt_double(o.point));
    json.emplace_back(dump_json(to_json(o)));
  }
  const int count = scan.opportunities.empty() ? scan.opportunity_count : static_cast<int>(scan.opportunities.size());
  const std::string source = to_string(scan.source);

  // Six round trips: BEGIN with the region's advisory lock (writers of one region queue on
  // it; cleanup takes the same lock, pg_store_impl.hpp), the old opportunities out, the
  // scan row, its opportunities, the pointer, COMMIT.
  write(
      "save scan",
      [&](Tx& tx) {
        tx.exec("DELETE FROM opportunities WHERE scan_id = $1 AND region = $2",
                Params().add(scan.scan_id).add(scan.region));
        tx.exec(
            "INSERT INTO scans (scan_id, region, command, worker, started_at, duration_ms, status, error, "
            "failed_sports, requests, credits_used, credits_remaining, events, opportunity_count, source, empty) "
            "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) ON CONFLICT (scan_id, region) DO UPDATE "
            "SET "
            "command = excluded.command, worker = excluded.worker, started_at = excluded.started_at, "
            "duration_ms = excluded.duration_ms, status = excluded.status, error = excluded.error, "
            "failed_sports = excluded.failed_sports, requests = excluded.requests, "
            "credits_used = excluded.credits_used, credits_remaining = excluded.credits_remaining, "
            "events = excluded.events, opportunity_count = excluded.opportunity_count, "
            "source = excluded.source, empty = excluded.empty",
            Params()
                .add(scan.scan_id)
                .add(scan.region)
                .add(scan.command)
                .add(scan.worker)
                .add(scan.started_at)
                .add(static_cast<std::int64_t>(scan.duration_ms))
                .add(to_string(scan.status))
                .add(scan.error)
                .add(dump_json(scan.failed_sports))
                .add(scan.requests)
                .add(scan.credits_used)
                .add(scan.credits_remaining)
                .add(scan.events)
                .add(count)
                .add(source)
                .add(to_string(scan.empty)));
        if (!scan.opportunities.empty())
          tx.exec(
              "INSERT INTO opportunities (scan_id, region, idx, profit_pct, sport_key, event_id, market, point, json) "
              "SELECT $1, $2, * FROM unnest($3::int[], $4::float8[], $5::text[], $6::text[], $7::text[], "
              "$8::float8[], $9::text[])",
              Params()
                  .add(scan.scan_id)
                  .add(scan.region)
                  .add_array(idx)
                  .add_array(profit)
                  .add_array(sport)
                  .add_array(event)
                  .add_array(market)
                  .add_array(point)
                  .add_array(json));
        // A scan rewritten under another source is no longer that source's result (`moved`,
        // other sources' rows only). A good scan moves its source's pointer unless that names a
        // scan that started later; a scan rewritten as not good drops the pointer naming it.
        if (scan.good())
          tx.exec(
              "WITH moved AS (DELETE FROM latest_good WHERE region = $1 AND scan_id = $3 AND source <> $2) "
              "INSERT INTO latest_good (region, source, scan_id) VALUES ($1, $2, $3) "
              "ON CONFLICT (region, source) DO UPDATE SET scan_id = excluded.scan_id "
              "WHERE coalesce((SELECT s.started_at FROM scans s WHERE s.scan_id = latest_good.scan_id "
              "AND s.region = latest_good.region), $4::bigint) <= $4::bigint",
              Params().add(scan.region).add(source).add(scan.scan_id).add(scan.started_at));
        else
          tx.exec("DELETE FROM latest_good WHERE region = $1 AND scan_id = $2",
                  Params().add(scan.region).add(scan.scan_id));
      },
      lock_prelude("scans:" + scan.region));
}

std::optional<RegionScan> PgStore::latest_good(const std::string& region, ScanSource source) {
  std::optional<RegionScan> out;
  // One statement (one snapshot): the scan's columns on every row, then its opportunities.
  read("read latest good", [&](Tx& tx) {
    out.reset();
    auto r = tx.exec(std::string("SELECT ") + k_scan_columns +
                         ", o.json FROM latest_good g JOIN scans s ON s.scan_id = g.scan_id AND s.region = g.region "
                         "LEFT JOIN opportunities o ON o.scan_id = s.scan_id AND o.region = s.region "
                         "WHERE g.region = $1 AND g.source = $2 ORDER BY o.idx",
                     Params().add(region).add(to_string(source)));
    if (r.rows() == 0) return;
    RegionScan scan = read_scan(r, 0);
    scan.opportunities.reserve(static_cast<std::size_t>(r.rows()));
    for (int row = 0; row < r.rows(); ++row)
      if (!r.null(row, k_scan_column_count)) add_opportunity(scan, r, row, k_scan_column_count, m_label);
    out = std::move(scan);
  });
  return out;
}

std::vector<RegionScan> PgStore::list_scans(const ScanQuery& query) {
  std::vector<RegionScan> out;
  read(
      "list scans",
      [&](Tx& tx) {
        out.clear();
        std::string sql = std::string("SELECT ") + k_scan_columns + " FROM scans s WHERE true";
        Params p;
        int n = 0;
        if (query.region) sql += " AND s.region = $" + std::to_string(++n), p.add(*query.region);
        if (query.since) sql += " AND s.started_at >= $" + std::to_string(++n), p.add(*query.since);
        if (query.source) sql += " AND s.source = $" + std::to_string(++n), p.add(to_string(*query.source));
        sql += " ORDER BY s.started_at DESC, s.scan_id DESC, s.region";
        if (query.limit > 0) sql += " LIMIT $" + std::to_string(++n), p.add(query.limit);
        auto r = tx.exec(sql, p);
        for (int row = 0; row < r.rows(); ++row) out.push_back(read_scan(r, row));
        if (query.with_opportunities) load_opportunities(tx, out, m_label);
      },
      TxKind::snapshot);
  return out;
}

std::vector<RegionScan> PgStore::get_scan(const std::string& scan_id) {
  std::vector<RegionScan> out;
  read(
      "read scan",
      [&](Tx& tx) {
        out.clear();
        auto r =
            tx.exec(std::string("SELECT ") + k_scan_columns + " FROM scans s WHERE s.scan_id = $1 ORDER BY s.region",
                    Params().add(scan_id));
        for (int row = 0; row < r.rows(); ++row) out.push_back(read_scan(r, row));
        load_opportunities(tx, out, m_label);
      },
      TxKind::snapshot);
  return out;
}

void PgStore::invalidate(const std::optional<std::string>& region) {
  write("invalidate", [&](Tx& tx) {
    if (region) tx.exec("DELETE FROM latest_good WHERE region = $1", Params().add(*region));
    else tx.exec("DELETE FROM latest_good");
  });
}

}  // namespace oddsctl::store::pg
