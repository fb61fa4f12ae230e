// Credit guards: the run's cap (--max-credits) and a key's reserve (--reserve), checked
// before every paid call, and settled from the API's own figures after it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "oddsctl/ledger.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store {
class CreditReservations;  // oddsctl/store/credits.hpp
}  // namespace oddsctl::store

namespace oddsctl::budget {

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
    std::optional<TimePoint> known_at;                  // when the API reported known_remaining
    store::CreditReservations* reservations = nullptr;  // may be null; must outlive the guard
    std::string key_id;                                 // for the reservations
    std::string owner;                                  // host:pid, for the reservations
    Millis hold_ttl{std::chrono::minutes(2)};           // a reservation's life (a killed process's ends)
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
  store::CreditReservations* m_reservations = nullptr;
  std::string m_key_id, m_owner;
  Millis m_hold_ttl;
  // Store reservations of the calls in flight, by (thread, cost): the client reserves and
  // settles one attempt on one thread.
  std::map<std::pair<std::thread::id, std::int64_t>, std::deque<std::string>> m_holds;
};

// How long a store reservation of one call lives: no attempt outlasts its timeout, so a
// reservation older than two of them (plus 5 s) was left by a process that died.
Millis credit_hold_ttl(Millis request_timeout);

}  // namespace oddsctl::budget
