// The Odds API v4 client. One client per API key (= per region); it is safe to call from
// several threads at once (each call uses its own connection from a pool).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "oddsctl/errors.hpp"
#include "oddsctl/keys.hpp"
#include "oddsctl/ledger.hpp"
#include "oddsctl/odds.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl {

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

class CreditReservations;  // store.hpp

// The run's credit cap (--max-credits): one for the whole run, shared by every guard of it
// (every key, every region). Thread-safe.
class RunCreditCap {
public:
  explicit RunCreditCap(std::optional<std::int64_t> max_credits) : m_max(max_credits) {}
  // Holds `cost` for a call about to be made; false (nothing held) when the run's spend
  // plus the calls in flight plus `cost` would pass the cap.
  bool hold(std::int64_t cost);
  void settle(std::int64_t held, std::int64_t charged);  // the call was answered
  void release(std::int64_t held);                       // it failed uncharged
  std::optional<std::int64_t> max() const { return m_max; }
  std::int64_t spent() const;
  std::int64_t pending() const;

private:
  mutable std::mutex m_mutex;
  std::optional<std::int64_t> m_max;
  std::int64_t m_spent = 0;
  std::int64_t m_pending = 0;
};

// Refuses spending past a reserve or past the run's cap. One per API key in one run,
// shared by every region that uses the key; thread-safe. Knows the key's remaining credits
// from the ledger at start and from every response after. With a store (`reservations`),
// every paid call is also reserved there, and the reserve is checked there, atomically,
// against the key's newest figure minus the calls other processes have in flight.
class BudgetGuard {
public:
  struct Options {
    std::optional<std::int64_t> reserve;
    std::shared_ptr<RunCreditCap> cap;  // null: a cap of its own, without a limit
    std::optional<std::int64_t> known_remaining;
    std::optional<TimePoint> known_at;           // when the API reported known_remaining
    CreditReservations* reservations = nullptr;  // may be null; must outlive the guard
    std::string key_id;                          // for the reservations
    std::string owner;                           // host:pid, for the reservations
    Millis hold_ttl{std::chrono::minutes(2)};    // a reservation's life (a killed process's ends)
  };
  explicit BudgetGuard(Options options);
  // A guard of its own, without a store: its own cap of max_credits.
  BudgetGuard(std::optional<std::int64_t> reserve, std::optional<std::int64_t> max_credits,
              std::optional<std::int64_t> known_remaining);
  // Reserves `cost` credits for a call about to be made, or throws ApiError(kind=budget).
  // A call whose cost would take remaining below the reserve, or the run's spend past
  // max_credits, is refused. Unknown remaining with a reserve set: allowed (first call).
  void reserve_call(std::int64_t cost, const std::string& what);
  // After the response: the API's own figures replace the estimate.
  void settle(std::int64_t estimated_cost, const Credits& credits);
  // The call failed before being charged: give the estimate back.
  void release(std::int64_t estimated_cost);
  std::int64_t spent() const;  // by this guard's calls
  std::optional<std::int64_t> remaining() const;
  bool tripped() const;  // a call was refused
  const std::shared_ptr<RunCreditCap>& cap() const { return m_cap; }

private:
  std::optional<std::string> take_hold(std::int64_t cost);  // a hold id, under m_mutex

  mutable std::mutex m_mutex;
  std::optional<std::int64_t> m_reserve;
  std::shared_ptr<RunCreditCap> m_cap;
  std::optional<std::int64_t> m_remaining;
  std::optional<TimePoint> m_remaining_at;
  bool m_reported = false;  // m_remaining came from a response, not from the ledger
  std::int64_t m_spent = 0;
  std::int64_t m_pending = 0;
  bool m_tripped = false;
  CreditReservations* m_reservations = nullptr;
  std::string m_key_id, m_owner;
  Millis m_hold_ttl;
  // Store reservations of the calls in flight, by (thread, cost): the client reserves and
  // settles one attempt on one thread.
  std::map<std::pair<std::thread::id, std::int64_t>, std::deque<std::string>> m_holds;
};

// How long a store reservation of one call lives: no attempt outlasts its timeout, so a
// reservation older than two of them (plus 5 s) was left by a process that died.
Millis credit_hold_ttl(Millis request_timeout);

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
  std::shared_ptr<BudgetGuard> guard;                       // may be null
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

}  // namespace oddsctl
