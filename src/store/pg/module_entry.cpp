// The C entry points of oddsctl-pg.so (see store/pg_module.hpp): a failure to open
// crosses the boundary as an exit code and a message, never as an exception.
#include <cstring>
#include <exception>

#include "oddsctl/errors.hpp"
#include "store/pg/pg_store.hpp"
#include "store/pg_module.hpp"

namespace {

void put_error(int* exit_code, char* message, std::size_t message_len, int code, const char* text) {
  if (exit_code) *exit_code = code;
  if (!message || message_len == 0) return;
  std::strncpy(message, text, message_len - 1);
  message[message_len - 1] = '\0';
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const char* oddsctl_pg_version() { return ODDSCTL_VERSION; }

extern "C" __attribute__((visibility("default"))) oddsctl::Store* oddsctl_pg_open(const char* uri, int mode,
                                                                                      int* exit_code, char* message,
                                                                                      std::size_t message_len) {
  try {
    const auto open_mode = mode == static_cast<int>(oddsctl::OpenMode::read_only) ? oddsctl::OpenMode::read_only
                                                                                   : oddsctl::OpenMode::read_write;
    return oddsctl::make_pg_store(uri ? uri : "", open_mode).release();
  } catch (const oddsctl::Error& e) {
    put_error(exit_code, message, message_len, static_cast<int>(e.code()), e.what());
  } catch (const std::exception& e) {
    put_error(exit_code, message, message_len, static_cast<int>(oddsctl::ExitCode::runtime), e.what());
  } catch (...) {
    put_error(exit_code, message, message_len, static_cast<int>(oddsctl::ExitCode::runtime),
              "postgresql: open failed with an unknown error");
  }
  return nullptr;
}
