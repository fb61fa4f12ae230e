// Opening the SQLite store: the file and folder with private modes, the pragmas, the schema.
#include "store/sqlite_store.hpp"

#include <cerrno>
#include <cstring>
#include <thread>

#include <sqlite3.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Statement.h>

#include "store/sqlite_schema.hpp"

namespace oddsctl {

namespace {

// How long a writer waits for another one (another process, another Store object) before
// giving up with "database is locked". Long enough for one cleanup batch or one big scan.
constexpr int k_busy_timeout_ms = 10000;

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

}  // namespace

SqliteStore::SqliteStore(std::string path) : m_path(std::move(path)) {
  make_private_dirs(std::filesystem::path(m_path).parent_path(), m_path);
  make_private_file(m_path);
  try {
    m_db = std::make_unique<SQLite::Database>(m_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    m_db->setBusyTimeout(k_busy_timeout_ms);
    // WAL: readers see a consistent snapshot while one writer works; NORMAL sync is
    // durable across application crashes (not power loss of the last commit), ample here.
    set_wal_mode(*m_db);
    m_db->exec("PRAGMA synchronous=NORMAL");
    m_db->exec("PRAGMA foreign_keys=ON");
    sqlite_schema::migrate(*m_db, m_path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw fail("open", e.what());
  }
}

SqliteStore::~SqliteStore() = default;

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

}  // namespace oddsctl
