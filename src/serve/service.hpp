// The routes of `oddsctl serve`, apart from the HTTP transport: a request in, a response
// out, so that they read as a table and the transport (http/) stays small. Internal to src/serve/.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/budget.hpp"
#include "oddsctl/serve.hpp"
#include "serve/http_module.hpp"
#include "serve/store_pool.hpp"

namespace oddsctl::serve {

class Service {
public:
  explicit Service(ServeOptions options);

  // Never throws: errors become their status and the error object.
  HttpResponse handle(const HttpRequest& request);
  // Counts a response for /metrics (called by the transport just before it is written).
  void count(int status);

  const ServeOptions& options() const { return m_options; }

private:
  HttpResponse route(const HttpRequest& request);
  HttpResponse healthz();
  HttpResponse readyz();
  HttpResponse scans_latest(const HttpRequest& request);
  HttpResponse opportunities(const HttpRequest& request);
  HttpResponse stats(const HttpRequest& request);
  HttpResponse budget(const HttpRequest& request);
  HttpResponse metrics();
  HttpResponse dashboard(const HttpRequest& request);
  HttpResponse trigger_scan(const HttpRequest& request, const std::string& region);
  HttpResponse trigger_sync(const HttpRequest& request, const std::string& event_id);
  // nullopt when the request carries the token, else the 401.
  std::optional<HttpResponse> unauthorized(const HttpRequest& request) const;
  // A JSON answer with an ETag, or 304 when If-None-Match has it.
  HttpResponse json_with_etag(const HttpRequest& request, std::string body, const std::string& etag) const;
  std::vector<std::string> served_regions(store::Store& store, const HttpRequest* request) const;
  store::ScanSource source_of(const HttpRequest& request) const;

  ServeOptions m_options;
  StorePool m_pool;
  std::mutex m_mutex;                        // guards the sets and counts below
  std::set<std::string> m_scanning;          // regions a triggered scan is running for
  std::set<std::string> m_syncing;           // events a triggered sync is running for
  std::map<int, std::uint64_t> m_responses;  // by status
};

// The first line of an error message (messages are one line; this makes sure).
inline std::string first_line_of(const std::string& text) { return text.substr(0, text.find('\n')); }

// The error object of the command line, {"error": {"exit_code", "message"}}, plus "status".
HttpResponse error_response(int status, const std::string& message, int exit_code = 1);

// The Prometheus text for /metrics (serve/metrics.cpp).
struct MetricsInput {
  std::vector<std::string> regions;
  store::ScanSource source = store::ScanSource::live;
  Millis max_age{};
  TimePoint now{};
  std::map<int, std::uint64_t> responses;
  bool store_up = true;
  std::string store_error;
};
std::string metrics_text(store::Store* store, const MetricsInput& in, const EnvLookup& env);

// configured_keys(env): oddsctl/budget.hpp (one definition for budget and serve).

}  // namespace oddsctl::serve
