// The PostgreSQL Store: opening (connection, schema), info, check, compact.
#include "store/pg/pg_store.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "store/pg/pg_schema.hpp"
#include "store/pg/pg_store_impl.hpp"
#include "util/module_log.hpp"

namespace oddsctl::store {

std::unique_ptr<Store> make_pg_store(const std::string& uri, OpenMode mode) {
  return std::make_unique<pg::PgStore>(pg::parse_target(uri), mode);
}

}  // namespace oddsctl::store

namespace oddsctl::store::pg {

namespace {
constexpr auto k_now_window = std::chrono::seconds(5);
}

std::optional<std::int64_t> lease_now_ms(TimePoint now) {
  const auto wall = now_utc();
  const auto gap = now > wall ? now - wall : wall - now;
  if (gap <= k_now_window) return std::nullopt;
  return to_epoch_ms(now);
}

std::string now_sql(int param) {
  return "coalesce($" + std::to_string(param) + "::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint)";
}

PgStore::PgStore(Target target, OpenMode mode)
    : m_conn(std::move(target)), m_mode(mode), m_label("postgresql " + m_conn.target().redacted) {
  try {
    m_conn.connect();
  } catch (const std::exception& e) {
    throw fail("open", e.what());
  }
  open_schema();
}

PgStore::~PgStore() = default;

// The migration transaction, again when another runner made the schema meanwhile. The
// advisory lock orders the runners, but a backend that waited on it can still hold a stale
// catalog cache (an advisory lock, unlike a table lock, does not make it read the catalog
// changes committed meanwhile): its CREATE ... IF NOT EXISTS then collides with what the
// first runner made (23505, 42P06, 42P07) or misses it (42P01). A new transaction reads
// them, and then finds the work done.
void PgStore::migrate_schema() {
  const std::string& schema = m_conn.target().schema;
  for (int attempt = 1;; ++attempt) {
    std::lock_guard<std::mutex> lock(m_mutex);
    try {
      m_conn.transaction(TxKind::read_write, [&](Tx& tx) { schema::migrate(tx, schema, m_label); });
      return;
    } catch (const PgFailure& f) {
      const std::string& st = f.sqlstate();
      const bool collided = st == "23505" || st == "42P06" || st == "42P07" || st == "42P01" || st == "42710";
      if (!collided || attempt >= 5) throw fail("open", f.what());
    } catch (const StoreError&) {
      throw;
    } catch (const std::exception& e) {
      throw fail("open", e.what());
    }
  }
}

StoreError PgStore::fail(const char* op, const std::string& cause) const {
  return StoreError(m_label + ": " + op + ": " + cause);
}

void PgStore::open_schema() {
  const std::string& schema = m_conn.target().schema;
  int version = 0;
  std::string foreign;
  run("open", TxKind::read_only, [&](Tx& tx) {
    version = schema::current_version(tx, schema);
    foreign = version == 0 ? schema::foreign_reason(tx, schema) : "";
  });
  if (!foreign.empty()) throw fail("open", "not an oddsctl store: " + foreign + "; it was not changed");
  const int known = schema::known_version();
  if (version > known)
    throw fail("open", "the store has schema version " + std::to_string(version) + ", newer than this oddsctl knows (" +
                           std::to_string(known) + "); use a newer oddsctl");
  if (version == known) return;
  if (m_mode == OpenMode::read_only) {
    if (version == 0)
      throw StoreError("no store at " + m_conn.target().redacted + " (no oddsctl tables in schema " + schema +
                       "): run a scan first");
    // An older oddsctl's store: reading it needs the newer schema, upgraded here when this
    // role may (what any writing command does), else refused with the way out.
    try {
      migrate_schema();
    } catch (const Error& e) {
      throw fail("open", std::string("the store has an older schema and cannot be upgraded from here (") + e.what() +
                             "): run `oddsctl cleanup --dry-run` once as a role that may write it");
    }
    module_log::info(fmt::format("{}: schema upgraded from version {} to {}", m_label, version, known));
    return;
  }
  migrate_schema();
  if (version > 0) module_log::info(fmt::format("{}: schema upgraded from version {} to {}", m_label, version, known));
}

StoreInfo PgStore::info() {
  StoreInfo info;
  read(
      "info",
      [&](Tx& tx) {
        info = StoreInfo{};
        info.backend = "postgresql";
        info.location = m_conn.target().redacted;
        info.schema_version = schema::current_version(tx, m_conn.target().schema);
        auto r = tx.exec(
            "SELECT (SELECT count(*) FROM scans), (SELECT count(*) FROM opportunities), (SELECT count(*) FROM "
            "snapshots), "
            "(SELECT count(*) FROM ledger), (SELECT count(*) FROM leases), (SELECT count(*) FROM alerts), "
            "(SELECT count(*) FROM heartbeats), (SELECT count(*) FROM tracked_events), (SELECT count(*) FROM meta), "
            "(SELECT count(*) FROM latest_good)");
        const char* kinds[] = {"scans",  "opportunities", "snapshots", "ledger", "leases",
                               "alerts", "heartbeats",    "tracked",   "meta",   "latest_good"};
        for (int i = 0; i < 10; ++i) info.counts[kinds[i]] = r.i64(0, i);
        std::int64_t bytes = 0;
        for (const char* t : schema::tables()) {
          auto s = tx.exec("SELECT coalesce(pg_total_relation_size(to_regclass($1)), 0)",
                           Params().add(quote_ident(m_conn.target().schema) + "." + quote_ident(t)));
          bytes += s.i64(0, 0);
        }
        info.size_bytes = bytes;
      },
      TxKind::snapshot);
  return info;
}

std::vector<std::string> PgStore::check() {
  std::vector<std::string> problems;
  read(
      "check", [&](Tx& tx) { problems = schema::check(tx, m_conn.target().schema); }, TxKind::snapshot);
  return problems;
}

// VACUUM cannot run in a transaction block: one statement on its own, which a transaction
// pooler runs as its own transaction. Table names are schema-qualified (no search_path).
void PgStore::compact() {
  if (m_mode == OpenMode::read_only) throw fail("compact", "the store was opened read-only");
  std::lock_guard<std::mutex> lock(m_mutex);
  std::string list;
  for (const char* t : schema::tables())
    list += (list.empty() ? "" : ", ") + quote_ident(m_conn.target().schema) + "." + quote_ident(t);
  try {
    m_conn.exec_outside("VACUUM (ANALYZE) " + list);
  } catch (const std::exception& e) {
    throw fail("compact", e.what());
  }
}

}  // namespace oddsctl::store::pg
