// A store backend behind a module's C entry point (oddsctl_mongo_open, oddsctl_pg_open): on
// the module's side a failure to open crosses the boundary as (exit code, message), never as
// an exception; on oddsctl's side it becomes the same exception again.
#pragma once

#include <cstddef>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::store {

using StoreOpenFn = Store* (*)(const char* uri, int mode, int* exit_code, char* message, std::size_t message_len);

// The module's side: `make(uri, mode)` (make_mongo_store, make_pg_store) with every failure
// written to exit_code and message (NUL-terminated, truncated to message_len).
template <class Make>
Store* module_open_store(Make make, const char* uri, int mode, int* exit_code, char* message, std::size_t message_len,
                         const char* backend) {
  auto put_error = [&](ExitCode code, const std::string& text) {
    if (exit_code) *exit_code = static_cast<int>(code);
    if (!message || message_len == 0) return;
    std::strncpy(message, text.c_str(), message_len - 1);
    message[message_len - 1] = '\0';
  };
  try {
    const auto open_mode = mode == static_cast<int>(OpenMode::read_only) ? OpenMode::read_only : OpenMode::read_write;
    return make(uri ? uri : "", open_mode).release();
  } catch (const Error& e) {
    put_error(e.code(), e.what());
  } catch (const std::exception& e) {
    put_error(ExitCode::runtime, e.what());
  } catch (...) {
    put_error(ExitCode::runtime, std::string(backend) + ": open failed with an unknown error");
  }
  return nullptr;
}

// A backend built as a loadable module (oddsctl-mongo.so, oddsctl-pg.so), found next to the
// executable, then in the install layout's lib folder (bin/../lib/oddsctl/), and loaded once
// (never unloaded: the Store objects it makes live in it) only when its store is opened.
struct BackendModule {
  const char* title;           // for messages: "the MongoDB module"
  const char* file_name;       // "oddsctl-mongo.so"
  const char* version_symbol;  // returns the oddsctl version it was built for (else refused)
  const char* open_symbol;     // a StoreOpenFn
  StoreOpenFn linked;          // the entry point when the backend's objects are linked in (the tests)
};

// linked: the backend's objects are in this executable; module: the module file exists where
// it is looked for; missing: neither. Cheap (no dlopen): --version asks it.
enum class ModuleAvailability { linked, module, missing };
ModuleAvailability availability(const BackendModule& backend);

// Loads the module (once) and opens the store; UsageError when the module is missing or
// cannot be loaded, otherwise what the backend throws.
std::unique_ptr<Store> open_backend(const BackendModule& backend, const std::string& uri, OpenMode mode);

// oddsctl's side of one open.
inline std::unique_ptr<Store> open_module_store(StoreOpenFn open_fn, const std::string& uri, OpenMode mode) {
  char message[2048] = "";
  int code = static_cast<int>(ExitCode::runtime);
  Store* store = open_fn(uri.c_str(), static_cast<int>(mode), &code, message, sizeof message);
  if (store) return std::unique_ptr<Store>(store);
  if (code == static_cast<int>(ExitCode::usage)) throw UsageError(message);
  if (code == static_cast<int>(ExitCode::runtime)) throw StoreError(message);
  throw Error(static_cast<ExitCode>(code), message);
}

}  // namespace oddsctl::store
