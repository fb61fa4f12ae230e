// Loadable modules (oddsctl-mongo.so, oddsctl-pg.so, oddsctl-http.so): what links a heavy
// library (libmongoc, libpq, cpp-httplib with TLS) lives in a module that is dlopen-ed only
// when a command needs it, so every other run starts without mapping those libraries.
// Internal to src/.
#pragma once

#include <string>
#include <vector>

namespace oddsctl::util {

// The folder of the running executable, "" when /proc/self/exe cannot be read.
std::string executable_dir();

// Where a module is looked for, in order: next to the executable (a build folder), then
// `install_dir` (absolute, or relative to the executable's folder: bin/../lib/oddsctl).
std::vector<std::string> candidate_paths(const std::string& file_name, const std::string& install_dir);
// The first candidate that can be read, "" when none.
std::string found_path(const std::string& file_name, const std::string& install_dir);

// What a module must export: a C function returning a text that must equal `expect` (the
// oddsctl version, or an interface tag), and the entry point the caller uses.
struct ModuleSpec {
  std::string title;         // for messages: "the PostgreSQL module"
  std::string file_name;     // "oddsctl-pg.so"
  std::string install_dir;   // ODDSCTL_MODULE_DIR
  std::string check_symbol;  // "oddsctl_pg_version"
  std::string expect;        // what check_symbol() must return
  std::string entry_symbol;  // "oddsctl_pg_open"
  std::string missing_hint;  // appended to "was not found (...)", e.g. "; build with libpq-dev"
};

// The entry point, or nullptr with `error` saying why (not found, not loadable, no entry point,
// another version). dlopen-ed once per file with RTLD_NOW | RTLD_LOCAL and never unloaded: what
// the module made lives until the process exits. The first answer per file is kept, so every
// caller says the same. Thread-safe.
struct Loaded {
  void* entry = nullptr;
  std::string error;
};
const Loaded& load(const ModuleSpec& spec);

}  // namespace oddsctl::util
