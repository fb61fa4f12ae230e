// Finding and loading a store backend's module (see store/module_store.hpp), through
// util/modules: the common SQLite runs pay nothing for libmongoc or libpq.
#include "store/module_store.hpp"

#include "oddsctl/keys.hpp"
#include "util/modules.hpp"

#ifndef ODDSCTL_MODULE_DIR
#define ODDSCTL_MODULE_DIR "../lib/oddsctl"
#endif

namespace oddsctl::store {

ModuleAvailability availability(const BackendModule& backend) {
  if (backend.linked) return ModuleAvailability::linked;
  return util::found_path(backend.file_name, ODDSCTL_MODULE_DIR).empty() ? ModuleAvailability::missing
                                                                         : ModuleAvailability::module;
}

std::unique_ptr<Store> open_backend(const BackendModule& backend, const std::string& uri, OpenMode mode) {
  StoreOpenFn open_fn = backend.linked;
  if (!open_fn) {
    const auto& loaded = util::load({backend.title, backend.file_name, ODDSCTL_MODULE_DIR, backend.version_symbol,
                                     ODDSCTL_VERSION, backend.open_symbol, ""});
    if (!loaded.entry) throw UsageError("store " + redact_store_uri(uri) + ": " + loaded.error);
    open_fn = reinterpret_cast<StoreOpenFn>(loaded.entry);
  }
  return open_module_store(open_fn, uri, mode);
}

}  // namespace oddsctl::store
