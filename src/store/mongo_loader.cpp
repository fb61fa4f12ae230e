// The MongoDB backend as a module (see store/mongo_module.hpp and store/module_store.hpp).
#ifdef ODDSCTL_WITH_MONGO

#include "store/mongo_module.hpp"

#include "store/module_store.hpp"

// Defined only when the backend's objects are linked into the executable (the unit and
// conformance tests link them directly); null in oddsctl itself, which loads the module.
extern "C" __attribute__((weak)) oddsctl::store::Store* oddsctl_mongo_open(const char*, int, int*, char*, std::size_t);

namespace oddsctl::store::mongo_module {

BackendModule backend() {
  return {"the MongoDB module", k_file_name, "oddsctl_mongo_version", "oddsctl_mongo_open", &oddsctl_mongo_open};
}

}  // namespace oddsctl::store::mongo_module

#endif  // ODDSCTL_WITH_MONGO
