// BudgetGuard: refuses a call before it is made when it could take a key below its reserve
// or a run past its credit cap. Costs of calls in flight are held as "pending" so that
// concurrent callers cannot all pass the check on the same remaining figure; with a store,
// they are also reserved there, so that other processes on the store see them too.
#include "oddsctl/api.hpp"
#include "oddsctl/budget/guard.hpp"

#include <algorithm>
#include <sstream>

#include <spdlog/spdlog.h>

#include "oddsctl/store.hpp"

namespace oddsctl::budget {

Millis credit_hold_ttl(Millis request_timeout) { return 2 * request_timeout + Millis(5000); }

// --- RunCreditCap ---

bool RunCreditCap::hold(std::int64_t cost) {
  std::lock_guard lock(m_mutex);
  if (m_max && m_spent + m_pending + cost > *m_max) return false;
  m_pending += cost;
  return true;
}

void RunCreditCap::settle(std::int64_t held, std::int64_t charged) {
  std::lock_guard lock(m_mutex);
  m_pending = std::max<std::int64_t>(0, m_pending - held);
  m_spent += charged;
}

void RunCreditCap::release(std::int64_t held) {
  std::lock_guard lock(m_mutex);
  m_pending = std::max<std::int64_t>(0, m_pending - held);
}

std::int64_t RunCreditCap::spent() const {
  std::lock_guard lock(m_mutex);
  return m_spent;
}

std::int64_t RunCreditCap::pending() const {
  std::lock_guard lock(m_mutex);
  return m_pending;
}

// --- BudgetGuard ---

BudgetGuard::BudgetGuard(Options options)
    : m_reserve(options.reserve),
      m_cap(options.cap ? std::move(options.cap) : std::make_shared<RunCreditCap>(std::nullopt)),
      m_remaining(options.known_remaining),
      m_remaining_at(options.known_at),
      m_reservations(options.reservations),
      m_key_id(std::move(options.key_id)),
      m_owner(std::move(options.owner)),
      m_hold_ttl(options.hold_ttl) {}

BudgetGuard::BudgetGuard(std::optional<std::int64_t> reserve, std::optional<std::int64_t> max_credits,
                         std::optional<std::int64_t> known_remaining)
    : BudgetGuard(Options{reserve, std::make_shared<RunCreditCap>(max_credits), known_remaining, std::nullopt, nullptr,
                          "", "", std::chrono::minutes(2)}) {}

namespace {

[[noreturn]] void refuse_reserve(std::int64_t cost, const std::string& what, std::int64_t reserve,
                                 std::optional<std::int64_t> remaining, std::int64_t in_flight, bool others) {
  std::ostringstream msg;
  msg << "budget guard: " << cost << " credit" << (cost == 1 ? "" : "s") << " would take " << what
      << " below the reserve of " << reserve << " (remaining ";
  if (remaining) msg << *remaining;
  else msg << "unknown";
  if (in_flight > 0) msg << ", " << in_flight << " in flight" << (others ? " (every run on this store)" : "");
  msg << ")";
  throw api::ApiError(api::ApiErrorKind::budget, 0, "", msg.str());
}

}  // namespace

std::optional<std::string> BudgetGuard::take_hold(std::int64_t cost) {
  auto it = m_holds.find({std::this_thread::get_id(), cost});
  if (it == m_holds.end())
    it = std::find_if(m_holds.begin(), m_holds.end(), [&](const auto& kv) { return kv.first.second == cost; });
  if (it == m_holds.end()) return std::nullopt;
  std::string id = std::move(it->second.front());
  it->second.pop_front();
  if (it->second.empty()) m_holds.erase(it);
  return id;
}

void BudgetGuard::reserve_call(std::int64_t cost, const std::string& what) {
  std::lock_guard lock(m_mutex);
  auto refuse_cap = [&] {
    m_tripped = true;
    std::ostringstream msg;
    msg << "budget guard: " << cost << " credit" << (cost == 1 ? "" : "s") << " for " << what
        << " would pass the run's cap of " << *m_cap->max() << " credits (spent " << m_cap->spent();
    if (m_cap->pending() > 0) msg << ", " << m_cap->pending() << " in flight";
    msg << ")";
    throw api::ApiError(api::ApiErrorKind::budget, 0, "", msg.str());
  };
  if (m_reservations) {
    if (!m_cap->hold(cost)) refuse_cap();
    std::optional<store::CreditGrant> grant;
    try {
      store::CreditRequest req;
      req.key_id = m_key_id;
      req.owner = m_owner;
      req.cost = cost;
      req.reserve = m_reserve;
      req.known_remaining = m_remaining;
      req.known_at = m_remaining_at;
      req.ttl = m_hold_ttl;
      req.now = now_utc();
      grant = m_reservations->reserve_credits(req);
    } catch (const std::exception& e) {
      // The store is the shared check; without it this process's own check still holds.
      spdlog::warn("budget guard: could not reserve credits in the store ({}); checking this run's figures only",
                   e.what());
    }
    if (grant) {
      if (!grant->granted()) {
        m_cap->release(cost);
        m_tripped = true;
        refuse_reserve(cost, what, m_reserve.value_or(0), grant->remaining, grant->held, true);
      }
      m_holds[{std::this_thread::get_id(), cost}].push_back(grant->hold->id);
      m_pending += cost;
      spdlog::debug("budget guard: {} credit(s) for {} reserved in the store ({} held by other calls on this key)",
                    cost, what, grant->held);
      return;
    }
    if (m_reserve && m_remaining && *m_remaining - m_pending - cost < *m_reserve) {
      m_cap->release(cost);
      m_tripped = true;
      refuse_reserve(cost, what, *m_reserve, m_remaining, m_pending, false);
    }
    m_pending += cost;
    return;
  }
  if (m_reserve && m_remaining && *m_remaining - m_pending - cost < *m_reserve) {
    m_tripped = true;
    refuse_reserve(cost, what, *m_reserve, m_remaining, m_pending, false);
  }
  if (!m_cap->hold(cost)) refuse_cap();
  m_pending += cost;
}

void BudgetGuard::settle(std::int64_t estimated_cost, const Credits& credits) {
  std::lock_guard lock(m_mutex);
  m_pending = std::max<std::int64_t>(0, m_pending - estimated_cost);
  // A missing x-requests-last is "unknown": count the estimate, the safe side.
  const std::int64_t charged = credits.last.value_or(estimated_cost);
  m_spent += charged;
  m_cap->settle(estimated_cost, charged);
  const TimePoint now = now_utc();
  if (credits.remaining) {
    // The first report from the API replaces the ledger's (possibly old) figure; after that,
    // concurrent responses can arrive out of order, so the lowest report is the newest.
    m_remaining = m_reported && m_remaining ? std::min(*m_remaining, *credits.remaining) : *credits.remaining;
    m_remaining_at = now;
    m_reported = true;
  } else if (m_remaining) {
    *m_remaining -= charged;
  }
  if (m_reservations && estimated_cost > 0) {
    std::optional<std::string> id = take_hold(estimated_cost);
    try {
      m_reservations->settle_credits(store::CreditHold{m_key_id, id.value_or("")}, charged, credits, now);
    } catch (const std::exception& e) {
      spdlog::warn("budget guard: could not settle a credit reservation in the store: {}", e.what());
    }
  }
}

void BudgetGuard::release(std::int64_t estimated_cost) {
  std::lock_guard lock(m_mutex);
  m_pending = std::max<std::int64_t>(0, m_pending - estimated_cost);
  m_cap->release(estimated_cost);
  if (m_reservations && estimated_cost > 0) {
    std::optional<std::string> id = take_hold(estimated_cost);
    if (!id) return;
    try {
      m_reservations->release_credits(store::CreditHold{m_key_id, *id});
    } catch (const std::exception& e) {
      spdlog::warn("budget guard: could not release a credit reservation in the store (it expires): {}", e.what());
    }
  }
}

std::int64_t BudgetGuard::spent() const {
  std::lock_guard lock(m_mutex);
  return m_spent;
}

std::optional<std::int64_t> BudgetGuard::remaining() const {
  std::lock_guard lock(m_mutex);
  return m_remaining;
}

bool BudgetGuard::tripped() const {
  std::lock_guard lock(m_mutex);
  return m_tripped;
}

}  // namespace oddsctl::budget
