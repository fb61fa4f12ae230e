// What one HTTP attempt against the API came to: its credits, and whether (and how) it
// failed. Kept apart from the client so the classification rules read in one place.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string>

#include "api/curl_pool.hpp"
#include "oddsctl/api.hpp"
#include "oddsctl/ledger.hpp"

namespace oddsctl::api {

struct AttemptFailure {
  ApiErrorKind kind = ApiErrorKind::network;
  int http_status = 0;
  std::string error_code;      // the API's error_code, when it sent one
  std::string detail;          // "500 ERROR_500: Internal server error", without prefix
  bool retryable = false;
  std::optional<Millis> retry_after;  // from a 429's Retry-After (seconds)
};

// The x-requests-* headers; a missing or unreadable header stays unknown.
Credits credits_of(const HttpResult& result);

// The failure an HTTP result stands for, or nullopt when it is a whole 200 response (its
// body still has to parse). `key` and `region` name what to fix in key errors;
// `timeout` is the attempt's limit, for the message.
std::optional<AttemptFailure> classify(const HttpResult& result, const ApiKey& key,
                                       const std::string& region, Millis timeout);

// Full jitter: uniform(0, min(cap, base * 2^attempt)).
Millis backoff_delay(int attempt, Millis base, Millis cap);

}  // namespace oddsctl::api
