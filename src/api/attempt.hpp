// What one HTTP attempt against the API came to: its credits, and whether (and how) it
// failed. Kept apart from the client so the classification rules read in one place.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "api/curl_pool.hpp"
#include "oddsctl/api.hpp"
#include "oddsctl/budget/guard.hpp"
#include "oddsctl/ledger.hpp"

namespace oddsctl::api {

struct AttemptFailure {
  ApiErrorKind kind = ApiErrorKind::network;
  int http_status = 0;
  std::string error_code;  // the API's error_code, when it sent one
  std::string detail;      // "500 ERROR_500: Internal server error", without prefix
  bool retryable = false;
  std::optional<Millis> retry_after;  // from a 429's Retry-After (seconds)
  // The API answered with its error object ({"message", "error_code"}): it refused the
  // call, so it did not charge for it unless x-requests-last says otherwise.
  bool refused = false;
};

// One x-requests-* figure: a whole, non-negative number that fits in 64 bits ("12.0" is
// accepted: it has been seen). Anything else (negative, too large, not a number) is unknown.
std::optional<std::int64_t> parse_count(const std::string* text);

// The x-requests-* headers; a missing or unreadable header stays unknown.
Credits credits_of(const HttpResult& result);

// The failure an HTTP result stands for, or nullopt when it is a whole 2xx response that
// is not an API error object (its body still has to parse). `key` and `region` name what
// to fix in key errors; `timeout` is the attempt's limit, for the message. An error object
// decides by its error_code first: a spent quota or a bad key is never retryable, whatever
// the status line says.
std::optional<AttemptFailure> classify(const HttpResult& result, const ApiKey& key, const std::string& region,
                                       Millis timeout);

// The http_status a ledger row gets for this attempt. The ledger's status feeds credit
// accounting (an error answer without figures was not charged; a success without figures
// is unknown): 0 when no complete answer came (timeout, broken or oversized body), and for
// an error object sent with a 2xx status line, the status its error_code stands for.
int ledger_status(const HttpResult& result, const std::optional<AttemptFailure>& failure);

// Full jitter: uniform(0, min(cap, base * 2^attempt)).
Millis backoff_delay(int attempt, Millis base, Millis cap);

// `url` with its apiKey query parameter removed, for logs.
std::string without_api_key(std::string_view url);

}  // namespace oddsctl::api
