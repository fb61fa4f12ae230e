#include "store/credit_rules.hpp"

#include <random>

#include "oddsctl/budget.hpp"

namespace oddsctl::store::credit_rules {

KeyFigure merge(const KeyFigure& stored, std::optional<std::int64_t> known, std::optional<TimePoint> known_at) {
  if (!known) return stored;
  if (!stored.remaining) return KeyFigure{known, known_at};
  if (!known_at) return stored;
  if (!stored.reported_at) return KeyFigure{known, known_at};
  const auto gap = *known_at > *stored.reported_at ? *known_at - *stored.reported_at : *stored.reported_at - *known_at;
  if (gap <= budget::k_report_span) {
    if (*known < *stored.remaining) return KeyFigure{known, std::max(*known_at, *stored.reported_at)};
    return KeyFigure{stored.remaining, std::max(*known_at, *stored.reported_at)};
  }
  return *known_at > *stored.reported_at ? KeyFigure{known, known_at} : stored;
}

bool allows(std::optional<std::int64_t> remaining, std::int64_t held, std::int64_t cost,
            std::optional<std::int64_t> reserve) {
  if (!reserve || !remaining) return true;
  return *remaining - held - cost >= *reserve;
}

KeyFigure settled(const KeyFigure& stored, std::int64_t charged, const Credits& credits, TimePoint now) {
  if (credits.remaining) return merge(stored, credits.remaining, now);
  KeyFigure out = stored;
  if (out.remaining) *out.remaining -= std::max<std::int64_t>(0, charged);
  return out;
}

std::string new_hold_id() {
  static thread_local std::mt19937_64 rng{
      std::random_device{}() ^ static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace oddsctl::store::credit_rules
