// `oddsctl serve`: the store's results, health and metrics over HTTP, a dashboard, and
// (with a token) authenticated scan and sync triggers. The bodies are the same JSON
// documents as the matching commands' --json, built by the same library functions.
// Nothing here prints; spdlog gets one line per request at debug level (never a token).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/keys.hpp"
#include "oddsctl/scan.hpp"
#include "oddsctl/store.hpp"
#include "oddsctl/sync.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::serve {

// "127.0.0.1:8080", "localhost:0", "[::1]:8080", "0.0.0.0:80"; ":9090" is the loopback
// address 127.0.0.1:9090 (listening on every interface is always spelt out).
// UsageError naming `flag` on anything else.
struct ListenAddress {
  std::string host = "127.0.0.1";
  int port = 8080;
};
ListenAddress parse_listen(const std::string& text, const std::string& flag = "--listen");

struct ServeOptions {
  ListenAddress listen;
  // The regions served: /readyz checks them, the dashboard shows them, and they are the
  // default of ?region=. Empty: every region with a stored scan (cache get --region all).
  std::vector<std::string> regions;
  store::ScanSource source = store::ScanSource::live;  // whose latest result is served unless ?source=
  Millis max_age = std::chrono::minutes(15);           // fresher than this is ready (and fresh)
  std::optional<std::string> cors_origin;              // Access-Control-Allow-Origin; none by default
  std::size_t threads = 8;                             // the bounded pool of request threads
  std::size_t max_body = 64 * 1024;                    // bytes; a larger request body is 413
  std::size_t max_header_bytes = 16 * 1024;            // all header lines together; more is 431
  Millis read_timeout{5000};
  Millis write_timeout{5000};
  Millis keep_alive{5000};
  // Only /healthz, /readyz and /metrics (the worker's `scan --every --listen`).
  bool health_only = false;

  // Triggers (POST /v1/scan/{region}, POST /v1/sync/event/{id}) exist only with a token;
  // it comes from ODDSCTL_SERVE_TOKEN and is compared in constant time.
  std::optional<std::string> token;
  scan::ScanOptions scan;  // the template of a triggered scan (regions replaced)
  sync::SyncOptions sync;  // the template of a triggered sync (event_id set)
  api::ApiFactory api_factory;
  EnvLookup env = process_env();  // API keys (budget's configured keys, scans)

  // Opens one store connection: the server keeps a small pool of them (one per request
  // thread) and reopens a connection that failed. Read-only unless a token is set.
  std::function<std::unique_ptr<store::Store>()> open_store;
};

// A started server.
class Server {
public:
  virtual ~Server() = default;
  virtual std::string address() const = 0;  // "127.0.0.1:PORT" as bound
  // Stops accepting and waits for the requests in flight (a triggered scan included).
  virtual void stop() = 0;
};

// Binds and starts serving on threads of its own. Error (exit 1) when the address cannot
// be bound or the HTTP module is missing; UsageError for bad options.
std::unique_ptr<Server> start_server(ServeOptions options);

// Constant-time comparison of two secrets (the length is not hidden).
bool secrets_equal(const std::string& a, const std::string& b);

// The dashboard page (src/serve/dashboard.html, embedded at build time).
const std::string& dashboard_html();

}  // namespace oddsctl::serve
