#include "util/modules.hpp"

#include <climits>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <unistd.h>

namespace oddsctl::util {

std::string executable_dir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<std::size_t>(n));
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::vector<std::string> candidate_paths(const std::string& file_name, const std::string& install_dir) {
  std::string dir = executable_dir();
  if (dir.empty()) return {};
  std::string installed = install_dir;
  if (installed.empty() || installed[0] != '/') installed = dir + "/" + installed;
  return {dir + "/" + file_name, installed + "/" + file_name};
}

std::string found_path(const std::string& file_name, const std::string& install_dir) {
  for (const auto& p : candidate_paths(file_name, install_dir))
    if (access(p.c_str(), R_OK) == 0) return p;
  return "";
}

namespace {

Loaded load_now(const ModuleSpec& spec) {
  Loaded out;
  const std::string path = found_path(spec.file_name, spec.install_dir);
  if (path.empty()) {
    std::string where;
    for (const auto& p : candidate_paths(spec.file_name, spec.install_dir)) where += (where.empty() ? "" : ", ") + p;
    out.error = spec.title + " " + spec.file_name + " was not found (looked for " + where + spec.missing_hint + ")";
    return out;
  }
  // RTLD_NOW: a module that does not fit this executable fails here, with the symbol named,
  // rather than on first use. RTLD_LOCAL: its libraries stay out of the global namespace.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    out.error = "cannot load " + spec.title + ": " + std::string(why ? why : path);
    return out;
  }
  using CheckFn = const char* (*)();
  auto check = reinterpret_cast<CheckFn>(dlsym(handle, spec.check_symbol.c_str()));
  void* entry = dlsym(handle, spec.entry_symbol.c_str());
  if (!check || !entry) {
    out.error = spec.title + " " + path + " has no oddsctl entry point";
    return out;
  }
  if (std::strcmp(check(), spec.expect.c_str()) != 0) {
    out.error = spec.title + " " + path + " is from oddsctl " + check() + ", this is oddsctl " + spec.expect +
                " (rebuild both)";
    return out;
  }
  out.entry = entry;
  return out;
}

}  // namespace

const Loaded& load(const ModuleSpec& spec) {
  static std::mutex mutex;
  static std::map<std::string, Loaded> loaded;  // never erased: references stay valid
  std::lock_guard<std::mutex> lock(mutex);
  auto it = loaded.find(spec.file_name);
  if (it == loaded.end()) it = loaded.emplace(spec.file_name, load_now(spec)).first;
  return it->second;
}

}  // namespace oddsctl::util
