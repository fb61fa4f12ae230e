// Scans and their opportunities in the SQLite store, and the latest-good pointer per region
// and source.
#include <set>
#include <stdexcept>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <spdlog/spdlog.h>

#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl {

using namespace sqlite_util;

namespace {

constexpr const char* k_scan_columns =
    "s.scan_id, s.region, s.command, s.worker, s.started_at, s.duration_ms, s.status, s.error, "
    "s.failed_sports, s.requests, s.credits_used, s.credits_remaining, s.events, s.opportunity_count, "
    "s.source, s.empty";

// A stored word this binary does not know is a corrupt row (or a newer writer's), not a
// user mistake: reading it as live or none would serve it as something it is not. Not a
// StoreError, so that locked() names the file and the operation.
ScanSource col_source(const SQLite::Column& c) {
  auto v = scan_source_from_string(c.getString());
  if (!v) throw std::runtime_error("unknown scan source '" + c.getString() + "'");
  return *v;
}
EmptyReason col_empty(const SQLite::Column& c) {
  auto v = empty_reason_from_string(c.getString());
  if (!v) throw std::runtime_error("unknown empty reason '" + c.getString() + "'");
  return *v;
}

RegionScan read_scan(SQLite::Statement& st) {
  RegionScan s;
  s.scan_id = st.getColumn(0).getString();
  s.region = st.getColumn(1).getString();
  s.command = st.getColumn(2).getString();
  s.worker = st.getColumn(3).getString();
  s.started_at = col_time(st.getColumn(4));
  s.duration_ms = st.getColumn(5).getInt64();
  s.status = region_status_from_string(st.getColumn(6).getString());
  s.error = col_opt_text(st.getColumn(7));
  // A damaged list of failed sports costs that list, not the scan.
  try {
    s.failed_sports = nlohmann::json::parse(st.getColumn(8).getString()).get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    spdlog::warn("sqlite: scan {} region {}: failed_sports cannot be read, shown empty: {}", s.scan_id, s.region,
                 e.what());
  }
  s.requests = st.getColumn(9).getInt();
  s.credits_used = col_opt_int(st.getColumn(10));
  s.credits_remaining = col_opt_int(st.getColumn(11));
  s.events = st.getColumn(12).getInt();
  s.opportunity_count = st.getColumn(13).getInt();
  s.source = col_source(st.getColumn(14));
  s.empty = col_empty(st.getColumn(15));
  return s;
}

// Reads a stored opportunity text straight into the struct, without a JSON tree: what
// opportunity_from_json(json::parse(text)) gives for the texts it understands (to_json's
// shape, unknown keys of a leg skipped). Anything else (a kind other than arb, a top-level key
// it does not know, a wrong type, a missing field, bad JSON) makes it give up, and the caller
// takes the slow path, which reads every field or throws the usual error.
class OpportunitySax : public nlohmann::json_sax<nlohmann::json> {
public:
  explicit OpportunitySax(Opportunity& o) : m_o(o) {}

  bool complete() const { return m_required == k_all && m_depth == 0; }

  bool null() override { return scalar([&] { return set_null(); }); }
  bool boolean(bool) override { return scalar([] { return false; }); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool string(string_t& v) override { return scalar([&] { return set_string(v); }); }
  bool binary(binary_t&) override { return false; }
  bool key(string_t& k) override {
    if (m_skip == 0) m_key = std::move(k);
    return true;
  }
  bool start_object(std::size_t) override {
    if (m_skip > 0) return ++m_skip, true;
    if (unknown()) return m_depth != 1 && (++m_skip, true);
    if (m_depth == 0) return m_depth = 1, true;  // the opportunity
    if (m_depth == 2) {                          // a leg
      m_o.legs.emplace_back();
      m_leg_required = 0;
      m_leg_effective = false;
      return m_depth = 3, true;
    }
    return false;
  }
  bool end_object() override {
    if (m_skip > 0) return --m_skip, true;
    if (m_depth == 3) {
      if (m_leg_required != k_leg_all) return false;
      if (!m_leg_effective) m_o.legs.back().effective_price = m_o.legs.back().price;
      m_depth = 2;
      return true;
    }
    m_depth = 0;
    return true;
  }
  bool start_array(std::size_t) override {
    if (m_skip > 0) return ++m_skip, true;
    if (unknown()) return m_depth != 1 && (++m_skip, true);
    if (m_depth == 1 && m_key == "legs") {
      m_o.legs.clear();  // a repeated key: the last one wins, as in a tree
      m_required |= k_legs;
      return m_depth = 2, true;
    }
    if (m_depth == 1 && m_key == "flags") {
      m_o.flags.clear();
      return m_depth = 5, true;
    }
    if (m_depth == 3 && m_key == "bookmakers") {
      m_o.legs.back().bookmakers.clear();  // a repeated key: the last one wins, as in a tree
      m_leg_required |= k_books;
      return m_depth = 4, true;
    }
    return false;
  }
  bool end_array() override {
    if (m_skip > 0) return --m_skip, true;
    m_depth = m_depth == 4 ? 3 : 1;  // from bookmakers to the leg, from legs or flags to the top
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

private:
  static constexpr unsigned k_region = 1, k_event = 2, k_commence = 4, k_market = 8, k_implied = 16,
                            k_profit = 32, k_legs = 64, k_all = 127;
  static constexpr unsigned k_outcome = 1, k_price = 2, k_books = 4, k_leg_all = 7;

  // A key this reader does not know: skipped in a leg; at the top it is a field of another
  // kind (or a newer version), which only the slow path reads, so the reader gives up.
  bool unknown() const {
    static const std::set<std::string> top = {"region", "sport_key", "sport_title", "event_id", "home_team",
                                              "away_team", "commence_time", "market", "point", "implied_sum",
                                              "profit_pct", "legs", "kind", "flags"};
    static const std::set<std::string> leg = {"outcome", "point",      "price",          "effective_price",
                                              "bookmakers", "stake", "age_s", "seen_since",
                                              "previous_price", "link"};
    if (m_depth == 1) return !top.count(m_key);
    if (m_depth == 3) return !leg.count(m_key);
    return false;
  }

  template <class F>
  bool scalar(F set) {
    if (m_skip > 0) return true;
    if (unknown()) return m_depth != 1;
    return set();
  }

  bool number(double v) {
    return scalar([&] {
      if (m_depth == 1) {
        if (m_key == "point") return m_o.point = v, true;
        if (m_key == "implied_sum") return m_o.implied_sum = v, m_required |= k_implied, true;
        if (m_key == "profit_pct") return m_o.profit_pct = v, m_required |= k_profit, true;
        return false;
      }
      if (m_depth != 3) return false;
      auto& l = m_o.legs.back();
      if (m_key == "point") return l.point = v, true;
      if (m_key == "price") return l.price = v, m_leg_required |= k_price, true;
      if (m_key == "effective_price") return l.effective_price = v, m_leg_effective = true, true;
      if (m_key == "stake") return l.stake = v, true;
      if (m_key == "age_s") return l.age_s = v, true;
      if (m_key == "previous_price") return l.previous_price = v, true;
      return false;
    });
  }

  bool set_null() {
    if (m_depth == 1 && m_key == "point") return m_o.point.reset(), true;
    if (m_depth == 3 && m_key == "point") return m_o.legs.back().point.reset(), true;
    if (m_depth == 3 && m_key == "stake") return m_o.legs.back().stake.reset(), true;
    if (m_depth == 3 && (m_key == "age_s" || m_key == "previous_price" || m_key == "seen_since" || m_key == "link"))
      return true;  // absent and null read alike
    return false;
  }

  bool set_string(std::string& v) {
    if (m_depth == 4) return m_o.legs.back().bookmakers.push_back(std::move(v)), true;
    if (m_depth == 5) return m_o.flags.push_back(std::move(v)), true;
    if (m_depth == 3) {
      if (m_key == "link") return m_o.legs.back().link = std::move(v), true;
      if (m_key == "seen_since") {
        auto t = try_parse_rfc3339(v);
        if (!t) return false;
        return m_o.legs.back().seen_since = *t, true;
      }
      if (m_key != "outcome") return false;
      m_leg_required |= k_outcome;
      return m_o.legs.back().outcome = std::move(v), true;
    }
    if (m_depth != 1) return false;
    if (m_key == "region") return m_required |= k_region, m_o.region = std::move(v), true;
    if (m_key == "sport_key") return m_o.sport_key = std::move(v), true;
    if (m_key == "sport_title") return m_o.sport_title = std::move(v), true;
    if (m_key == "event_id") return m_required |= k_event, m_o.event_id = std::move(v), true;
    if (m_key == "home_team") return m_o.home_team = std::move(v), true;
    if (m_key == "away_team") return m_o.away_team = std::move(v), true;
    if (m_key == "market") return m_required |= k_market, m_o.market = std::move(v), true;
    if (m_key == "kind") return v == "arb";  // other kinds have fields only the slow path reads
    if (m_key == "commence_time") {
      auto t = try_parse_rfc3339(v);
      if (!t) return false;
      m_o.commence_time = *t;
      return m_required |= k_commence, true;
    }
    return false;
  }

  Opportunity& m_o;
  std::string m_key;
  int m_depth = 0;  // 0 outside, 1 opportunity, 2 legs, 3 a leg, 4 its bookmakers, 5 flags
  int m_skip = 0;   // nesting inside a skipped value
  unsigned m_required = 0, m_leg_required = 0;
  bool m_leg_effective = false;
};

Opportunity read_opportunity(const char* text, std::size_t size) {
  Opportunity o;
  OpportunitySax sax(o);
  if (nlohmann::json::sax_parse(text, text + size, &sax) && sax.complete()) return o;
  return opportunity_from_json(nlohmann::json::parse(text, text + size));
}

// One stored row that cannot be read (not JSON, or not an opportunity) is skipped with a
// warning naming it: the rest of the scan, and every other scan and region, are still
// served. `store check` lists such rows.
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
      spdlog::warn("sqlite {}: scan {} region {}: opportunity row {} skipped, it cannot be read: {} "
                   "(oddsctl store check lists such rows)",
                   path, scan.scan_id, scan.region, st.getColumn(0).getInt64(), e.what());
    }
  }
}

// The scan id and started_at of the scan that the (region, source) pointer names, if any.
std::optional<std::pair<std::string, std::int64_t>> pointer_of(SQLite::Database& db, const std::string& region,
                                                               ScanSource source) {
  SQLite::Statement st(db, "SELECT g.scan_id, s.started_at FROM latest_good g "
                           "JOIN scans s ON s.scan_id = g.scan_id AND s.region = g.region "
                           "WHERE g.region = ? AND g.source = ?");
  st.bind(1, region);
  st.bind(2, to_string(source));
  if (!st.executeStep()) return std::nullopt;
  return std::make_pair(st.getColumn(0).getString(), static_cast<std::int64_t>(st.getColumn(1).getInt64()));
}

void write_scan_row(SQLite::Database& db, const RegionScan& scan, int opportunity_count) {
  SQLite::Statement st(db,
                       "INSERT INTO scans (scan_id, region, command, worker, started_at, duration_ms, status, error, "
                       "failed_sports, requests, credits_used, credits_remaining, events, opportunity_count, "
                       "source, empty) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(scan_id, region) DO UPDATE SET "
                       "command = excluded.command, worker = excluded.worker, started_at = excluded.started_at, "
                       "duration_ms = excluded.duration_ms, status = excluded.status, error = excluded.error, "
                       "failed_sports = excluded.failed_sports, requests = excluded.requests, "
                       "credits_used = excluded.credits_used, credits_remaining = excluded.credits_remaining, "
                       "events = excluded.events, opportunity_count = excluded.opportunity_count, "
                       "source = excluded.source, empty = excluded.empty");
  st.bind(1, scan.scan_id);
  st.bind(2, scan.region);
  st.bind(3, scan.command);
  st.bind(4, scan.worker);
  bind_time(st, 5, scan.started_at);
  st.bind(6, static_cast<int64_t>(scan.duration_ms));
  st.bind(7, to_string(scan.status));
  bind_opt(st, 8, scan.error);
  st.bind(9, dump_json(scan.failed_sports));
  st.bind(10, scan.requests);
  bind_opt(st, 11, scan.credits_used);
  bind_opt(st, 12, scan.credits_remaining);
  st.bind(13, scan.events);
  st.bind(14, opportunity_count);
  st.bind(15, to_string(scan.source));
  st.bind(16, to_string(scan.empty));
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
  std::vector<std::string> texts;
  texts.reserve(scan.opportunities.size());
  for (const auto& o : scan.opportunities) texts.push_back(dump_json(to_json(o)));
  int count = scan.opportunities.empty() ? scan.opportunity_count : static_cast<int>(scan.opportunities.size());

  locked("save scan", [&](SQLite::Database& db) {
    auto tx = write_txn(db);
    SQLite::Statement clear(db, "DELETE FROM opportunities WHERE scan_id = ? AND region = ?");
    clear.bind(1, scan.scan_id);
    clear.bind(2, scan.region);
    clear.exec();
    write_scan_row(db, scan, count);
    SQLite::Statement ins(db, "INSERT INTO opportunities (scan_id, region, idx, profit_pct, sport_key, event_id, "
                              "market, point, json) VALUES (?,?,?,?,?,?,?,?,?)");
    for (std::size_t i = 0; i < scan.opportunities.size(); ++i) {
      const auto& o = scan.opportunities[i];
      ins.reset();
      ins.bind(1, scan.scan_id);
      ins.bind(2, scan.region);
      ins.bind(3, static_cast<int64_t>(i));
      ins.bind(4, o.profit_pct);
      ins.bind(5, o.sport_key);
      ins.bind(6, o.event_id);
      ins.bind(7, o.market);
      bind_opt(ins, 8, o.point);
      ins.bind(9, texts[i]);
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
      SQLite::Statement set(db, "INSERT INTO latest_good (region, source, scan_id) VALUES (?, ?, ?) "
                                "ON CONFLICT(region, source) DO UPDATE SET scan_id = excluded.scan_id");
      set.bind(1, scan.region);
      set.bind(2, to_string(scan.source));
      set.bind(3, scan.scan_id);
      set.exec();
    } else if (!good && pointer && pointer->first == scan.scan_id) {
      // The good scan was rewritten as not good (failed, or empty for want of input).
      SQLite::Statement drop(db, "DELETE FROM latest_good WHERE region = ? AND source = ?");
      drop.bind(1, scan.region);
      drop.bind(2, to_string(scan.source));
      drop.exec();
    }
    tx.commit();
  });
}

std::optional<RegionScan> SqliteStore::latest_good(const std::string& region, ScanSource source) {
  return locked("read latest good", [&](SQLite::Database& db) -> std::optional<RegionScan> {
    SQLite::Transaction tx(db);  // one snapshot for the scan and its opportunities
    SQLite::Statement st(db, std::string("SELECT ") + k_scan_columns +
                                 " FROM latest_good g JOIN scans s ON s.scan_id = g.scan_id AND s.region = g.region"
                                 " WHERE g.region = ? AND g.source = ?");
    st.bind(1, region);
    st.bind(2, to_string(source));
    if (!st.executeStep()) return std::nullopt;
    RegionScan scan = read_scan(st);
    load_opportunities(db, scan, m_path);
    return scan;
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
    SQLite::Statement st(db, std::string("SELECT ") + k_scan_columns + " FROM scans s WHERE s.scan_id = ? ORDER BY s.region");
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
  locked("invalidate", [&](SQLite::Database& db) {
    auto tx = write_txn(db);
    SQLite::Statement st(db, region ? "DELETE FROM latest_good WHERE region = ?" : "DELETE FROM latest_good");
    if (region) st.bind(1, *region);
    st.exec();
    tx.commit();
  });
}

}  // namespace oddsctl
