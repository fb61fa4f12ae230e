// The rules of credit reservations (Store::reserve_credits and friends), shared by every
// backend: each one reads a key's state inside its own atomic step (a SQLite IMMEDIATE
// transaction, a versioned Mongo document) and applies these. Internal to src/store/.
#pragma once

#include <cstdint>
#include <optional>

#include "oddsctl/ledger.hpp"
#include "oddsctl/store.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store::credit_rules {

// A key's remaining credits as the store knows them.
struct KeyFigure {
  std::optional<std::int64_t> remaining;
  std::optional<TimePoint> reported_at;
  bool operator==(const KeyFigure&) const = default;
};

// The newer of two figures; within k_report_span of each other the lower (concurrent
// responses are recorded out of order, and the counter only falls within a month). A
// figure without a time is older than any with one.
KeyFigure merge(const KeyFigure& stored, std::optional<std::int64_t> known, std::optional<TimePoint> known_at);

// Whether a call of `cost` may be reserved when `held` credits are reserved by others.
bool allows(std::optional<std::int64_t> remaining, std::int64_t held, std::int64_t cost,
            std::optional<std::int64_t> reserve);

// The key's figure after a call was answered.
KeyFigure settled(const KeyFigure& stored, std::int64_t charged, const Credits& credits, TimePoint now);

// A fresh reservation id (random, 16 hex digits).
std::string new_hold_id();

}  // namespace oddsctl::store::credit_rules
