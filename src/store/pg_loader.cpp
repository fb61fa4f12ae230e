// Finding and loading the PostgreSQL module (see store/pg_module.hpp), through
// util/modules: dlopen-ed only when a postgresql:// store is opened, so the common SQLite runs pay
// nothing for libpq; loaded once and never unloaded (the Store objects it makes live in it).
#ifdef ODDSCTL_WITH_POSTGRES

#include "oddsctl/keys.hpp"
#include "store/pg_module.hpp"

#include "store/module_store.hpp"
#include "util/modules.hpp"

// Defined only when the backend's objects are linked into the executable (the unit and
// conformance tests link them directly); null in oddsctl itself, which loads the module.
extern "C" __attribute__((weak)) oddsctl::store::Store* oddsctl_pg_open(const char*, int, int*, char*, std::size_t);

namespace oddsctl::store::pg_module {

namespace {

util::ModuleSpec spec() {
  return {"the PostgreSQL module", k_file_name, ODDSCTL_MODULE_DIR, "oddsctl_pg_version", ODDSCTL_VERSION,
          "oddsctl_pg_open",       ""};
}

}  // namespace

std::vector<std::string> candidate_paths() { return util::candidate_paths(k_file_name, ODDSCTL_MODULE_DIR); }

Availability availability() {
  if (&oddsctl_pg_open != nullptr) return Availability::linked;
  return util::found_path(k_file_name, ODDSCTL_MODULE_DIR).empty() ? Availability::missing : Availability::module;
}

std::unique_ptr<Store> open(const std::string& uri, OpenMode mode) {
  StoreOpenFn open_fn = &oddsctl_pg_open != nullptr ? &oddsctl_pg_open : nullptr;
  if (!open_fn) {
    const auto& loaded = util::load(spec());
    if (!loaded.entry) throw UsageError("store " + redact_store_uri(uri) + ": " + loaded.error);
    open_fn = reinterpret_cast<StoreOpenFn>(loaded.entry);
  }
  return open_module_store(open_fn, uri, mode);
}

}  // namespace oddsctl::store::pg_module

#endif  // ODDSCTL_WITH_POSTGRES
