// Finding and loading oddsctl-http.so (see serve/http_module.hpp): dlopen-ed the first time
// a server starts (`serve`, `scan --every --listen`), never unloaded.
#include "serve/http_module.hpp"

#include <climits>
#include <cstring>
#include <dlfcn.h>
#include <mutex>
#include <strings.h>
#include <unistd.h>

#include "oddsctl/errors.hpp"

#ifndef ODDSCTL_HTTP_MODULE_DIR
#define ODDSCTL_HTTP_MODULE_DIR "../lib/oddsctl"
#endif

namespace oddsctl::serve {

std::string HttpRequest::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return "";
}

const std::string* HttpRequest::param(const std::string& name) const {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

namespace {

using StartFn = HttpServer* (*)(const HttpServerOptions*, const HttpHandler*, char*, std::size_t);
using InterfaceFn = const char* (*)();

std::string executable_dir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<std::size_t>(n));
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

struct Loaded {
  StartFn start = nullptr;
  std::string error;
};

Loaded load() {
  Loaded out;
  std::string path;
  for (const auto& p : http_module_paths())
    if (access(p.c_str(), R_OK) == 0) {
      path = p;
      break;
    }
  if (path.empty()) {
    std::string where;
    for (const auto& p : http_module_paths()) where += (where.empty() ? "" : ", ") + p;
    out.error = std::string("the HTTP server module ") + k_http_module_file + " was not found (looked for " + where +
                "; build with libcpp-httplib-dev installed)";
    return out;
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    out.error = "cannot load the HTTP server module: " + std::string(why ? why : path);
    return out;
  }
  auto iface = reinterpret_cast<InterfaceFn>(dlsym(handle, "oddsctl_http_interface"));
  auto start = reinterpret_cast<StartFn>(dlsym(handle, "oddsctl_http_start"));
  if (!iface || !start || std::strcmp(iface(), k_http_interface) != 0) {
    out.error = "the HTTP server module " + path + " does not fit this oddsctl (rebuild both)";
    return out;
  }
  out.start = start;
  return out;
}

}  // namespace

std::vector<std::string> http_module_paths() {
  std::string dir = executable_dir();
  if (dir.empty()) return {};
  std::string installed = ODDSCTL_HTTP_MODULE_DIR;
  if (installed.empty() || installed[0] != '/') installed = dir + "/" + installed;
  return {dir + "/" + k_http_module_file, installed + "/" + k_http_module_file};
}

std::unique_ptr<HttpServer> start_http_server(const HttpServerOptions& options, const HttpHandler& handler) {
  static std::once_flag once;
  static Loaded loaded;
  std::call_once(once, [] { loaded = load(); });
  if (!loaded.start) throw Error(ExitCode::runtime, loaded.error);
  char error[512] = {0};
  HttpServer* server = loaded.start(&options, &handler, error, sizeof error);
  if (!server) throw Error(ExitCode::runtime, std::string("cannot listen on ") + error);
  return std::unique_ptr<HttpServer>(server);
}

}  // namespace oddsctl::serve
