// The PostgreSQL store's small state (meta, alerts, heartbeats) and the budget ledger.
#include "store/pg/pg_store_impl.hpp"

namespace oddsctl::store::pg {

std::optional<std::string> PgStore::get_meta(const std::string& key) {
  std::optional<std::string> out;
  read("get meta", [&](Tx& tx) {
    auto r = tx.exec("SELECT value FROM meta WHERE key = $1", Params().add(key));
    out = r.rows() ? std::optional<std::string>(r.text(0, 0)) : std::nullopt;
  });
  return out;
}

void PgStore::set_meta(const std::string& key, const std::string& value) {
  write("set meta", [&](Tx& tx) {
    tx.exec("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            Params().add(key).add(value));
  });
}

std::optional<std::map<std::string, std::string>> PgStore::list_meta() {
  std::map<std::string, std::string> out;
  read("list meta", [&](Tx& tx) {
    out.clear();
    auto r = tx.exec("SELECT key, value FROM meta ORDER BY key");
    for (int row = 0; row < r.rows(); ++row) out[r.text(row, 0)] = r.text(row, 1);
  });
  return out;
}

std::optional<AlertMark> PgStore::get_alert(const std::string& key) {
  std::optional<AlertMark> out;
  read("get alert", [&](Tx& tx) {
    auto r = tx.exec("SELECT key, sent_at, profit_pct FROM alerts WHERE key = $1", Params().add(key));
    out.reset();
    if (r.rows()) out = AlertMark{r.text(0, 0), r.time(0, 1), r.f64(0, 2)};
  });
  return out;
}

void PgStore::mark_alert(const AlertMark& mark) {
  write("mark alert", [&](Tx& tx) {
    tx.exec(
        "INSERT INTO alerts (key, sent_at, profit_pct) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET "
        "sent_at = excluded.sent_at, profit_pct = excluded.profit_pct",
        Params().add(mark.key).add(mark.sent_at).add(mark.profit_pct));
  });
}

std::vector<AlertMark> PgStore::list_alerts() {
  std::vector<AlertMark> out;
  read("list alerts", [&](Tx& tx) {
    out.clear();
    auto r = tx.exec("SELECT key, sent_at, profit_pct FROM alerts ORDER BY key");
    for (int row = 0; row < r.rows(); ++row) out.push_back({r.text(row, 0), r.time(row, 1), r.f64(row, 2)});
  });
  return out;
}

void PgStore::heartbeat(const Heartbeat& hb) {
  write("heartbeat", [&](Tx& tx) {
    tx.exec(
        "INSERT INTO heartbeats (worker_id, host, pid, command, started_at, last_cycle_at, cycles, last_error) "
        "VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, "
        "pid = excluded.pid, command = excluded.command, started_at = excluded.started_at, "
        "last_cycle_at = excluded.last_cycle_at, cycles = excluded.cycles, last_error = excluded.last_error",
        Params()
            .add(hb.worker_id)
            .add(hb.host)
            .add(hb.pid)
            .add(hb.command)
            .add(hb.started_at)
            .add(hb.last_cycle_at)
            .add(static_cast<std::int64_t>(hb.cycles))
            .add(hb.last_error));
  });
}

std::vector<Heartbeat> PgStore::heartbeats() {
  std::vector<Heartbeat> out;
  read("list heartbeats", [&](Tx& tx) {
    out.clear();
    auto r = tx.exec(
        "SELECT worker_id, host, pid, command, started_at, last_cycle_at, cycles, last_error "
        "FROM heartbeats ORDER BY worker_id");
    for (int row = 0; row < r.rows(); ++row) {
      Heartbeat hb;
      hb.worker_id = r.text(row, 0);
      hb.host = r.text(row, 1);
      hb.pid = r.i32(row, 2);
      hb.command = r.text(row, 3);
      hb.started_at = r.time(row, 4);
      hb.last_cycle_at = r.time(row, 5);
      hb.cycles = r.i64(row, 6);
      hb.last_error = r.opt_text(row, 7);
      out.push_back(std::move(hb));
    }
  });
  return out;
}

// --- the budget ledger ---

namespace {

constexpr const char* k_ledger_columns =
    "at, key_id, key_hint, region, command, endpoint, sport, http_status, used, remaining, last";

LedgerEntry read_entry(const Result& r, int row) {
  LedgerEntry e;
  e.at = r.time(row, 0);
  e.key_id = r.text(row, 1);
  e.key_hint = r.text(row, 2);
  e.region = r.text(row, 3);
  e.command = r.text(row, 4);
  e.endpoint = r.text(row, 5);
  e.sport = r.text(row, 6);
  e.http_status = r.i32(row, 7);
  e.credits.used = r.opt_i64(row, 8);
  e.credits.remaining = r.opt_i64(row, 9);
  e.credits.last = r.opt_i64(row, 10);
  return e;
}

std::optional<std::string> opt_num(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

}  // namespace

void PgStore::append_ledger(const std::vector<LedgerEntry>& entries) {
  if (entries.empty()) return;
  std::vector<std::optional<std::string>> at, key_id, hint, region, command, endpoint, sport, status, used, remaining,
      last;
  for (const auto& e : entries) {
    at.emplace_back(std::to_string(to_epoch_ms(e.at)));
    key_id.emplace_back(e.key_id);
    hint.emplace_back(e.key_hint);
    region.emplace_back(e.region);
    command.emplace_back(e.command);
    endpoint.emplace_back(e.endpoint);
    sport.emplace_back(e.sport);
    status.emplace_back(std::to_string(e.http_status));
    used.push_back(opt_num(e.credits.used));
    remaining.push_back(opt_num(e.credits.remaining));
    last.push_back(opt_num(e.credits.last));
  }
  write("append ledger", [&](Tx& tx) {
    // WITH ORDINALITY: ids follow the order of the entries (ties within a millisecond).
    tx.exec(std::string("INSERT INTO ledger (") + k_ledger_columns +
                ") SELECT at, key_id, key_hint, region, command, endpoint, sport, http_status, used, remaining, last "
                "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
                "$8::int[], $9::bigint[], $10::bigint[], $11::bigint[]) WITH ORDINALITY AS "
                "e(at, key_id, key_hint, region, command, endpoint, sport, http_status, used, remaining, last, n) "
                "ORDER BY n",
            Params()
                .add_array(at)
                .add_array(key_id)
                .add_array(hint)
                .add_array(region)
                .add_array(command)
                .add_array(endpoint)
                .add_array(sport)
                .add_array(status)
                .add_array(used)
                .add_array(remaining)
                .add_array(last));
  });
}

std::vector<LedgerEntry> PgStore::ledger(const LedgerQuery& query) {
  std::vector<LedgerEntry> out;
  read("read ledger", [&](Tx& tx) {
    out.clear();
    std::string sql = std::string("SELECT ") + k_ledger_columns + " FROM ledger WHERE true";
    Params p;
    int n = 0;
    if (query.key_id) sql += " AND key_id = $" + std::to_string(++n), p.add(*query.key_id);
    if (query.since) sql += " AND at >= $" + std::to_string(++n), p.add(*query.since);
    if (query.limit > 0) sql += " ORDER BY at DESC, id DESC LIMIT $" + std::to_string(++n), p.add(query.limit);
    else sql += " ORDER BY at, id";
    auto r = tx.exec(sql, p);
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_entry(r, row));
  });
  return out;
}

std::vector<LedgerEntry> PgStore::latest_per_key() {
  std::vector<LedgerEntry> out;
  read("read ledger", [&](Tx& tx) {
    out.clear();
    auto r = tx.exec(std::string("SELECT DISTINCT ON (key_id) ") + k_ledger_columns +
                     " FROM ledger WHERE remaining IS NOT NULL ORDER BY key_id, at DESC, id DESC");
    for (int row = 0; row < r.rows(); ++row) out.push_back(read_entry(r, row));
  });
  return out;
}

}  // namespace oddsctl::store::pg
