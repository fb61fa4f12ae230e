// The PostgreSQL Store (libpq). Only this factory is visible to the rest of the code; every
// libpq type stays inside src/store/pg/ so that a build without it compiles unchanged.
#pragma once

#include <memory>
#include <string>

#include "oddsctl/store.hpp"

namespace oddsctl::store {

// "postgresql://[user[:password]@]host[:port]/dbname[?params]" (also postgres://). Every
// libpq parameter (sslmode, sslrootcert, connect_timeout, target_session_attrs, ...) goes to
// libpq as it is; connect_timeout=5 unless the URI sets one. oddsctl's own parameters:
// schema=NAME (default public), statement_timeout=30s, lock_timeout=10s.
// UsageError when the URI is malformed; StoreError when the server cannot be reached or the
// schema cannot be made. read_only never creates or changes anything: a database without
// the oddsctl tables is "no store at URI: run a scan first".
std::unique_ptr<Store> make_pg_store(const std::string& uri, OpenMode mode = OpenMode::read_write);

}  // namespace oddsctl::store
