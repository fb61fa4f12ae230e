// The C entry points of oddsctl-mongo.so (see store/mongo_module.hpp): a failure to open
// crosses the boundary as an exit code and a message, never as an exception.
#include "store/mongo/mongo_store.hpp"
#include "store/mongo_module.hpp"
#include "store/module_store.hpp"

extern "C" __attribute__((visibility("default"))) const char* oddsctl_mongo_version() { return ODDSCTL_VERSION; }

extern "C" __attribute__((visibility("default"))) oddsctl::store::Store* oddsctl_mongo_open(const char* uri, int mode,
                                                                                            int* exit_code,
                                                                                            char* message,
                                                                                            std::size_t message_len) {
  return oddsctl::store::module_open_store(
      [](const std::string& u, oddsctl::store::OpenMode m) { return oddsctl::store::make_mongo_store(u, m); }, uri,
      mode, exit_code, message, message_len, "mongodb");
}
