// The boundary between oddsctl and its PostgreSQL backend, which is built as a loadable module
// (oddsctl-pg.so) so that SQLite-only runs never load libpq and its libraries (GSSAPI, LDAP, TLS).
// Internal to src/store/ (and the tests).
//
// The module's core dependencies (errors, time, JSON mapping, the Store interface) are NOT
// linked into it: it resolves them from the oddsctl executable, which exports its
// namespace-oddsctl symbols. One copy of the code and of every static, and exceptions thrown
// by the store's methods are the executable's own StoreError types.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "oddsctl/store.hpp"
#include "store/module_store.hpp"

// The C entry points of the module; C so that dlsym finds them by a stable name.
extern "C" {

// The oddsctl version the module was built for: the loader refuses a module from another
// version, whose Store vtable may differ.
const char* oddsctl_pg_version();

// Opens a PostgreSQL store (what make_pg_store does); `mode` is an oddsctl::store::OpenMode as int
// (0 read_write, 1 read_only). On success returns a Store the caller owns (delete it). On
// failure returns nullptr, sets *exit_code to the oddsctl::Error's exit code (2 usage,
// 1 runtime) and writes its message, NUL-terminated and truncated to message_len, to
// `message`: the loader rethrows the same error kind with the same text.
oddsctl::store::Store* oddsctl_pg_open(const char* uri, int mode, int* exit_code, char* message,
                                       std::size_t message_len);
}

namespace oddsctl::store::pg_module {

inline constexpr const char* k_file_name = "oddsctl-pg.so";

// Its file and entry points, for availability() and open_backend() (store/module_store.hpp).
BackendModule backend();

}  // namespace oddsctl::store::pg_module
