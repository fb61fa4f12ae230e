#include "store/pg/pg_schema.hpp"

#include "oddsctl/errors.hpp"

namespace oddsctl::store::pg::schema {

namespace {

// Times are BIGINT epoch milliseconds (UTC), JSON is TEXT: the SQLite store's layout, so
// migrate and both backends read the same values back. Text compares bytewise (COLLATE "C"),
// as in SQLite: every listing comes out in the same order whatever the database's locale.
const std::vector<std::vector<const char*>> k_migrations = {
    // 1: the schema of SQLite's version 3 (provenance, per-source latest good, credits).
    {
        R"(CREATE TABLE scans (
             scan_id TEXT COLLATE "C" NOT NULL, region TEXT COLLATE "C" NOT NULL, command TEXT COLLATE "C" NOT NULL,
             worker TEXT COLLATE "C" NOT NULL, started_at BIGINT NOT NULL, duration_ms BIGINT NOT NULL,
             status TEXT COLLATE "C" NOT NULL, error TEXT COLLATE "C", failed_sports TEXT COLLATE "C" NOT NULL DEFAULT '[]',
             requests INTEGER NOT NULL, credits_used BIGINT, credits_remaining BIGINT,
             events INTEGER NOT NULL, opportunity_count INTEGER NOT NULL,
             source TEXT COLLATE "C" NOT NULL DEFAULT 'live', empty TEXT COLLATE "C" NOT NULL DEFAULT 'none',
             PRIMARY KEY (scan_id, region)))",
        "CREATE INDEX scans_region_started ON scans(region, started_at, scan_id)",
        "CREATE INDEX scans_started ON scans(started_at)",
        R"(CREATE TABLE opportunities (
             scan_id TEXT COLLATE "C" NOT NULL, region TEXT COLLATE "C" NOT NULL, idx INTEGER NOT NULL,
             profit_pct DOUBLE PRECISION NOT NULL, sport_key TEXT COLLATE "C" NOT NULL, event_id TEXT COLLATE "C" NOT NULL,
             market TEXT COLLATE "C" NOT NULL, point DOUBLE PRECISION, json TEXT COLLATE "C" NOT NULL,
             PRIMARY KEY (scan_id, region, idx),
             FOREIGN KEY (scan_id, region) REFERENCES scans(scan_id, region) ON DELETE CASCADE))",
        R"(CREATE TABLE latest_good (
             region TEXT COLLATE "C" NOT NULL, source TEXT COLLATE "C" NOT NULL, scan_id TEXT COLLATE "C" NOT NULL,
             PRIMARY KEY (region, source),
             FOREIGN KEY (scan_id, region) REFERENCES scans(scan_id, region) ON DELETE CASCADE))",
        "CREATE INDEX latest_good_scan ON latest_good(scan_id, region)",
        R"(CREATE TABLE leases (
             name TEXT COLLATE "C" PRIMARY KEY, owner TEXT COLLATE "C" NOT NULL,
             acquired_at BIGINT NOT NULL, expires_at BIGINT NOT NULL))",
        "CREATE INDEX leases_expires ON leases(expires_at)",
        R"(CREATE TABLE ledger (
             id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, key_id TEXT COLLATE "C" NOT NULL,
             key_hint TEXT COLLATE "C" NOT NULL, region TEXT COLLATE "C" NOT NULL, command TEXT COLLATE "C" NOT NULL,
             endpoint TEXT COLLATE "C" NOT NULL, sport TEXT COLLATE "C" NOT NULL, http_status INTEGER NOT NULL,
             used BIGINT, remaining BIGINT, last BIGINT))",
        "CREATE INDEX ledger_key_at ON ledger(key_id, at, id)",
        "CREATE INDEX ledger_at ON ledger(at, id)",
        R"(CREATE TABLE tracked_events (
             region TEXT COLLATE "C" NOT NULL, event_id TEXT COLLATE "C" NOT NULL, sport_key TEXT COLLATE "C" NOT NULL,
             sport_title TEXT COLLATE "C" NOT NULL, home_team TEXT COLLATE "C" NOT NULL, away_team TEXT COLLATE "C" NOT NULL,
             commence_time BIGINT NOT NULL, discovered_at BIGINT NOT NULL, pinned_tier TEXT COLLATE "C",
             last_synced_at BIGINT, last_changed_at BIGINT, last_attempt_at BIGINT,
             fingerprint TEXT COLLATE "C" NOT NULL DEFAULT '', failures INTEGER NOT NULL DEFAULT 0,
             last_error TEXT COLLATE "C",
             PRIMARY KEY (region, event_id)))",
        "CREATE INDEX tracked_event ON tracked_events(event_id)",
        "CREATE INDEX tracked_sport ON tracked_events(sport_key, commence_time)",
        "CREATE INDEX tracked_commence ON tracked_events(commence_time)",
        R"(CREATE TABLE snapshots (
             id BIGSERIAL PRIMARY KEY, region TEXT COLLATE "C" NOT NULL, event_id TEXT COLLATE "C" NOT NULL,
             sport_key TEXT COLLATE "C" NOT NULL, taken_at BIGINT NOT NULL, fingerprint TEXT COLLATE "C" NOT NULL,
             event_json TEXT COLLATE "C" NOT NULL))",
        "CREATE INDEX snapshots_event ON snapshots(region, event_id, taken_at, id)",
        "CREATE INDEX snapshots_taken ON snapshots(taken_at, id)",
        "CREATE INDEX snapshots_sport ON snapshots(sport_key, taken_at)",
        R"(CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL))",
        R"(CREATE TABLE alerts (
             key TEXT COLLATE "C" PRIMARY KEY, sent_at BIGINT NOT NULL, profit_pct DOUBLE PRECISION NOT NULL))",
        "CREATE INDEX alerts_sent ON alerts(sent_at)",
        R"(CREATE TABLE heartbeats (
             worker_id TEXT COLLATE "C" PRIMARY KEY, host TEXT COLLATE "C" NOT NULL, pid INTEGER NOT NULL,
             command TEXT COLLATE "C" NOT NULL, started_at BIGINT NOT NULL, last_cycle_at BIGINT NOT NULL,
             cycles BIGINT NOT NULL, last_error TEXT COLLATE "C"))",
        "CREATE INDEX heartbeats_cycle ON heartbeats(last_cycle_at)",
        R"(CREATE TABLE credit_keys (
             key_id TEXT COLLATE "C" PRIMARY KEY, remaining BIGINT, reported_at BIGINT))",
        R"(CREATE TABLE credit_holds (
             id TEXT COLLATE "C" PRIMARY KEY, key_id TEXT COLLATE "C" NOT NULL, owner TEXT COLLATE "C" NOT NULL, cost BIGINT NOT NULL,
             created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL))",
        "CREATE INDEX credit_holds_key ON credit_holds(key_id, expires_at)",
        "CREATE INDEX credit_holds_expires ON credit_holds(expires_at)",
    },
};

const std::vector<const char*> k_tables = {"schema_version", "scans",          "opportunities", "latest_good", "leases",
                                           "ledger",         "tracked_events", "snapshots",     "meta",        "alerts",
                                           "heartbeats",     "credit_keys",    "credit_holds"};
const std::vector<const char*> k_indexes = {
    "scans_region_started", "scans_started",    "latest_good_scan", "leases_expires",
    "ledger_key_at",        "ledger_at",        "tracked_event",    "tracked_sport",
    "tracked_commence",     "snapshots_event",  "snapshots_taken",  "snapshots_sport",
    "alerts_sent",          "heartbeats_cycle", "credit_holds_key", "credit_holds_expires"};

bool relation_exists(Tx& tx, const std::string& schema, const std::string& name) {
  auto r = tx.exec("SELECT to_regclass($1) IS NOT NULL", Params().add(quote_ident(schema) + "." + quote_ident(name)));
  return r.text(0, 0) == "t";
}

int read_version(Tx& tx) {
  auto r = tx.exec("SELECT max(version) FROM schema_version");
  return r.null(0, 0) ? 0 : r.i32(0, 0);
}

}  // namespace

const std::vector<const char*>& tables() { return k_tables; }

int known_version() { return static_cast<int>(k_migrations.size()); }

int current_version(Tx& tx, const std::string& schema) {
  if (!relation_exists(tx, schema, "schema_version")) return 0;
  return read_version(tx);
}

std::string foreign_reason(Tx& tx, const std::string& schema) {
  if (relation_exists(tx, schema, "schema_version")) {
    auto cols = tx.exec(
        "SELECT string_agg(attname, ',' ORDER BY attname) FROM pg_attribute "
        "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
        Params().add(quote_ident(schema) + ".schema_version"));
    if (cols.text(0, 0) != "applied_at,version")
      return "its schema_version table is another program's (columns " + cols.text(0, 0) + ")";
    return "";
  }
  for (const char* t : k_tables)
    if (relation_exists(tx, schema, t))
      return std::string("schema ") + schema + " has a table " + t + " but no schema_version table";
  return "";
}

void migrate(Tx& tx, const std::string& schema, const std::string& label) {
  // The lock first: CREATE ... IF NOT EXISTS is not safe against a concurrent CREATE.
  tx.exec("SELECT pg_advisory_xact_lock(hashtext($1))", Params().add("oddsctl:" + schema + ":schema"));
  if (std::string why = foreign_reason(tx, schema); !why.empty())
    throw StoreError(label + ": open: not an oddsctl store: " + why + "; it was not changed");
  tx.exec("CREATE SCHEMA IF NOT EXISTS " + quote_ident(schema));
  tx.exec("SET LOCAL search_path = " + quote_ident(schema));
  tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at BIGINT NOT NULL)");
  int have = read_version(tx);
  if (have > known_version())
    throw StoreError(label + ": open: the store has schema version " + std::to_string(have) +
                     ", newer than this oddsctl knows (" + std::to_string(known_version()) + "); use a newer oddsctl");
  for (; have < known_version(); ++have) {
    for (const char* sql : k_migrations[static_cast<std::size_t>(have)]) tx.exec(sql);
    tx.exec(
        "INSERT INTO schema_version (version, applied_at) "
        "VALUES ($1, (extract(epoch from clock_timestamp()) * 1000)::bigint)",
        Params().add(have + 1));
  }
}

std::vector<std::string> check(Tx& tx, const std::string& schema) {
  std::vector<std::string> problems;
  int version = current_version(tx, schema);
  if (version != known_version())
    problems.push_back("schema version " + std::to_string(version) + ", expected " + std::to_string(known_version()));
  for (const char* t : k_tables)
    if (!relation_exists(tx, schema, t)) problems.push_back(std::string("missing table ") + t);
  for (const char* i : k_indexes)
    if (!relation_exists(tx, schema, i)) problems.push_back(std::string("missing index ") + i);
  if (!problems.empty()) return problems;
  // An index left invalid by an interrupted CREATE INDEX CONCURRENTLY (by hand) or a failed
  // REINDEX serves no query.
  auto invalid = tx.exec(
      "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT i.indisvalid "
      "ORDER BY 1",
      Params().add(schema));
  for (int r = 0; r < invalid.rows(); ++r)
    problems.push_back("index " + invalid.text(r, 0) + " is invalid (REINDEX it)");
  auto odd = tx.exec(
      "SELECT scan_id, region, source, empty FROM scans "
      "WHERE source NOT IN ('live', 'replay', 'demo', 'store') "
      "OR empty NOT IN ('none', 'no_events', 'filtered', 'no_snapshots') "
      "ORDER BY scan_id, region LIMIT 20");
  for (int r = 0; r < odd.rows(); ++r)
    problems.push_back("scan " + odd.text(r, 0) + " region " + odd.text(r, 1) + ": unknown source '" + odd.text(r, 2) +
                       "' or empty reason '" + odd.text(r, 3) + "'");
  // Opportunity rows whose text is not JSON make every read of their scan skip them: name
  // them (the first 20). A cheap test on the server, the text's outer braces: it catches a
  // truncated or foreign text; a reader that meets a subtler one skips it and says so.
  auto suspicious = tx.exec(
      "SELECT scan_id, region, idx, json FROM opportunities "
      "WHERE left(json, 1) <> '{' OR right(json, 1) <> '}' ORDER BY 1, 2, 3 LIMIT 21");
  for (int r = 0; r < suspicious.rows() && r < 20; ++r)
    problems.push_back("opportunity not valid JSON: scan " + suspicious.text(r, 0) + " region " +
                       suspicious.text(r, 1) + " row " + suspicious.text(r, 2));
  if (suspicious.rows() > 20) problems.push_back("... and more opportunities not valid JSON");
  return problems;
}

}  // namespace oddsctl::store::pg::schema
