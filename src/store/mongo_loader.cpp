// Finding and loading the MongoDB module (see store/mongo_module.hpp), through
// util/modules: dlopen-ed only when a mongodb:// store is opened, so the common SQLite runs pay
// nothing for libmongoc; loaded once and never unloaded (the Store objects it makes live in it).
#ifdef ODDSCTL_WITH_MONGO

#include "oddsctl/keys.hpp"
#include "store/mongo_module.hpp"

#include "store/module_store.hpp"
#include "util/modules.hpp"

// Defined only when the backend's objects are linked into the executable (the unit and
// conformance tests link them directly); null in oddsctl itself, which loads the module.
extern "C" __attribute__((weak)) oddsctl::store::Store* oddsctl_mongo_open(const char*, int, int*, char*, std::size_t);

namespace oddsctl::store::mongo_module {

namespace {

util::ModuleSpec spec() {
  return {"the MongoDB module", k_file_name, ODDSCTL_MODULE_DIR, "oddsctl_mongo_version", ODDSCTL_VERSION,
          "oddsctl_mongo_open", ""};
}

}  // namespace

std::vector<std::string> candidate_paths() { return util::candidate_paths(k_file_name, ODDSCTL_MODULE_DIR); }

Availability availability() {
  if (&oddsctl_mongo_open != nullptr) return Availability::linked;
  return util::found_path(k_file_name, ODDSCTL_MODULE_DIR).empty() ? Availability::missing : Availability::module;
}

std::unique_ptr<Store> open(const std::string& uri, OpenMode mode) {
  StoreOpenFn open_fn = &oddsctl_mongo_open != nullptr ? &oddsctl_mongo_open : nullptr;
  if (!open_fn) {
    const auto& loaded = util::load(spec());
    if (!loaded.entry) throw UsageError("store " + redact_store_uri(uri) + ": " + loaded.error);
    open_fn = reinterpret_cast<StoreOpenFn>(loaded.entry);
  }
  return open_module_store(open_fn, uri, mode);
}

}  // namespace oddsctl::store::mongo_module

#endif  // ODDSCTL_WITH_MONGO
