// Scans and their opportunities in the SQLite store, and the latest-good pointer per region
// and source.
#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include <sqlite3.h>

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <spdlog/spdlog.h>

#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl::store {

using namespace sqlite_util;

namespace {

constexpr const char* k_scan_columns =
    "s.scan_id, s.region, s.command, s.worker, s.started_at, s.duration_ms, s.status, s.error, "
    "s.failed_sports, s.requests, s.credits_used, s.credits_remaining, s.events, s.opportunity_count, "
    "s.source, s.empty";

// A stored word this binary does not know is a corrupt row (or a newer writer's), not a
// user mistake: reading it as live or none would serve it as something it is not. Not a
// StoreError, so that locked() names the file and the operation.
ScanSource col_source(const std::string& c) {
  auto v = scan_source_from_string(c);
  if (!v) throw std::runtime_error("unknown scan source '" + c + "'");
  return *v;
}
EmptyReason col_empty(const std::string& c) {
  auto v = empty_reason_from_string(c);
  if (!v) throw std::runtime_error("unknown empty reason '" + c + "'");
  return *v;
}

// A row's columns through SQLite::Statement, or through a raw statement (SqliteStore::reused).
struct StatementRow {
  SQLite::Statement& st;
  std::string text(int i) const { return st.getColumn(i).getString(); }
  std::int64_t i64(int i) const { return st.getColumn(i).getInt64(); }
  bool null(int i) const { return st.getColumn(i).isNull(); }
};
struct RawRow {
  sqlite3_stmt* st;
  std::string text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, i))) : std::string();
  }
  std::int64_t i64(int i) const { return sqlite3_column_int64(st, i); }
  bool null(int i) const { return sqlite3_column_type(st, i) == SQLITE_NULL; }
};

// The columns of k_scan_columns, in that order.
template <class Row>
RegionScan read_scan(const Row& r) {
  RegionScan s;
  s.scan_id = r.text(0);
  s.region = r.text(1);
  s.command = r.text(2);
  s.worker = r.text(3);
  s.started_at = from_epoch_ms(r.i64(4));
  s.duration_ms = r.i64(5);
  s.status = region_status_from_string(r.text(6));
  if (!r.null(7)) s.error = r.text(7);
  // A damaged list of failed sports costs that list, not the scan.
  try {
    s.failed_sports = nlohmann::json::parse(r.text(8)).template get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    spdlog::warn("sqlite: scan {} region {}: failed_sports cannot be read, shown empty: {}", s.scan_id, s.region,
                 e.what());
  }
  s.requests = static_cast<int>(r.i64(9));
  if (!r.null(10)) s.credits_used = r.i64(10);
  if (!r.null(11)) s.credits_remaining = r.i64(11);
  s.events = static_cast<int>(r.i64(12));
  s.opportunity_count = static_cast<int>(r.i64(13));
  s.source = col_source(r.text(14));
  s.empty = col_empty(r.text(15));
  return s;
}
RegionScan read_scan(SQLite::Statement& st) { return read_scan(StatementRow{st}); }

// The one reader of a stored text: opportunity_from_json, the format's one description.
Opportunity read_opportunity(const char* text, std::size_t size) {
  return opportunity_from_json(nlohmann::json::parse(text, text + size));
}

// One stored row that cannot be read (not JSON, or not an opportunity) is skipped with a
// warning naming it: the rest of the scan, and every other scan and region, are still
// served. `store check` lists such rows.
void warn_unreadable(const std::string& path, const RegionScan& scan, std::int64_t idx, const std::exception& e) {
  spdlog::warn(
      "sqlite {}: scan {} region {}: opportunity row {} skipped, it cannot be read: {} "
      "(oddsctl store check lists such rows)",
      path, scan.scan_id, scan.region, idx, e.what());
}

void load_opportunities(SQLite::Database& db, RegionScan& scan, const std::string& path) {
  SQLite::Statement st(db, "SELECT idx, json FROM opportunities WHERE scan_id = ? AND region = ? ORDER BY idx");
  st.bind(1, scan.scan_id);
  st.bind(2, scan.region);
  if (scan.opportunity_count > 0) scan.opportunities.reserve(static_cast<std::size_t>(scan.opportunity_count));
  while (st.executeStep()) {
    const auto col = st.getColumn(1);
    try {
      scan.opportunities.push_back(read_opportunity(col.getText(), static_cast<std::size_t>(col.getBytes())));
    } catch (const std::exception& e) {
      warn_unreadable(path, scan, st.getColumn(0).getInt64(), e);
    }
  }
}

// A statement stepped with sqlite3_* calls: SQLite::Statement hands each value over as a
// Column, which costs a shared_ptr copy, and the loops over a scan's rows that `cache get
// --json` runs are most of what it does per row.
using RawStatement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>;

RawStatement prepare_raw(SQLite::Database& db, const char* sql) {
  sqlite3_stmt* prepared = nullptr;
  if (const int rc = sqlite3_prepare_v2(db.getHandle(), sql, -1, &prepared, nullptr); rc != SQLITE_OK)
    throw SQLite::Exception(db.getHandle(), rc);
  return {prepared, sqlite3_finalize};
}

// Binds (scan_id, region) to parameters 1 and 2; the scan must outlive the statement's use.
void bind_scan(sqlite3_stmt* st, const RegionScan& scan) {
  sqlite3_bind_text(st, 1, scan.scan_id.data(), static_cast<int>(scan.scan_id.size()), SQLITE_STATIC);
  sqlite3_bind_text(st, 2, scan.region.data(), static_cast<int>(scan.region.size()), SQLITE_STATIC);
}

// The rows of load_opportunities as StoredOpportunity: a row whose text save_scan vouched for
// (text_form 1, or 2 and 3 when it is also the served form) is handed over as it is, with the
// columns beside it; any other is read as load_opportunities reads it (and skipped the same
// way when it cannot be).
void load_stored(SQLite::Database& db, StoredScan& stored, const std::string& path) {
  const RegionScan& scan = stored.scan;
  const auto statement =
      prepare_raw(db,
                  "SELECT idx, json, text_form, kind, score, sport_key, event_id, market, point, "
                  "CASE WHEN text_form IN (1, 2, 3) AND kind = 'value' THEN json_extract(json, '$.outcome') END, "
                  "CASE WHEN text_form IN (1, 2, 3) AND kind = 'value' THEN json_extract(json, '$.bookmaker') END "
                  "FROM opportunities WHERE scan_id = ? AND region = ? ORDER BY idx");
  sqlite3_stmt* raw = statement.get();
  bind_scan(raw, scan);
  auto& out = stored.opportunities;
  if (scan.opportunity_count > 0) out.reserve(static_cast<std::size_t>(scan.opportunity_count));
  auto text_of = [raw](int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
    return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(raw, i))) : std::string_view();
  };
  auto is_null = [raw](int i) { return sqlite3_column_type(raw, i) == SQLITE_NULL; };
  for (;;) {
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw SQLite::Exception(db.getHandle(), rc);
    const std::string_view text = text_of(1);
    OpportunityKind kind = OpportunityKind::arb;
    bool known_kind = false;
    if (!is_null(3))
      if (const auto k = opportunity_kind_from_string(text_of(3))) kind = *k, known_kind = true;
    const int text_form = sqlite3_column_int(raw, 2);
    if (text_form >= 1 && text_form <= 3 && known_kind && !is_null(4)) {
      StoredOpportunity& o = out.emplace_back();
      o.region = scan.region;  // save_scan vouches for a text only when it names the scan's region
      o.kind = kind;
      o.score = sqlite3_column_double(raw, 4);
      o.sport_key = text_of(5);
      o.event_id = text_of(6);
      o.market = text_of(7);
      if (!is_null(8)) o.point = sqlite3_column_double(raw, 8);
      if (kind == OpportunityKind::value) {
        o.value_outcome = text_of(9);
        o.value_bookmaker = text_of(10);
      }
      o.text = text_of(1);
      o.served_form = text_form >= 2;
      continue;
    }
    try {
      out.push_back(stored_opportunity(read_opportunity(text.data(), text.size())));
    } catch (const std::exception& e) {
      warn_unreadable(path, scan, static_cast<std::int64_t>(sqlite3_column_int64(raw, 0)), e);
    }
  }
}

// What save_scan writes for one opportunity: its text, and the columns that say what the
// text holds. text_form is 1 only for a text that reads back as itself (to_json of what
// opportunity_from_json reads from it is the same text) and whose columns are what it
// reads as: a reader that serves the text as it is then serves exactly what reading it
// would. It is 2 when the text is moreover what `cache get --json` serves (opportunity_json
// rounds each leg's stake to the cent; a scan has placed them at the cent already), so that
// reader need not look for stakes in it, and 3 (set by save_scan, which sees the whole scan)
// when every row of the scan is a 2 and they are in the served order, so that it need not
// read anything but the texts. kind and score are of what it reads as (to_json rounds what
// it writes).
struct OpportunityRow {
  std::string text;
  std::string kind;
  double score = 0;
  int text_form = 0;
};

// opportunity_json's rounding leaves every stake as it is.
bool stakes_at_cents(const Opportunity& o) {
  return std::all_of(o.legs.begin(), o.legs.end(),
                     [](const auto& l) { return !l.stake || std::round(*l.stake * 100.0) / 100.0 == *l.stake; });
}

// `back` is set to what the text reads as, when it can be read.
OpportunityRow opportunity_row(const Opportunity& o, const std::string& region, std::optional<Opportunity>& back_out) {
  OpportunityRow row;
  row.text = dump_json(to_json(o));
  row.kind = to_string(o.kind);
  row.score = opportunity_score(o);
  back_out.reset();
  try {
    const Opportunity& back = back_out.emplace(read_opportunity(row.text.data(), row.text.size()));
    row.kind = to_string(back.kind);
    row.score = opportunity_score(back);
    const bool reads_back = back.region == region && back.sport_key == o.sport_key && back.event_id == o.event_id &&
                            back.market == o.market && back.point == o.point && dump_json(to_json(back)) == row.text;
    row.text_form = !reads_back ? 0 : stakes_at_cents(back) ? 2 : 1;
  } catch (const std::exception&) {
    // Not readable as an opportunity (a NaN written as null, say): latest_good skips it too.
    back_out.reset();
  }
  return row;
}

// The rows save_scan writes for a scan's opportunities, in order. The served order is
// opportunity_before's over what the texts read as (the columns a reader sorts on), which
// to_json's rounding can tie or turn round where the values in memory did not.
std::vector<OpportunityRow> opportunity_rows(const RegionScan& scan) {
  std::vector<OpportunityRow> rows;
  rows.reserve(scan.opportunities.size());
  std::optional<Opportunity> back, previous;
  bool in_order = true;
  for (const auto& o : scan.opportunities) {
    rows.push_back(opportunity_row(o, scan.region, back));
    in_order = in_order && rows.back().text_form == 2 && (!previous || !opportunity_before(*back, *previous));
    previous.swap(back);
  }
  if (in_order)
    for (auto& row : rows) row.text_form = 3;
  return rows;
}

// The scan id and started_at of the scan that the (region, source) pointer names, if any.
std::optional<std::pair<std::string, std::int64_t>> pointer_of(SQLite::Database& db, const std::string& region,
                                                               ScanSource source) {
  SQLite::Statement st(db,
                       "SELECT g.scan_id, s.started_at FROM latest_good g "
                       "JOIN scans s ON s.scan_id = g.scan_id AND s.region = g.region "
                       "WHERE g.region = ? AND g.source = ?");
  st.bind(1, region);
  st.bind(2, to_string(source));
  if (!st.executeStep()) return std::nullopt;
  return std::make_pair(st.getColumn(0).getString(), static_cast<std::int64_t>(st.getColumn(1).getInt64()));
}

void write_scan_row(SQLite::Database& db, const RegionScan& scan, int opportunity_count) {
  static const std::string sql = upsert_sql(
      "scans",
      {"scan_id", "region", "command", "worker", "started_at", "duration_ms", "status", "error", "failed_sports",
       "requests", "credits_used", "credits_remaining", "events", "opportunity_count", "source", "empty"},
      {"scan_id", "region"});
  SQLite::Statement st(db, sql);
  bind_row(st, scan.scan_id, scan.region, scan.command, scan.worker, scan.started_at, scan.duration_ms,
           to_string(scan.status), scan.error, dump_json(scan.failed_sports), scan.requests, scan.credits_used,
           scan.credits_remaining, scan.events, opportunity_count, to_string(scan.source), to_string(scan.empty));
  st.exec();
}

}  // namespace

// The latest-good rule, per (region, source): a good() scan (ok or partial, and not empty
// for want of input) moves its source's pointer unless that already names a scan that
// started later (two runs finishing out of order must not roll the cache back); anything
// else never moves it; skipped is not stored at all. Other sources' pointers are never
// touched, so a demo or a replay cannot displace the live result.
void SqliteStore::save_scan(const RegionScan& scan) {
  if (scan.status == RegionStatus::skipped) return;
  // Serialised before taking the write lock: other writers wait for SQL only.
  const std::vector<OpportunityRow> rows = opportunity_rows(scan);
  int count = scan.opportunities.empty() ? scan.opportunity_count : static_cast<int>(scan.opportunities.size());

  writing("save scan", [&](SQLite::Database& db) {
    SQLite::Statement clear(db, "DELETE FROM opportunities WHERE scan_id = ? AND region = ?");
    clear.bind(1, scan.scan_id);
    clear.bind(2, scan.region);
    clear.exec();
    write_scan_row(db, scan, count);
    SQLite::Statement ins(db,
                          "INSERT INTO opportunities (scan_id, region, idx, profit_pct, sport_key, event_id, "
                          "market, point, json, kind, score, text_form) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    for (std::size_t i = 0; i < scan.opportunities.size(); ++i) {
      const auto& o = scan.opportunities[i];
      ins.reset();
      bind_row(ins, scan.scan_id, scan.region, static_cast<std::int64_t>(i), o.profit_pct, o.sport_key, o.event_id,
               o.market, o.point, rows[i].text, rows[i].kind, rows[i].score, rows[i].text_form);
      ins.exec();
    }
    // A scan rewritten under another source is no longer that source's result.
    SQLite::Statement moved(db, "DELETE FROM latest_good WHERE region = ? AND scan_id = ? AND source <> ?");
    moved.bind(1, scan.region);
    moved.bind(2, scan.scan_id);
    moved.bind(3, to_string(scan.source));
    moved.exec();
    auto pointer = pointer_of(db, scan.region, scan.source);
    const bool good = scan.good();
    if (good && (!pointer || pointer->second <= to_epoch_ms(scan.started_at))) {
      static const std::string sql = upsert_sql("latest_good", {"region", "source", "scan_id"}, {"region", "source"});
      SQLite::Statement set(db, sql);
      bind_row(set, scan.region, to_string(scan.source), scan.scan_id);
      set.exec();
    } else if (!good && pointer && pointer->first == scan.scan_id) {
      // The good scan was rewritten as not good (failed, or empty for want of input).
      SQLite::Statement drop(db, "DELETE FROM latest_good WHERE region = ? AND source = ?");
      drop.bind(1, scan.region);
      drop.bind(2, to_string(scan.source));
      drop.exec();
    }
  });
}

namespace {

// The scan row the (region, source) pointer names, without its opportunities, and whether
// every row of that scan is text_form 3 (all_as_stored), from k_latest_good_sql.
struct LatestGood {
  RegionScan scan;
  bool as_stored = false;
};

// Each read of the latest good scan runs this (twice in a `cache get --json` of one region),
// so it is prepared once per connection (SqliteStore::reused). The NOT EXISTS is one probe of
// the partial index opportunities_not_as_stored, whose WHERE it repeats (without the index,
// as in a damaged store, the same answer from a walk over the scan's rows).
const char* const k_latest_good_sql =
    "SELECT s.scan_id, s.region, s.command, s.worker, s.started_at, s.duration_ms, s.status, s.error, "
    "s.failed_sports, s.requests, s.credits_used, s.credits_remaining, s.events, s.opportunity_count, "
    "s.source, s.empty, NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.scan_id = g.scan_id "
    "AND o.region = g.region AND o.text_form <> 3) "
    "FROM latest_good g JOIN scans s ON s.scan_id = g.scan_id AND s.region = g.region "
    "WHERE g.region = ? AND g.source = ?";

std::optional<LatestGood> latest_good_row(sqlite3* db, sqlite3_stmt* st, const std::string& region, ScanSource source) {
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> done(st, sqlite3_reset);  // ends its read
  const char* src = to_string(source);
  sqlite3_bind_text(st, 1, region.data(), static_cast<int>(region.size()), SQLITE_STATIC);
  sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
  const int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) throw SQLite::Exception(db, rc);
  return LatestGood{read_scan(RawRow{st}), sqlite3_column_int(st, 16) != 0};
}

}  // namespace

std::optional<RegionScan> SqliteStore::latest_good(const std::string& region, ScanSource source) {
  return locked("read latest good", [&](SQLite::Database& db) -> std::optional<RegionScan> {
    SQLite::Transaction tx(db);  // one snapshot for the scan and its opportunities
    auto latest = latest_good_row(db.getHandle(), reused(k_latest_good_sql), region, source);
    if (!latest) return std::nullopt;
    load_opportunities(db, latest->scan, m_path);
    return std::move(latest->scan);
  });
}

std::optional<StoredScan> SqliteStore::read_latest_good(const std::string& region, ScanSource source, bool may_defer) {
  return locked("read latest good", [&](SQLite::Database& db) -> std::optional<StoredScan> {
    SQLite::Transaction tx(db);
    auto latest = latest_good_row(db.getHandle(), reused(k_latest_good_sql), region, source);
    if (!latest) return std::nullopt;
    StoredScan stored;
    stored.scan = std::move(latest->scan);
    stored.deferred = may_defer && latest->as_stored;
    if (!stored.deferred) load_stored(db, stored, m_path);
    return stored;
  });
}

std::optional<StoredScan> SqliteStore::latest_good_stored(const std::string& region, ScanSource source) {
  return read_latest_good(region, source, false);
}

std::optional<StoredScan> SqliteStore::latest_good_deferred(const std::string& region, ScanSource source) {
  return read_latest_good(region, source, true);
}

namespace {

// The fields of the scans row (not the opportunities).
bool same_scan_row(const RegionScan& a, const RegionScan& b) {
  const auto row = [](const RegionScan& s) {
    return std::tie(s.scan_id, s.region, s.command, s.source, s.empty, s.worker, s.started_at, s.duration_ms, s.status,
                    s.error, s.failed_sports, s.requests, s.credits_used, s.credits_remaining, s.events,
                    s.opportunity_count);
  };
  return row(a) == row(b);
}

}  // namespace

bool SqliteStore::served_texts(const RegionScan& scan, const std::function<void()>& begin,
                               const std::function<void(std::string_view)>& text) {
  return locked("read latest good", [&](SQLite::Database& db) {
    SQLite::Transaction tx(db);  // the checks and the texts from one snapshot
    const auto now = latest_good_row(db.getHandle(), reused(k_latest_good_sql), scan.region, scan.source);
    if (!now || !now->as_stored || !same_scan_row(now->scan, scan)) return false;
    const auto st = prepare_raw(db, "SELECT json FROM opportunities WHERE scan_id = ? AND region = ? ORDER BY idx");
    bind_scan(st.get(), scan);
    begin();
    for (;;) {
      const int rc = sqlite3_step(st.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw SQLite::Exception(db.getHandle(), rc);
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
      text(std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 0))));
    }
    return true;
  });
}

std::vector<RegionScan> SqliteStore::list_scans(const ScanQuery& query) {
  return locked("list scans", [&](SQLite::Database& db) {
    SQLite::Transaction tx(db);
    std::string sql = std::string("SELECT ") + k_scan_columns + " FROM scans s WHERE 1";
    if (query.region) sql += " AND s.region = :region";
    if (query.since) sql += " AND s.started_at >= :since";
    if (query.source) sql += " AND s.source = :source";
    sql += " ORDER BY s.started_at DESC, s.scan_id DESC, s.region";
    if (query.limit > 0) sql += " LIMIT :limit";
    SQLite::Statement st(db, sql);
    if (query.region) st.bind(":region", *query.region);
    if (query.since) st.bind(":since", static_cast<int64_t>(to_epoch_ms(*query.since)));
    if (query.source) st.bind(":source", to_string(*query.source));
    if (query.limit > 0) st.bind(":limit", query.limit);
    std::vector<RegionScan> out;
    while (st.executeStep()) out.push_back(read_scan(st));
    if (query.with_opportunities)
      for (auto& s : out) load_opportunities(db, s, m_path);
    return out;
  });
}

std::vector<RegionScan> SqliteStore::get_scan(const std::string& scan_id) {
  return locked("read scan", [&](SQLite::Database& db) {
    SQLite::Transaction tx(db);
    SQLite::Statement st(
        db, std::string("SELECT ") + k_scan_columns + " FROM scans s WHERE s.scan_id = ? ORDER BY s.region");
    st.bind(1, scan_id);
    std::vector<RegionScan> out;
    while (st.executeStep()) out.push_back(read_scan(st));
    for (auto& s : out) load_opportunities(db, s, m_path);
    return out;
  });
}

// Every source's pointer of the region goes: an invalidated region serves nothing, whichever
// source a reader asks for.
void SqliteStore::invalidate(const std::optional<std::string>& region) {
  writing("invalidate", [&](SQLite::Database& db) {
    SQLite::Statement st(db, region ? "DELETE FROM latest_good WHERE region = ?" : "DELETE FROM latest_good");
    if (region) st.bind(1, *region);
    st.exec();
  });
}

}  // namespace oddsctl::store
