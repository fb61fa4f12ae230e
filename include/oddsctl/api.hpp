// The Odds API v4 client. One client per API key (= per region); it is safe to call from
// several threads at once (each call uses its own connection from a pool).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/errors.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/ledger.hpp"
#include "oddsctl/odds.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::api {

enum class ApiErrorKind {
  invalid_key,     // 401 INVALID_KEY (or any 401/403 that is not OUT_OF_USAGE_CREDITS)
  out_of_credits,  // 401 OUT_OF_USAGE_CREDITS: the quota is spent
  not_found,       // 404 UNKNOWN_SPORT / EVENT_NOT_FOUND
  unprocessable,   // 422
  rate_limited,    // 429 after the retries ran out
  server,          // 5xx after the retries ran out
  timeout,         // after the retries ran out
  bad_body,        // truncated or not JSON, after the retries ran out
  network,         // connect failures etc., after the retries ran out
  deadline,        // the run's deadline came before the call could be (re)tried
  budget,          // a budget guard refused the call (never sent)
};
const char* to_string(ApiErrorKind kind);

// One call's failure. The message names the region and, for key problems, the env var to
// fix; it never contains the key.
class ApiError : public Error {
public:
  ApiError(ApiErrorKind kind, int http_status, std::string error_code, const std::string& message)
      : Error(kind == ApiErrorKind::budget ? ExitCode::budget : ExitCode::runtime, message),
        m_kind(kind),
        m_http_status(http_status),
        m_error_code(std::move(error_code)) {}
  ApiErrorKind kind() const { return m_kind; }
  int http_status() const { return m_http_status; }
  const std::string& error_code() const { return m_error_code; }

private:
  ApiErrorKind m_kind;
  int m_http_status;
  std::string m_error_code;
};

}  // namespace oddsctl::api

namespace oddsctl::budget {
class BudgetGuard;  // oddsctl/budget/guard.hpp
}  // namespace oddsctl::budget

namespace oddsctl::api {

struct ClientOptions {
  std::string base_url = "https://api.the-odds-api.com";
  std::string region;            // for messages and the ledger
  std::string command = "scan";  // ledger label
  Millis connect_timeout{5000};
  Millis request_timeout{10000};  // per attempt
  int max_retries = 3;
  Millis backoff_base{250};  // full jitter: sleep U(0, base * 2^attempt), capped
  Millis backoff_cap{8000};
  Deadline deadline;                                        // no attempt starts after it; sleeps never pass it
  std::shared_ptr<budget::BudgetGuard> guard;               // may be null
  std::function<void(const LedgerEntry&)> on_ledger;        // every response, may be null
  std::optional<std::filesystem::path> save_responses_dir;  // raw bodies for --from-file
  std::vector<std::string> bookmakers;                      // `bookmakers=` filter, empty = all
  // A response body larger than this once decompressed fails the call (not retried): no
  // odds answer comes near it, and a gzip bomb must not take the machine's memory.
  std::size_t max_body_bytes = 64u * 1024u * 1024u;
};

// `url` without its trailing slashes, checked as an API base URL: the scheme is http or
// https, the host is not empty, a port is a number 1-65535, and there is no query or
// fragment (paths are appended to it). Throws UsageError naming what is wrong otherwise;
// make_http_client refuses such a URL the same way.
std::string checked_base_url(const std::string& url);

struct OddsRequest {
  std::string sport;
  std::vector<std::string> markets{"h2h"};
  std::vector<std::string> event_ids;  // batched: many events in one call
  // includeLinks / includeSids / includeBetLimits=true: more fields in the body, same cost
  // (the API charges markets x regions whatever is included).
  bool include_links = false;
  bool include_sids = false;
  bool include_bet_limits = false;
};

struct OddsResponse {
  std::vector<Event> events;
  Credits credits;
  int attempts = 1;
};

class OddsApi {
public:
  virtual ~OddsApi() = default;
  // /v4/sports (free)
  virtual std::vector<Sport> sports() = 0;
  // /v4/sports/{sport}/events (free)
  virtual std::vector<Event> events(const std::string& sport) = 0;
  // /v4/sports/{sport}/odds?regions=<region>&markets=...&oddsFormat=decimal&dateFormat=iso
  // costs markets x 1 region, nothing when no event comes back.
  virtual OddsResponse odds(const OddsRequest& request) = 0;
  // Requests made so far (each HTTP attempt counts).
  virtual int requests() const = 0;
};

// The libcurl implementation. Throws UsageError when options.base_url is not one that
// checked_base_url accepts (before any request).
std::unique_ptr<OddsApi> make_http_client(ApiKey key, ClientOptions options);

// Builds the API client of one region; scan and sync give it the region's options.
using ApiFactory = std::function<std::unique_ptr<OddsApi>(const std::string& region, ClientOptions options)>;

// The default factory: make_http_client with the region's key from env.
ApiFactory http_api_factory(const EnvLookup& env);

}  // namespace oddsctl::api
