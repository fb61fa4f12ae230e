// Finding and loading oddsctl-http.so (see serve/http_module.hpp): dlopen-ed the first time
// a server starts (`serve`, `scan --every --listen`), never unloaded.
#include "serve/http_module.hpp"

#include <strings.h>

#include "oddsctl/errors.hpp"
#include "util/modules.hpp"

#ifndef ODDSCTL_MODULE_DIR
#define ODDSCTL_MODULE_DIR "../lib/oddsctl"
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

}  // namespace

std::vector<std::string> http_module_paths() { return util::candidate_paths(k_http_module_file, ODDSCTL_MODULE_DIR); }

std::unique_ptr<HttpServer> start_http_server(const HttpServerOptions& options, const HttpHandler& handler) {
  // The interface tag stands for the oddsctl version: only std types cross this boundary.
  const auto& loaded =
      util::load({"the HTTP server module", k_http_module_file, ODDSCTL_MODULE_DIR, "oddsctl_http_interface",
                  k_http_interface, "oddsctl_http_start", "; build with libcpp-httplib-dev installed"});
  if (!loaded.entry) throw Error(ExitCode::runtime, loaded.error);
  char error[512] = {0};
  HttpServer* server = reinterpret_cast<StartFn>(loaded.entry)(&options, &handler, error, sizeof error);
  if (!server) throw Error(ExitCode::runtime, std::string("cannot listen on ") + error);
  return std::unique_ptr<HttpServer>(server);
}

}  // namespace oddsctl::serve
