// Role: the budget ledger. One row per API call that reported credits, per key.
#pragma once

#include <optional>
#include <vector>

#include "oddsctl/ledger.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store {

struct LedgerQuery {
  std::optional<std::string> key_id;
  std::optional<TimePoint> since;
  int limit = 0;  // <= 0: all; otherwise the newest `limit`, newest first
};

class LedgerStore {
public:
  virtual ~LedgerStore() = default;

  virtual void append_ledger(const std::vector<LedgerEntry>& entries) = 0;
  // Oldest first when limit <= 0; otherwise the newest `limit`, newest first.
  virtual std::vector<LedgerEntry> ledger(const LedgerQuery& query) = 0;
  // Per key id, the newest entry whose credits.remaining is known.
  virtual std::vector<LedgerEntry> latest_per_key() = 0;
};

}  // namespace oddsctl::store
