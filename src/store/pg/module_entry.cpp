// The C entry points of oddsctl-pg.so (see store/pg_module.hpp): a failure to open
// crosses the boundary as an exit code and a message, never as an exception.
#include "store/pg/pg_store.hpp"
#include "store/pg_module.hpp"
#include "store/module_store.hpp"

extern "C" __attribute__((visibility("default"))) const char* oddsctl_pg_version() { return ODDSCTL_VERSION; }

extern "C" __attribute__((visibility("default"))) oddsctl::store::Store* oddsctl_pg_open(const char* uri, int mode,
                                                                                         int* exit_code, char* message,
                                                                                         std::size_t message_len) {
  return oddsctl::store::module_open_store(
      [](const std::string& u, oddsctl::store::OpenMode m) { return oddsctl::store::make_pg_store(u, m); }, uri, mode,
      exit_code, message, message_len, "postgresql");
}
