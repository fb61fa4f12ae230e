// The PostgreSQL backend as a module (see store/pg_module.hpp and store/module_store.hpp).
#ifdef ODDSCTL_WITH_POSTGRES

#include "store/pg_module.hpp"

#include "store/module_store.hpp"

// Defined only when the backend's objects are linked into the executable (the unit and
// conformance tests link them directly); null in oddsctl itself, which loads the module.
extern "C" __attribute__((weak)) oddsctl::store::Store* oddsctl_pg_open(const char*, int, int*, char*, std::size_t);

namespace oddsctl::store::pg_module {

BackendModule backend() {
  return {"the PostgreSQL module", k_file_name, "oddsctl_pg_version", "oddsctl_pg_open", &oddsctl_pg_open};
}

}  // namespace oddsctl::store::pg_module

#endif  // ODDSCTL_WITH_POSTGRES
