// The boundary between oddsctl and its HTTP server, cpp-httplib, which is built into a
// loadable module (oddsctl-http.so) so that commands that serve nothing never load it.
// Debian ships cpp-httplib as a header plus libcpp-httplib.so, and that library needs
// libssl, libcrypto, zlib and brotli: linked into oddsctl they would load at every start-up
// (tests/e2e/test_startup.py forbids libcrypto there). Internal to src/serve/.
//
// Only std types cross this boundary (the module references no oddsctl symbol), so the
// module and the executable need nothing of each other but the same C++ standard library.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace oddsctl::serve {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // decoded, without the query
  std::vector<std::pair<std::string, std::string>> params;   // query, decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent
  std::string body;
  std::string remote_addr;
  // The first value of a header (case-insensitive name), "" when absent.
  std::string header(const std::string& name) const;
  // The first value of a query parameter, or nullptr when absent.
  const std::string* param(const std::string& name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Called on a pool thread for every request; must not throw (the module answers 500 if it does).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                                // 0: any free port
  std::size_t threads = 8;                        // the pool: connections beyond it wait
  std::size_t max_body = 64 * 1024;               // larger request bodies: 413
  std::chrono::milliseconds read_timeout{5000};   // per read of a request
  std::chrono::milliseconds write_timeout{5000};  // per write of a response
  std::chrono::milliseconds keep_alive{5000};     // an idle connection closes after this
  // Requests per connection: low, so connections waiting for a pool thread get their turn.
  std::size_t keep_alive_max = 10;
  // Called for every response just before it is written, those the server makes itself
  // (400, 413, 414) included: for access logs and request counts, so that a client holding
  // its answer finds it counted. Must not throw.
  std::function<void(const std::string& method, const std::string& path, int status)> on_response;
};

// A started server: bound and listening on its own thread.
class HttpServer {
public:
  virtual ~HttpServer() = default;
  virtual int port() const = 0;  // the bound port (with port 0, the one chosen)
  // Stops accepting, lets the requests in flight finish, joins the threads. Idempotent.
  virtual void stop() = 0;
};

}  // namespace oddsctl::serve

extern "C" {
// The module's version tag: the loader refuses a module built for another interface.
const char* oddsctl_http_interface();
// Binds and starts serving on a thread of its own; nullptr on failure with the reason,
// NUL-terminated and truncated to error_len, in `error`. The caller owns the server and
// must keep `handler` alive until stop() returns.
oddsctl::serve::HttpServer* oddsctl_http_start(const oddsctl::serve::HttpServerOptions* options,
                                               const oddsctl::serve::HttpHandler* handler, char* error,
                                               std::size_t error_len);
}

namespace oddsctl::serve {

inline constexpr const char* k_http_module_file = "oddsctl-http.so";
inline constexpr const char* k_http_interface = "oddsctl-http-1";

// Where the module is looked for: next to the executable, then bin/../lib/oddsctl/.
std::vector<std::string> http_module_paths();

// Loads the module (once) and starts a server; Error (exit 1) naming the module or the
// bind failure ("127.0.0.1:8080: address in use").
std::unique_ptr<HttpServer> start_http_server(const HttpServerOptions& options, const HttpHandler& handler);

}  // namespace oddsctl::serve
