// The budget ledger: one row per API response that carried (or should have carried)
// credit headers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "oddsctl/time.hpp"

namespace oddsctl {

// The API's x-requests-* headers. A missing header is "unknown", never zero.
struct Credits {
  std::optional<std::int64_t> used;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> last;  // cost of this call
};

struct LedgerEntry {
  TimePoint at{};
  std::string key_id;    // ApiKey::id(), never the key
  std::string key_hint;  // "…abcd"
  std::string region;
  std::string command;   // "scan", "sync:hot", "cache-fallback", ...
  std::string endpoint;  // "sports", "events", "odds"
  std::string sport;     // empty for /sports
  int http_status = 0;
  Credits credits;
};

}  // namespace oddsctl
