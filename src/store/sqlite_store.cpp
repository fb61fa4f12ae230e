// Opening the SQLite store: the file and folder with private modes, the pragmas, the schema.
#include "store/sqlite_store.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Statement.h>
#include <spdlog/spdlog.h>

#include "store/sqlite_schema.hpp"

namespace oddsctl::store {

namespace {

// How long a writer waits for another one (another process, another Store object) before
// giving up with "database is locked". Long enough for one cleanup batch or one big scan.
constexpr int k_busy_timeout_ms = 10000;

// SQLite's own busy handler (sqlite3_busy_timeout) sleeps ever longer between tries, up to
// 100 ms: a writer queued behind a cleanup, which frees the lock for about a millisecond
// between its short transactions, would sleep through most of those chances. This one tries
// again every 250 us for the first quarter second (a try is a lock call on the file, a few
// microseconds), then every 5 ms, for about k_busy_timeout_ms.
int busy_handler(void*, int tries) {
  constexpr int k_fast_tries = 1000;
  constexpr auto k_fast = std::chrono::microseconds(250);
  constexpr auto k_slow = std::chrono::milliseconds(5);
  const auto waited = tries < k_fast_tries ? tries * k_fast : k_fast_tries * k_fast + (tries - k_fast_tries) * k_slow;
  if (waited >= std::chrono::milliseconds(k_busy_timeout_ms)) return 0;  // SQLITE_BUSY: "database is locked"
  if (tries < k_fast_tries) std::this_thread::sleep_for(k_fast);
  else std::this_thread::sleep_for(k_slow);
  return 1;
}

// The connection's own mutex (SQLite's serialized mode) is taken on every call, several per
// row read; SqliteStore::locked already serialises every use of the connection.
constexpr int k_no_mutex = SQLITE_OPEN_NOMUTEX;

void set_busy_handler(SQLite::Database& db) { sqlite3_busy_handler(db.getHandle(), busy_handler, nullptr); }

// Creates the missing folders of `dir`, each 0700: the store holds credit history and
// worker names, nothing for other users to read.
void make_private_dirs(const std::filesystem::path& dir, const std::string& path) {
  if (dir.empty() || std::filesystem::is_directory(dir)) return;
  make_private_dirs(dir.parent_path(), path);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw StoreError("sqlite " + path + ": open: cannot create folder " + dir.string() + ": " + std::strerror(errno));
}

// Creates the file 0600 before SQLite does (SQLite would use 0644 & ~umask). An existing
// file is left as its owner set it.
void make_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::fchmod(fd, 0600);  // in case the umask took the owner's bits away
    ::close(fd);
    return;
  }
  if (errno == EEXIST) return;
  throw StoreError("sqlite " + path + ": open: cannot create the file: " + std::strerror(errno));
}

// Switching a new file to WAL needs an exclusive lock, and SQLite answers BUSY at once,
// without its busy handler, while another process is opening the same new file (two cron
// jobs on a fresh store): retry for as long as the busy timeout would have waited.
void set_wal_mode(SQLite::Database& db) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(k_busy_timeout_ms);
  for (int attempt = 0;; ++attempt) {
    try {
      db.exec("PRAGMA journal_mode=WAL");
      return;
    } catch (const SQLite::Exception& e) {
      if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= give_up) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 + std::min(attempt, 50)));
    }
  }
}

// A path as a file: URI (RFC 3986: everything but unreserved characters and '/' escaped).
std::string file_uri(const std::string& path, const char* query) {
  static const char* hex = "0123456789ABCDEF";
  std::string abs = std::filesystem::absolute(path).string();
  std::string out = "file:";
  for (unsigned char c : abs) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out + "?" + query;
}

// The first read opens the WAL index (-shm), which is where a read-only open can fail.
void probe(SQLite::Database& db) { (void)db.execAndGet("SELECT count(*) FROM sqlite_master").getInt64(); }

// SQLITE_OPEN_READONLY: never writes the file. A WAL database is read through its -shm file,
// which SQLite makes when it is missing; where it cannot (a read-only folder or filesystem,
// a full disk, no write permission on the folder) the file is opened `immutable`, as it is
// on disk. No writer can be at work then: a writer needs the same -shm file.
std::unique_ptr<SQLite::Database> connect_read_only(const std::string& path) {
  std::unique_ptr<SQLite::Database> db;
  try {
    db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READONLY | k_no_mutex);
    set_busy_handler(*db);
    probe(*db);
    return db;
  } catch (const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;
    if (code != SQLITE_CANTOPEN && code != SQLITE_READONLY && code != SQLITE_IOERR && code != SQLITE_FULL &&
        code != SQLITE_PERM)
      throw;
    db.reset();
    spdlog::debug("sqlite {}: read-only open failed ({}): reading the file as it is (immutable)", path, e.what());
    try {
      db = std::make_unique<SQLite::Database>(file_uri(path, "immutable=1"),
                                              SQLite::OPEN_READONLY | SQLite::OPEN_URI | k_no_mutex);
      probe(*db);
      return db;
    } catch (const SQLite::Exception&) {
      throw e;  // the first cause says more
    }
  }
}

// Why an existing file is not an oddsctl store, or nullopt when it is one (of any version)
// or is empty. Only reads. An oddsctl store has a schema_version (version, applied_at) table
// with rows, and oddsctl's tables; anything else is another program's file.
std::optional<std::string> foreign_reason(SQLite::Database& db) {
  static const std::set<std::string> own = {"scans",          "opportunities", "latest_good", "leases", "ledger",
                                            "tracked_events", "snapshots",     "meta",        "alerts", "heartbeats"};
  // One read of the schema: another process may create the store between two reads (its
  // tables would then appear after an empty first look, as "no tables but other objects").
  std::vector<std::string> tables;
  std::int64_t objects = 0;
  SQLite::Statement st(db, "SELECT type, name FROM sqlite_master ORDER BY name");
  while (st.executeStep()) {
    ++objects;
    const std::string name = st.getColumn(1).getString();
    if (st.getColumn(0).getString() == "table" && name.rfind("sqlite_", 0) != 0) tables.push_back(name);
  }
  auto listed = [&] {
    std::string out;
    for (std::size_t i = 0; i < tables.size() && i < 5; ++i) out += (i ? ", " : "") + tables[i];
    if (tables.size() > 5) out += ", ... (" + std::to_string(tables.size()) + " tables)";
    return out;
  };
  if (tables.empty()) {
    if (objects == 0) return std::nullopt;  // a new file
    return std::string("it holds views, indexes or triggers but no tables");
  }
  if (std::find(tables.begin(), tables.end(), "schema_version") == tables.end())
    return "it has tables (" + listed() + ") and no schema_version table";
  std::set<std::string> columns;
  SQLite::Statement info(db, "PRAGMA table_info(schema_version)");
  while (info.executeStep()) columns.insert(info.getColumn(1).getString());
  if (columns != std::set<std::string>{"version", "applied_at"}) {
    std::string names;
    for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c;
    return "its schema_version table is another program's (columns " + names + ")";
  }
  const bool has_own = std::any_of(tables.begin(), tables.end(), [&](const std::string& t) { return own.count(t); });
  const bool has_version = !db.execAndGet("SELECT max(version) FROM schema_version").isNull();
  if (tables.size() == 1 && !has_version) return std::nullopt;  // a first migration under way elsewhere
  if (!has_own) return "it has a schema_version table but none of oddsctl's tables (" + listed() + ")";
  if (!has_version) return std::string("its schema_version table is empty while it has tables");
  return std::nullopt;
}

StoreError not_ours(const std::string& path, const std::string& why) {
  return StoreError("sqlite " + path + ": open: not an oddsctl store: " + why +
                    "; it was not changed (give --store a new file or an oddsctl store)");
}

}  // namespace

SqliteStore::SqliteStore(std::string path, OpenMode mode) : m_path(std::move(path)), m_mode(mode) {
  try {
    if (m_mode == OpenMode::read_only) open_read_only();
    else open_read_write();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw fail("open", e.what());
  }
}

void SqliteStore::open_read_write() {
  make_private_dirs(std::filesystem::path(m_path).parent_path(), m_path);
  make_private_file(m_path);
  m_db = std::make_unique<SQLite::Database>(m_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | k_no_mutex);
  set_busy_handler(*m_db);
  // Before anything is written (switching to WAL rewrites the header): another program's
  // file is refused as it is.
  if (auto why = foreign_reason(*m_db)) throw not_ours(m_path, *why);
  // WAL: readers see a consistent snapshot while one writer works; NORMAL sync is
  // durable across application crashes (not power loss of the last commit), ample here.
  set_wal_mode(*m_db);
  m_db->exec("PRAGMA synchronous=NORMAL");
  m_db->exec("PRAGMA foreign_keys=ON");
  sqlite_schema::migrate(*m_db, m_path);
  // For tests only (tests/e2e/test_leases_faults.py): ODDSCTL_TEST_SQLITE_MAX_PAGES=N caps
  // the file at N pages (never below its current size), so that a write that grows it
  // fails with SQLITE_FULL ("database or disk is full"), as on a full disk.
  if (const char* cap = std::getenv("ODDSCTL_TEST_SQLITE_MAX_PAGES"); cap && *cap)
    m_db->exec("PRAGMA max_page_count=" + std::to_string(std::atoll(cap)));
}

void SqliteStore::open_read_only() {
  // Never created: a typo in --store is an error, not a new empty store.
  struct stat st {};
  if (::stat(m_path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw StoreError("no store at " + m_path + ": run a scan first");
    throw fail("open", std::strerror(errno));
  }
  if (S_ISREG(st.st_mode) && st.st_size == 0)
    throw StoreError("no store at " + m_path + " (the file is empty): run a scan first");
  m_db = connect_read_only(m_path);
  if (auto why = foreign_reason(*m_db)) throw not_ours(m_path, *why);
  const int version = sqlite_schema::current_version(*m_db);
  const int known = sqlite_schema::known_version();
  if (version == 0) throw StoreError("no store at " + m_path + " (no oddsctl data in it yet): run a scan first");
  if (version > known)
    throw fail("open", "the store has schema version " + std::to_string(version) + ", newer than this oddsctl knows (" +
                           std::to_string(known) + "); use a newer oddsctl");
  if (version == known) return;
  // An older oddsctl's store: reading it needs the newer schema. Upgraded here when this
  // process may write it (what any command did before), else refused with the way out.
  m_reused.clear();  // its statements go before their connection
  m_db.reset();
  try {
    SQLite::Database rw(m_path, SQLite::OPEN_READWRITE);  // never OPEN_CREATE
    set_busy_handler(rw);
    rw.exec("PRAGMA foreign_keys=ON");
    sqlite_schema::migrate(rw, m_path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw fail("open", "the store has schema version " + std::to_string(version) + ", older than this oddsctl's (" +
                           std::to_string(known) + "), and it cannot be upgraded from here (" + e.what() +
                           "): run `oddsctl cleanup --dry-run` once as a user who may write it");
  }
  spdlog::info("sqlite {}: schema upgraded from version {} to {}", m_path, version, known);
  m_db = connect_read_only(m_path);
}

SqliteStore::~SqliteStore() = default;

sqlite3_stmt* SqliteStore::reused(const char* sql) {
  for (auto& r : m_reused) {
    if (r.sql != sql) continue;
    sqlite3_reset(r.statement.get());
    sqlite3_clear_bindings(r.statement.get());
    return r.statement.get();
  }
  sqlite3* db = m_db->getHandle();
  sqlite3_stmt* prepared = nullptr;
  if (const int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &prepared, nullptr); rc != SQLITE_OK)
    throw SQLite::Exception(db, rc);
  m_reused.push_back({sql, {prepared, sqlite3_finalize}});
  return prepared;
}

StoreError SqliteStore::fail(const char* op, const std::string& cause) const {
  return StoreError("sqlite " + m_path + ": " + op + ": " + cause);
}

std::int64_t SqliteStore::size_bytes(SQLite::Database& db) {
  std::int64_t pages = db.execAndGet("PRAGMA page_count").getInt64();
  std::int64_t page_size = db.execAndGet("PRAGMA page_size").getInt64();
  return pages * page_size;
}

std::vector<std::string> SqliteStore::check() {
  return locked("check", [&](SQLite::Database& db) { return sqlite_schema::check(db); });
}

}  // namespace oddsctl::store
