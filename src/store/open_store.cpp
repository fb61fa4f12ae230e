// Choosing a backend from a store URI, and the default store location.
//
// Accepted forms (the contract): "sqlite:///abs/path.db", "sqlite:relative.db", a bare path
// (SQLite), "mongodb://..." and "mongodb+srv://..." (only when built with libmongoc, whose
// backend is then the module oddsctl-mongo.so, loaded only for these URIs), and
// "postgresql://..." / "postgres://..." (only when built with libpq: oddsctl-pg.so).
// Anything that looks like "scheme:..." with another scheme is refused rather than taken
// for a file name: a typo such as "mongdb://h/db" must not silently create a SQLite file.
// A file whose name really contains a colon can be given as "./name:x.db".
#include <cctype>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

#include "oddsctl/keys.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"
#include "store/sqlite_store.hpp"

#ifdef ODDSCTL_WITH_MONGO
#include "store/mongo_module.hpp"
#endif
#ifdef ODDSCTL_WITH_POSTGRES
#include "store/pg_module.hpp"
#endif

namespace oddsctl::store {

namespace {

std::string built_in_list() {
  std::string out;
  for (const auto& name : built_in_stores()) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The scheme of "scheme:rest" per RFC 3986 (letter, then letters, digits, + - .), or "" when
// the text is a path. A '/' before the colon makes it a path ("./a:b", "dir/x:y").
std::string scheme_of(const std::string& uri) {
  auto colon = uri.find(':');
  if (colon == std::string::npos || colon == 0) return "";
  for (std::size_t i = 0; i < colon; ++i) {
    unsigned char c = static_cast<unsigned char>(uri[i]);
    bool ok = std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return "";
  }
  std::string s = uri.substr(0, colon);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string sqlite_path_of(const std::string& uri) {
  std::string rest = uri.substr(std::string("sqlite:").size());
  if (rest.rfind("//", 0) == 0) {
    // "sqlite:///abs" is an absolute path; "sqlite://x" would name a host, which SQLite has not.
    if (rest.size() > 2 && rest[2] == '/') return rest.substr(2);
    throw UsageError("store " + uri +
                     ": not a valid SQLite URI (write sqlite:///absolute/path.db or sqlite:relative/path.db)");
  }
  if (rest.empty()) throw UsageError("store " + uri + ": no file name after sqlite:");
  return rest;
}

}  // namespace

std::vector<std::string> built_in_stores() {
  std::vector<std::string> out = {"sqlite"};
#ifdef ODDSCTL_WITH_MONGO
  // The MongoDB backend is a module loaded on demand (store/mongo_module.hpp): listed when
  // its file is where oddsctl looks, flagged when this build has it but the file is missing.
  if (availability(mongo_module::backend()) == ModuleAvailability::missing) out.push_back("mongodb (module not found)");
  else out.push_back("mongodb");
#endif
#ifdef ODDSCTL_WITH_POSTGRES
  // Likewise the PostgreSQL backend (store/pg_module.hpp).
  if (availability(pg_module::backend()) == ModuleAvailability::missing) out.push_back("postgresql (module not found)");
  else out.push_back("postgresql");
#endif
  return out;
}

std::unique_ptr<Store> open_store(const std::string& uri, OpenMode mode) {
  if (uri.empty()) throw UsageError("store: empty URI or path");
  std::string scheme = scheme_of(uri);
  if (scheme.empty()) return std::make_unique<SqliteStore>(uri, mode);
  if (scheme == "sqlite") return std::make_unique<SqliteStore>(sqlite_path_of(uri), mode);
  if (scheme == "mongodb" || scheme == "mongodb+srv") {
#ifdef ODDSCTL_WITH_MONGO
    return open_backend(mongo_module::backend(), uri, mode);
#else
    throw UsageError("store " + redact_store_uri(uri) +
                     ": this oddsctl was built without MongoDB support (stores built in: " + built_in_list() + ")");
#endif
  }
  if (scheme == "postgresql" || scheme == "postgres") {
#ifdef ODDSCTL_WITH_POSTGRES
    return open_backend(pg_module::backend(), uri, mode);
#else
    throw UsageError("store " + redact_store_uri(uri) +
                     ": this oddsctl was built without PostgreSQL support (stores built in: " + built_in_list() + ")");
#endif
  }
  throw UsageError("store " + redact_store_uri(uri) + ": unknown scheme '" + scheme +
                   ":' (stores built in: " + built_in_list() + "; a bare path means SQLite)");
}

std::string default_store_path() {
  // XDG: a relative XDG_STATE_HOME is invalid and must be ignored.
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg && xdg[0] == '/') return std::string(xdg) + "/oddsctl/oddsctl.db";
  std::string home;
  if (const char* h = std::getenv("HOME"); h && h[0]) {
    home = h;
  } else if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) {
    home = pw->pw_dir;
  } else {
    throw StoreError("default store: neither XDG_STATE_HOME nor HOME is set; give --store or --db");
  }
  return home + "/.local/state/oddsctl/oddsctl.db";
}

}  // namespace oddsctl::store
