// A store backend behind a module's C entry point (oddsctl_mongo_open, oddsctl_pg_open):
// the error it reports as (exit code, message) becomes the same exception again.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl {

using StoreOpenFn = Store* (*)(const char* uri, int mode, int* exit_code, char* message, std::size_t message_len);

inline std::unique_ptr<Store> open_module_store(StoreOpenFn open_fn, const std::string& uri, OpenMode mode) {
  char message[2048] = "";
  int code = static_cast<int>(ExitCode::runtime);
  Store* store = open_fn(uri.c_str(), static_cast<int>(mode), &code, message, sizeof message);
  if (store) return std::unique_ptr<Store>(store);
  if (code == static_cast<int>(ExitCode::usage)) throw UsageError(message);
  if (code == static_cast<int>(ExitCode::runtime)) throw StoreError(message);
  throw Error(static_cast<ExitCode>(code), message);
}

}  // namespace oddsctl
