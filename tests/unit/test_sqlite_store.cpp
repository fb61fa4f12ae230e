// SQLite-only facts of the store: files and modes, pragmas, schema versions, URIs, atomicity,
// batched cleanup. What every backend must do is in tests/store/ (the conformance suite).
#include <doctest/doctest.h>

#include <algorithm>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "oddsctl/keys.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"
#include "store/sqlite_schema.hpp"
#include "store/sqlite_store.hpp"

using namespace oddsctl;
namespace fs = std::filesystem;

namespace {

// A temp folder per test case, removed when the case ends.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "oddsctl-sqlite-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

const TimePoint k_t0 = from_epoch_ms(1711502400000);

store::RegionScan scan(const std::string& id, int opportunities, std::int64_t offset_s = 0) {
  store::RegionScan s;
  s.scan_id = id;
  s.region = "au";
  s.worker = "w";
  s.started_at = k_t0 + std::chrono::seconds(offset_s);
  for (int i = 0; i < opportunities; ++i) {
    Opportunity o;
    o.region = "au";
    o.event_id = "e" + std::to_string(i);
    o.market = "h2h";
    o.profit_pct = 1.5;
    o.implied_sum = 0.985;
    o.commence_time = k_t0;
    o.legs = {Leg{"A", std::nullopt, 2.1, 2.1, {"neds"}, std::nullopt}};
    s.opportunities.push_back(o);
  }
  s.opportunity_count = opportunities;
  return s;
}

// Runs `fn` with the working directory set to `dir`.
template <class F>
void in_dir(const fs::path& dir, F&& fn) {
  auto old = fs::current_path();
  fs::current_path(dir);
  try {
    fn();
  } catch (...) {
    fs::current_path(old);
    throw;
  }
  fs::current_path(old);
}

}  // namespace

TEST_CASE("the file is created 0600 in new folders created 0700, in WAL mode with a schema version") {
  TempDir tmp;
  auto path = tmp.path / "a" / "b" / "oddsctl.db";
  { auto store = store::open_store(path.string()); }
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(tmp.path / "a") == 0700);
  CHECK(mode_of(tmp.path / "a" / "b") == 0700);
  SQLite::Database db(path.string());
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.execAndGet("SELECT max(version) FROM schema_version").getInt() == store::sqlite_schema::known_version());
  CHECK(store::sqlite_schema::known_version() >= 1);
}

TEST_CASE("reopening a store keeps its data and does not migrate again") {
  TempDir tmp;
  auto path = (tmp.path / "s.db").string();
  store::open_store(path)->set_meta("k", "v");
  auto store = store::open_store(path);
  CHECK(store->get_meta("k") == std::optional<std::string>("v"));
  SQLite::Database db(path);
  CHECK(db.execAndGet("SELECT count(*) FROM schema_version").getInt() == store::sqlite_schema::known_version());
}

TEST_CASE("a store with a newer schema version than this binary knows is refused clearly") {
  TempDir tmp;
  auto path = (tmp.path / "future.db").string();
  { auto store = store::open_store(path); }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
  }
  try {
    store::open_store(path);
    FAIL("opening a future schema must fail");
  } catch (const StoreError& e) {
    std::string msg = e.what();
    CHECK(msg.find(path) != std::string::npos);
    CHECK(msg.find("999") != std::string::npos);
    CHECK(msg.find("newer") != std::string::npos);
  }
}

TEST_CASE("store URIs: sqlite:///abs, sqlite:relative, bare paths; bad forms are usage errors") {
  TempDir tmp;
  auto as_sqlite = [](const std::unique_ptr<store::Store>& s) { return dynamic_cast<store::SqliteStore*>(s.get()); };

  auto abs = store::open_store("sqlite://" + (tmp.path / "abs.db").string());
  REQUIRE(as_sqlite(abs));
  CHECK(as_sqlite(abs)->path() == (tmp.path / "abs.db").string());
  CHECK(abs->info().location == (tmp.path / "abs.db").string());

  in_dir(tmp.path, [&] {
    auto rel = store::open_store("sqlite:sub/rel.db");
    REQUIRE(as_sqlite(rel));
    CHECK(as_sqlite(rel)->path() == "sub/rel.db");
    auto bare = store::open_store("bare.db");
    REQUIRE(as_sqlite(bare));
    auto colon = store::open_store("./odd:name.db");  // a path, not a scheme
    REQUIRE(as_sqlite(colon));
  });
  CHECK(fs::exists(tmp.path / "sub" / "rel.db"));
  CHECK(fs::exists(tmp.path / "bare.db"));
  CHECK(fs::exists(tmp.path / "odd:name.db"));

  CHECK_THROWS_AS(store::open_store("sqlite://relative.db"), UsageError);
  CHECK_THROWS_WITH(store::open_store("sqlite://relative.db"), doctest::Contains("sqlite:///"));
  CHECK_THROWS_AS(store::open_store("sqlite:"), UsageError);
  CHECK_THROWS_AS(store::open_store(""), UsageError);
  CHECK_THROWS_AS(store::open_store("postgress://u:secret@h/db"), UsageError);  // a typo of a known scheme
  CHECK_THROWS_WITH(store::open_store("postgress://u:secret@h/db"), doctest::Contains("unknown scheme"));
  try {
    store::open_store("redis://u:secret@h/db");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("secret") == std::string::npos);
  }
#ifndef ODDSCTL_WITH_MONGO
  CHECK(built_in_stores() == std::vector<std::string>{"sqlite"});
  CHECK_THROWS_AS(open_store("mongodb://127.0.0.1:1/x"), UsageError);
  CHECK_THROWS_WITH(open_store("mongodb+srv://u:pw@h/x"), doctest::Contains("built without MongoDB support"));
  try {
    open_store("mongodb+srv://u:pw@h/x");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find("pw@") == std::string::npos);
  }
#endif
  // The built stores in a fixed order; a module missing on disk is named so.
  const auto stores = store::built_in_stores();
  REQUIRE_FALSE(stores.empty());
  CHECK(stores.front() == "sqlite");
#ifdef ODDSCTL_WITH_MONGO
  CHECK(std::find_if(stores.begin(), stores.end(), [](const std::string& s) { return s.starts_with("mongodb"); }) !=
        stores.end());
#endif
#ifdef ODDSCTL_WITH_POSTGRES
  CHECK(std::find_if(stores.begin(), stores.end(), [](const std::string& s) { return s.starts_with("postgresql"); }) !=
        stores.end());
#endif
}

TEST_CASE("redact_store_uri removes passwords only") {
  CHECK(redact_store_uri("mongodb://user:s3cr%40t@h1:27017,h2/db?tls=true") ==
        "mongodb://user:***@h1:27017,h2/db?tls=true");
  CHECK(redact_store_uri("mongodb://user@h/db") == "mongodb://user@h/db");
  CHECK(redact_store_uri("mongodb://h/db?x=a@b") == "mongodb://h/db?x=a@b");
  CHECK(redact_store_uri("sqlite:///var/x.db") == "sqlite:///var/x.db");
  CHECK(redact_store_uri("/home/me/x.db") == "/home/me/x.db");
}

TEST_CASE("default_store_path follows XDG_STATE_HOME, else HOME") {
  std::string old_xdg = std::getenv("XDG_STATE_HOME") ? std::getenv("XDG_STATE_HOME") : "";
  std::string old_home = std::getenv("HOME") ? std::getenv("HOME") : "";
  bool had_xdg = std::getenv("XDG_STATE_HOME") != nullptr;
  ::setenv("XDG_STATE_HOME", "/xdg/state", 1);
  ::setenv("HOME", "/home/someone", 1);
  CHECK(store::default_store_path() == "/xdg/state/oddsctl/oddsctl.db");
  ::setenv("XDG_STATE_HOME", "relative/ignored", 1);
  CHECK(store::default_store_path() == "/home/someone/.local/state/oddsctl/oddsctl.db");
  ::unsetenv("XDG_STATE_HOME");
  CHECK(store::default_store_path() == "/home/someone/.local/state/oddsctl/oddsctl.db");
  if (had_xdg) ::setenv("XDG_STATE_HOME", old_xdg.c_str(), 1);
  ::setenv("HOME", old_home.c_str(), 1);
}

TEST_CASE("a failure in the middle of save_scan leaves nothing half-written") {
  TempDir tmp;
  auto path = (tmp.path / "s.db").string();
  auto store = store::open_store(path);
  store->save_scan(scan("good", 2, 0));
  {
    // Inject a failure on the third opportunity row of any later write.
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TRIGGER inject BEFORE INSERT ON opportunities WHEN NEW.idx = 2 "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  try {
    store->save_scan(scan("broken", 5, 60));
    FAIL("save_scan must fail");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("sqlite " + path + ": save scan: ") == 0);
    CHECK(std::string(e.what()).find("injected failure") != std::string::npos);
  }
  CHECK(store->get_scan("broken").empty());
  CHECK(store->latest_good("au")->scan_id == "good");
  CHECK(store->info().counts["opportunities"] == 2);
  // The connection is usable afterwards.
  store->save_scan(scan("small", 1, 120));
  CHECK(store->latest_good("au")->scan_id == "small");
}

TEST_CASE("cleanup deletes in batches: a failure mid-way keeps the batches already done, and the store consistent") {
  TempDir tmp;
  auto path = (tmp.path / "s.db").string();
  auto store = store::open_store(path);
  std::vector<LedgerEntry> rows;
  for (int i = 0; i < 1000; ++i) {
    LedgerEntry e;
    e.at = k_t0 + std::chrono::seconds(i);
    e.key_id = "k";
    e.region = std::string(i % 2 ? "au" : "uk");
    e.credits.remaining = 100000 - i;
    rows.push_back(e);
  }
  store->append_ledger(rows);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TRIGGER inject BEFORE DELETE ON ledger WHEN OLD.id = 500 "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  }
  store::RetentionPolicy p;
  p.ledger_older_than = std::chrono::hours(1);
  p.batch_size = 10;
  const TimePoint now = k_t0 + std::chrono::hours(10);
  auto dry = store->cleanup(p, now, true);
  CHECK(dry.removed["ledger"]["au"] == 499);  // the key's newest row (999, au) stays
  CHECK(dry.removed["ledger"]["uk"] == 500);
  CHECK_THROWS_AS(store->cleanup(p, now, false), StoreError);
  // Rows 1..490 went in 49 committed batches; the batch holding row 500 was rolled back whole.
  auto left = store->ledger({});
  REQUIRE(left.size() == 510);
  CHECK(left.front().credits.remaining == 100000 - 490);
  CHECK(store->check().empty());

  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER inject");
  }
  auto r = store->cleanup(p, now, false);
  CHECK(r.removed["ledger"]["au"] + r.removed["ledger"]["uk"] == 509);
  REQUIRE(store->ledger({}).size() == 1);
  CHECK(store->ledger({})[0].credits.remaining == 100000 - 999);
}

TEST_CASE("compact shrinks the file after a cleanup") {
  TempDir tmp;
  auto path = (tmp.path / "s.db").string();
  auto store = store::open_store(path);
  for (int i = 0; i < 40; ++i) store->save_scan(scan("s" + std::to_string(i), 50, i));
  store::RetentionPolicy p;
  p.keep_last_scans = 1;
  auto r = store->cleanup(p, k_t0 + std::chrono::hours(1), false);
  CHECK(r.removed["scans"]["au"] == 39);
  CHECK(r.removed["opportunities"]["au"] == 39 * 50);
  auto before = store->info().size_bytes;
  store->compact();
  CHECK(store->info().size_bytes < before);
  CHECK(store->check().empty());
}

TEST_CASE("a path that cannot be a database file is a StoreError naming it") {
  TempDir tmp;
  auto dir = tmp.path / "adir";
  fs::create_directory(dir);
  CHECK_THROWS_AS(store::open_store(dir.string()), StoreError);
  try {
    store::open_store(dir.string());
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("sqlite " + dir.string() + ": open: ") == 0);
  }
}

TEST_CASE("check reports a missing index") {
  TempDir tmp;
  auto path = (tmp.path / "s.db").string();
  auto store = store::open_store(path);
  CHECK(store->check().empty());
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("DROP INDEX scans_started");
  }
  auto problems = store->check();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("scans_started") != std::string::npos);
}

TEST_CASE("a version 1 store with data migrates: its latest good stays live, --from-store scans become store") {
  TempDir tmp;
  auto path = (tmp.path / "v1.db").string();
  {
    // The file as oddsctl left it before provenance: schema 1 only, written with raw SQL.
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA foreign_keys=ON");
    store::sqlite_schema::migrate_to(db, path, 1);
    REQUIRE(store::sqlite_schema::current_version(db) == 1);
    auto add = [&](const char* id, const char* region, const char* command, const char* status, std::int64_t at,
                   int opportunities) {
      SQLite::Statement st(db,
                           "INSERT INTO scans (scan_id, region, command, worker, started_at, duration_ms, status, "
                           "requests, events, opportunity_count) VALUES (?, ?, ?, 'w', ?, 5, ?, 2, 3, ?)");
      st.bind(1, id);
      st.bind(2, region);
      st.bind(3, command);
      st.bind(4, static_cast<int64_t>(to_epoch_ms(k_t0) + at));
      st.bind(5, status);
      st.bind(6, opportunities);
      st.exec();
      for (int i = 0; i < opportunities; ++i) {
        auto o = scan(id, 1).opportunities[0];
        SQLite::Statement ins(db,
                              "INSERT INTO opportunities (scan_id, region, idx, profit_pct, sport_key, event_id, "
                              "market, point, json) VALUES (?, ?, ?, 1.5, '', ?, 'h2h', NULL, ?)");
        ins.bind(1, id);
        ins.bind(2, region);
        ins.bind(3, i);
        ins.bind(4, o.event_id);
        ins.bind(5, to_json(o).dump());
        ins.exec();
      }
    };
    add("a1", "au", "scan", "ok", 0, 2);
    add("a2", "au", "scan", "failed", 1000, 0);
    add("u1", "uk", "scan-from-store", "partial", 0, 1);
    add("e1", "eu", "cache-fallback", "ok", 0, 0);
    db.exec("INSERT INTO latest_good (region, scan_id) VALUES ('au', 'a1'), ('uk', 'u1'), ('eu', 'e1')");
  }
  auto store = store::open_store(path);
  CHECK(store->info().schema_version == store::sqlite_schema::known_version());
  CHECK(store->check().empty());
  auto au = store->latest_good("au");
  REQUIRE(au.has_value());
  CHECK(au->scan_id == "a1");
  CHECK(au->source == store::ScanSource::live);
  CHECK(au->empty == store::EmptyReason::none);
  CHECK(au->opportunities.size() == 2);
  CHECK(store->latest_good("eu", store::ScanSource::live)->scan_id == "e1");
  // A --from-store result was never the API's answer: it is the store source's latest good.
  CHECK_FALSE(store->latest_good("uk").has_value());
  REQUIRE(store->latest_good("uk", store::ScanSource::store).has_value());
  CHECK(store->latest_good("uk", store::ScanSource::store)->scan_id == "u1");
  auto all = store->list_scans({.limit = 0});
  REQUIRE(all.size() == 4);
  for (const auto& s : all) {
    CAPTURE(s.scan_id);
    CHECK(s.source == (s.command == "scan-from-store" ? store::ScanSource::store : store::ScanSource::live));
    CHECK(s.empty == store::EmptyReason::none);
  }
  CHECK(store->list_scans({.source = store::ScanSource::store, .limit = 0}).size() == 1);
  // The new rules apply to the migrated data: a demo does not displace live, a newer live does.
  auto demo = scan("d1", 1, 2000);
  demo.source = store::ScanSource::demo;
  store->save_scan(demo);
  CHECK(store->latest_good("au")->scan_id == "a1");
  store->save_scan(scan("a3", 1, 3000));
  CHECK(store->latest_good("au")->scan_id == "a3");
  CHECK(store->latest_good("au", store::ScanSource::demo)->scan_id == "d1");
}

TEST_CASE("check names every opportunity whose text is not valid JSON") {
  TempDir tmp;
  auto path = (tmp.path / "s.db").string();
  auto store = store::open_store(path);
  store->save_scan(scan("run-1", 3, 0));
  CHECK(store->check().empty());
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE opportunities SET json = '{\"region\": \"au\", ' WHERE scan_id = 'run-1' AND idx = 1");
  }
  auto problems = store->check();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("not valid JSON") != std::string::npos);
  CHECK(problems[0].find("scan run-1") != std::string::npos);
  CHECK(problems[0].find("region au") != std::string::npos);
  CHECK(problems[0].find("row 1") != std::string::npos);

  // Many broken rows: the first ones by name, the rest counted.
  store->save_scan(scan("run-2", 30, 60));
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE opportunities SET json = 'not json' WHERE scan_id = 'run-2'");
  }
  problems = store->check();
  REQUIRE(problems.size() == 21);
  CHECK(problems[0].find("scan run-1") != std::string::npos);
  CHECK(problems[20].find("11 more") != std::string::npos);
}

TEST_CASE("check names a scan whose source or empty reason this binary does not know") {
  TempDir tmp;
  auto path = (tmp.path / "s.db").string();
  auto store = store::open_store(path);
  store->save_scan(scan("run-1", 1, 0));
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("UPDATE scans SET source = 'dream' WHERE scan_id = 'run-1'");
  }
  auto problems = store->check();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("scan run-1 region au") != std::string::npos);
  CHECK(problems[0].find("'dream'") != std::string::npos);
  // Reads refuse it, naming the file, rather than serve it as live.
  CHECK_THROWS_WITH_AS(store->list_scans({}), doctest::Contains("unknown scan source 'dream'"), StoreError);
  try {
    store->list_scans({});
    FAIL("list_scans must refuse the row");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("sqlite " + path + ": list scans: ") == 0);
  }
}

// --- read-only opens, other programs' files, one bad row ---

namespace {

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct FileState {
  std::string bytes;
  std::int64_t mtime_ns = 0;
  explicit FileState(const fs::path& p) : bytes(file_bytes(p)) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
  bool operator==(const FileState& o) const { return bytes == o.bytes && mtime_ns == o.mtime_ns; }
};

// A closed store file in WAL mode with everything checkpointed (no -wal, no -shm left).
void make_store_with(const fs::path& path, const std::vector<store::RegionScan>& scans) {
  {
    auto store = store::open_store(path.string());
    for (const auto& s : scans) store->save_scan(s);
  }
  REQUIRE_FALSE(fs::exists(path.string() + "-wal"));
}

}  // namespace

TEST_CASE("read-only: a missing file is 'no store at PATH', and nothing is created") {
  TempDir tmp;
  auto path = tmp.path / "typo" / "oddsctl.db";
  const std::string says = "no store at " + path.string() + ": run a scan first";
  CHECK_THROWS_WITH_AS(open_store(path.string(), store::OpenMode::read_only), doctest::Contains(says.c_str()),
                       StoreError);
  CHECK_FALSE(fs::exists(path.parent_path()));
  auto flat = tmp.path / "oddsctl.db";
  CHECK_THROWS_WITH_AS(open_store("sqlite://" + flat.string(), store::OpenMode::read_only),
                       doctest::Contains("no store at"), StoreError);
  CHECK_FALSE(fs::exists(flat));
  // An empty file (what a writer makes first) is no store either, and stays empty.
  { std::ofstream(flat.string()).flush(); }
  CHECK_THROWS_WITH_AS(open_store(flat.string(), store::OpenMode::read_only), doctest::Contains("no store at"),
                       StoreError);
  CHECK(fs::file_size(flat) == 0);
  // A writer makes a store of it.
  CHECK_NOTHROW(store::open_store(flat.string()));
  CHECK_NOTHROW(open_store(flat.string(), store::OpenMode::read_only));
}

TEST_CASE("read-only: reads a store without changing its file; writes are refused") {
  TempDir tmp;
  auto path = tmp.path / "s.db";
  make_store_with(path, {scan("run-1", 3, 0)});
  ::chmod(path.c_str(), 0400);  // root ignores it: the bytes and mtime are the real check
  FileState before(path);
  {
    auto store = open_store(path.string(), store::OpenMode::read_only);
    auto got = store->latest_good("au");
    REQUIRE(got.has_value());
    CHECK(got->opportunities.size() == 3);
    CHECK(store->list_scans({}).size() == 1);
    CHECK(store->check().empty());
    CHECK(store->info().schema_version == store::sqlite_schema::known_version());
    CHECK_THROWS_AS(store->set_meta("k", "v"), StoreError);
    CHECK_THROWS_AS(store->save_scan(scan("run-2", 1, 60)), StoreError);
  }
  CHECK(FileState(path) == before);
  ::chmod(path.c_str(), 0600);
}

TEST_CASE("read-only: an older oddsctl's store is upgraded when it may be written, never created") {
  TempDir tmp;
  auto path = (tmp.path / "v1.db").string();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    store::sqlite_schema::migrate_to(db, path, 1);
  }
  auto store = open_store(path, store::OpenMode::read_only);
  CHECK(store->info().schema_version == store::sqlite_schema::known_version());
  CHECK_FALSE(store->latest_good("au").has_value());
}

TEST_CASE("another program's SQLite file is refused, read-write or read-only, and never written to") {
  TempDir tmp;
  struct Case {
    const char* name;
    const char* sql;
    const char* says;
  };
  const Case cases[] = {
      {"other-app", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'a')",
       "no schema_version table"},
      {"their-version",
       "CREATE TABLE schema_version (id INTEGER, version TEXT); INSERT INTO schema_version VALUES (1, '7')",
       "another program's"},
      {"same-shape",
       "CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at INTEGER NOT NULL); "
       "INSERT INTO schema_version VALUES (1, 0); CREATE TABLE orders (id INTEGER)",
       "none of oddsctl's tables"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto path = tmp.path / (std::string(c.name) + ".db");
    {
      SQLite::Database db(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec(c.sql);
    }
    FileState before(path);
    for (store::OpenMode mode : {store::OpenMode::read_write, store::OpenMode::read_only}) {
      try {
        open_store(path.string(), mode);
        FAIL("a foreign file must be refused");
      } catch (const StoreError& e) {
        std::string msg = e.what();
        CHECK(msg.find("sqlite " + path.string() + ": open: not an oddsctl store") == 0);
        CHECK(msg.find(c.says) != std::string::npos);
      }
    }
    CHECK(FileState(path) == before);
    CHECK_FALSE(fs::exists(path.string() + "-wal"));
    SQLite::Database db(path.string());
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "delete");  // not switched to WAL
    CHECK_FALSE(db.tableExists("scans"));
  }
}

TEST_CASE("one opportunity row that cannot be read is skipped; the rest of the scan and other scans are served") {
  TempDir tmp;
  auto path = (tmp.path / "s.db").string();
  auto store = store::open_store(path);
  store->save_scan(scan("run-1", 4, 0));
  auto uk = scan("run-1", 2, 0);
  uk.region = "uk";
  for (auto& o : uk.opportunities) o.region = "uk";
  store->save_scan(uk);
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    // Not JSON; JSON that is not an opportunity (the SAX path gives up, the tree path throws).
    db.exec("UPDATE opportunities SET json = '{\"region\": \"au\", ' WHERE region = 'au' AND idx = 1");
    db.exec("UPDATE opportunities SET json = '{\"region\": 5, \"legs\": 3}' WHERE region = 'au' AND idx = 3");
  }
  for (store::OpenMode mode : {store::OpenMode::read_write, store::OpenMode::read_only}) {
    auto reader = open_store(path, mode);
    auto au = reader->latest_good("au");
    REQUIRE(au.has_value());
    REQUIRE(au->opportunities.size() == 2);
    CHECK(au->opportunities[0].event_id == "e0");
    CHECK(au->opportunities[1].event_id == "e2");
    REQUIRE(reader->latest_good("uk").has_value());
    CHECK(reader->latest_good("uk")->opportunities.size() == 2);
    auto both = reader->get_scan("run-1");
    REQUIRE(both.size() == 2);
    CHECK(both[0].opportunities.size() == 2);
    CHECK(both[1].opportunities.size() == 2);
    auto listed = reader->list_scans({.limit = 0, .with_opportunities = true});
    REQUIRE(listed.size() == 2);
  }
}
