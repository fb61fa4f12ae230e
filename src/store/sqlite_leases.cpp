// Leases in the SQLite store. Each operation is one BEGIN IMMEDIATE transaction, so the
// read-decide-write of acquire cannot interleave with another process's.
#include <SQLiteCpp/Statement.h>

#include "store/sqlite_store.hpp"
#include "store/sqlite_util.hpp"

namespace oddsctl::store {

using namespace sqlite_util;

namespace {
Lease read_lease(SQLite::Statement& st) {
  Lease l;
  l.name = st.getColumn(0).getString();
  l.owner = st.getColumn(1).getString();
  l.acquired_at = col_time(st.getColumn(2));
  l.expires_at = col_time(st.getColumn(3));
  return l;
}
}  // namespace

LeaseResult SqliteStore::acquire_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) {
  return locked("acquire lease", [&](SQLite::Database& db) {
    auto tx = write_txn(db);
    SQLite::Statement get(db, "SELECT name, owner, acquired_at, expires_at FROM leases WHERE name = ?");
    get.bind(1, name);
    LeaseResult result;
    if (get.executeStep()) {
      Lease held = read_lease(get);
      if (held.owner != owner && held.expires_at > now) {
        result.lease = held;  // someone else's, still valid
        return result;
      }
      // Ours already: extend, keeping when we first took it. Expired: a fresh lease.
      result.lease = held.owner == owner && held.expires_at > now ? held : Lease{name, owner, now, now};
    } else {
      result.lease = Lease{name, owner, now, now};
    }
    result.lease.owner = owner;
    result.lease.expires_at = now + ttl;
    get.reset();
    static const std::string sql = upsert_sql("leases", {"name", "owner", "acquired_at", "expires_at"}, {"name"});
    SQLite::Statement put(db, sql);
    bind_row(put, name, owner, result.lease.acquired_at, result.lease.expires_at);
    put.exec();
    tx.commit();
    result.acquired = true;
    return result;
  });
}

bool SqliteStore::renew_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) {
  return writing("renew lease", [&](SQLite::Database& db) {
    SQLite::Statement st(db, "UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?");
    bind_row(st, now + ttl, name, owner);
    return st.exec() > 0;
  });
}

LeaseResult SqliteStore::acquire_lease_from(const std::string& name, const std::string& owner,
                                            const std::string& dead_owner, Millis ttl, TimePoint now) {
  const bool taken = writing("take over lease", [&](SQLite::Database& db) {
    // Only while the dead owner still holds it: a live run that took it meanwhile keeps it.
    SQLite::Statement st(db,
                         "UPDATE leases SET owner = ?, acquired_at = ?, expires_at = ? "
                         "WHERE name = ? AND owner = ? AND owner <> ?");
    bind_row(st, owner, now, now + ttl, name, dead_owner, owner);
    return st.exec() > 0;
  });
  if (taken) return LeaseResult{true, Lease{name, owner, now, now + ttl}};
  return acquire_lease(name, owner, ttl, now);  // released, expired or taken meanwhile
}

void SqliteStore::release_lease(const std::string& name, const std::string& owner) {
  writing("release lease", [&](SQLite::Database& db) {
    SQLite::Statement st(db, "DELETE FROM leases WHERE name = ? AND owner = ?");
    st.bind(1, name);
    st.bind(2, owner);
    st.exec();
  });
}

std::vector<Lease> SqliteStore::list_leases() {
  return locked("list leases", [&](SQLite::Database& db) {
    std::vector<Lease> out;
    SQLite::Statement st(db, "SELECT name, owner, acquired_at, expires_at FROM leases ORDER BY name");
    while (st.executeStep()) out.push_back(read_lease(st));
    return out;
  });
}

}  // namespace oddsctl::store
