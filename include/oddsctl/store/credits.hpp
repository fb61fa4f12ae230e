// Role: credit reservations, the budget guards across processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "oddsctl/ledger.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store {

// Before a call that costs credits, a guard reserves its estimated cost in the store; after
// the response it settles with the real cost, or releases the reservation when the call
// failed uncharged. The check is atomic across processes on one store, so several runs
// sharing a key cannot all pass it on the same figure. A reservation expires (ttl) so that
// one left by a killed process blocks nobody for long.

// One live reservation.
struct CreditHold {
  std::string key_id;
  std::string id;
};

struct CreditRequest {
  std::string key_id;  // ApiKey::id()
  std::string owner;   // host:pid or worker id (for the record)
  std::int64_t cost = 0;
  std::optional<std::int64_t> reserve;  // nullopt: never refused, only recorded
  // The caller's newest figure for the key and when the API reported it (nullopt: older
  // than any figure the store has). The store keeps the newer of its own and this one;
  // two figures within k_report_span (budget.hpp) of each other: the lower.
  std::optional<std::int64_t> known_remaining;
  std::optional<TimePoint> known_at;
  Millis ttl{std::chrono::minutes(2)};
  TimePoint now{};
};

struct CreditGrant {
  std::optional<CreditHold> hold;         // set when granted
  std::optional<std::int64_t> remaining;  // the key's figure the check used
  std::int64_t held = 0;                  // credits of other live reservations
  bool granted() const { return hold.has_value(); }
};

class CreditReservations {
public:
  virtual ~CreditReservations() = default;
  // Atomically: drops expired reservations, and reserves `cost` when the key's remaining
  // is unknown, or no reserve is asked, or remaining - held - cost >= reserve.
  virtual CreditGrant reserve_credits(const CreditRequest& request) = 0;
  // The call was answered: the reservation goes, the key's figure becomes the API's
  // (credits.remaining), else goes down by `charged`. Unknown or expired holds: only the figure.
  virtual void settle_credits(const CreditHold& hold, std::int64_t charged, const Credits& credits, TimePoint now) = 0;
  // The call failed before it was charged.
  virtual void release_credits(const CreditHold& hold) = 0;
};

}  // namespace oddsctl::store
