// Finding and loading the PostgreSQL module (see store/pg_module.hpp).
//
// The module is dlopen-ed only when a postgresql:// store is opened, so the common SQLite runs
// pay nothing for libpq. It is loaded once and never unloaded: the Store objects it
// makes (their vtables, the driver's global state) live in it until the process exits.
#ifdef ODDSCTL_WITH_POSTGRES

#include "store/pg_module.hpp"

#include <climits>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <unistd.h>

#include "oddsctl/errors.hpp"

// Defined only when the backend's objects are linked into the executable (the unit and
// conformance tests link them directly); null in oddsctl itself, which loads the module.
extern "C" __attribute__((weak)) oddsctl::Store* oddsctl_pg_open(const char*, int, int*, char*, std::size_t);

namespace oddsctl::pg_module {

namespace {

using OpenFn = Store* (*)(const char*, int, int*, char*, std::size_t);
using VersionFn = const char* (*)();

std::string executable_dir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<std::size_t>(n));
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string found_path() {
  for (const auto& p : candidate_paths())
    if (access(p.c_str(), R_OK) == 0) return p;
  return "";
}

// dlopen once; an error is kept and repeated so that every open_store says the same.
struct Loaded {
  OpenFn open = nullptr;
  std::string error;
};

Loaded load() {
  Loaded out;
  std::string path = found_path();
  if (path.empty()) {
    std::string where;
    for (const auto& p : candidate_paths()) where += (where.empty() ? "" : ", ") + p;
    out.error = std::string("the PostgreSQL module ") + k_file_name + " was not found (looked for " + where + ")";
    return out;
  }
  // RTLD_NOW: a module that does not fit this executable fails here, with the symbol named,
  // rather than on first use. RTLD_LOCAL: its libraries stay out of the global namespace.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    out.error = "cannot load the PostgreSQL module: " + std::string(why ? why : path);
    return out;
  }
  auto version = reinterpret_cast<VersionFn>(dlsym(handle, "oddsctl_pg_version"));
  auto open = reinterpret_cast<OpenFn>(dlsym(handle, "oddsctl_pg_open"));
  if (!version || !open) {
    out.error = "the PostgreSQL module " + path + " has no oddsctl entry point";
    return out;
  }
  if (std::strcmp(version(), ODDSCTL_VERSION) != 0) {
    out.error = "the PostgreSQL module " + path + " is from oddsctl " + version() + ", this is oddsctl " +
                ODDSCTL_VERSION;
    return out;
  }
  out.open = open;
  return out;
}

}  // namespace

std::vector<std::string> candidate_paths() {
  std::string dir = executable_dir();
  if (dir.empty()) return {};
  std::string installed = ODDSCTL_MODULE_DIR;  // relative to the executable's folder, or absolute
  if (installed.empty() || installed[0] != '/') installed = dir + "/" + installed;
  return {dir + "/" + k_file_name, installed + "/" + k_file_name};
}

Availability availability() {
  if (&oddsctl_pg_open != nullptr) return Availability::linked;
  return found_path().empty() ? Availability::missing : Availability::module;
}

std::unique_ptr<Store> open(const std::string& uri, OpenMode mode) {
  OpenFn open_fn = &oddsctl_pg_open != nullptr ? &oddsctl_pg_open : nullptr;
  if (!open_fn) {
    static const Loaded loaded = load();
    if (!loaded.open) throw UsageError("store " + redact_store_uri(uri) + ": " + loaded.error);
    open_fn = loaded.open;
  }
  char message[2048] = "";
  int code = static_cast<int>(ExitCode::runtime);
  Store* store = open_fn(uri.c_str(), static_cast<int>(mode), &code, message, sizeof message);
  if (store) return std::unique_ptr<Store>(store);
  if (code == static_cast<int>(ExitCode::usage)) throw UsageError(message);
  if (code == static_cast<int>(ExitCode::runtime)) throw StoreError(message);
  throw Error(static_cast<ExitCode>(code), message);
}

}  // namespace oddsctl::pg_module

#endif  // ODDSCTL_WITH_POSTGRES
