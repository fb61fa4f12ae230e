// BudgetGuard: refuses a call before it is made when it could take a key below its reserve
// or a run past its credit cap. Costs of calls in flight are held as "pending" so that
// concurrent callers cannot all pass the check on the same remaining figure.
#include "oddsctl/api.hpp"

#include <algorithm>
#include <sstream>

namespace oddsctl {

BudgetGuard::BudgetGuard(std::optional<std::int64_t> reserve, std::optional<std::int64_t> max_credits,
                         std::optional<std::int64_t> known_remaining)
    : m_reserve(reserve), m_max_credits(max_credits), m_remaining(known_remaining) {}

void BudgetGuard::reserve_call(std::int64_t cost, const std::string& what) {
  std::lock_guard lock(m_mutex);
  if (m_reserve && m_remaining && *m_remaining - m_pending - cost < *m_reserve) {
    m_tripped = true;
    std::ostringstream msg;
    msg << "budget guard: " << cost << " credit" << (cost == 1 ? "" : "s") << " would take " << what
        << " below the reserve of " << *m_reserve << " (remaining " << *m_remaining;
    if (m_pending > 0) msg << ", " << m_pending << " in flight";
    msg << ")";
    throw ApiError(ApiErrorKind::budget, 0, "", msg.str());
  }
  if (m_max_credits && m_spent + m_pending + cost > *m_max_credits) {
    m_tripped = true;
    std::ostringstream msg;
    msg << "budget guard: " << cost << " credit" << (cost == 1 ? "" : "s") << " for " << what
        << " would pass the run's cap of " << *m_max_credits << " credits (spent " << m_spent;
    if (m_pending > 0) msg << ", " << m_pending << " in flight";
    msg << ")";
    throw ApiError(ApiErrorKind::budget, 0, "", msg.str());
  }
  m_pending += cost;
}

void BudgetGuard::settle(std::int64_t estimated_cost, const Credits& credits) {
  std::lock_guard lock(m_mutex);
  m_pending = std::max<std::int64_t>(0, m_pending - estimated_cost);
  // A missing x-requests-last is "unknown": count the estimate, the safe side.
  const std::int64_t charged = credits.last.value_or(estimated_cost);
  m_spent += charged;
  if (credits.remaining) {
    // The first report from the API replaces the ledger's (possibly old) figure; after that,
    // concurrent responses can arrive out of order, so the lowest report is the newest.
    m_remaining = m_reported && m_remaining ? std::min(*m_remaining, *credits.remaining) : *credits.remaining;
    m_reported = true;
  } else if (m_remaining) {
    *m_remaining -= charged;
  }
}

void BudgetGuard::release(std::int64_t estimated_cost) {
  std::lock_guard lock(m_mutex);
  m_pending = std::max<std::int64_t>(0, m_pending - estimated_cost);
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

}  // namespace oddsctl
