// BudgetGuard: refusal exactly at the reserve and at the run's cap, settle/release
// accounting, and many threads reserving at once.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "oddsctl/api.hpp"

using namespace oddsctl;

namespace {

Credits reported(std::int64_t remaining, std::int64_t last, std::int64_t used = 0) {
  Credits c;
  c.remaining = remaining;
  c.last = last;
  c.used = used;
  return c;
}

ApiErrorKind refusal_kind(BudgetGuard& guard, std::int64_t cost) {
  try {
    guard.reserve_call(cost, "key …abcd (region au)");
  } catch (const ApiError& e) {
    return e.kind();
  }
  FAIL("the call was allowed");
  return ApiErrorKind::network;
}

}  // namespace

TEST_CASE("a call may take remaining down to the reserve, not below") {
  BudgetGuard guard(100, std::nullopt, 103);
  guard.reserve_call(3, "key …abcd (region au)");  // 103 - 3 = 100: allowed
  guard.settle(3, reported(100, 3));
  CHECK(guard.remaining() == 100);
  CHECK(guard.spent() == 3);
  CHECK_FALSE(guard.tripped());
  try {
    guard.reserve_call(1, "key …abcd (region au)");
    FAIL("expected a refusal");
  } catch (const ApiError& e) {
    CHECK(e.kind() == ApiErrorKind::budget);
    CHECK(e.code() == ExitCode::budget);
    const std::string msg = e.what();
    CHECK(msg.find("reserve of 100") != std::string::npos);
    CHECK(msg.find("remaining 100") != std::string::npos);
    CHECK(msg.find("…abcd") != std::string::npos);
  }
  CHECK(guard.tripped());
}

TEST_CASE("calls in flight count against the reserve") {
  BudgetGuard guard(10, std::nullopt, 14);
  guard.reserve_call(2, "k");
  guard.reserve_call(2, "k");  // 14 - 2 - 2 = 10
  CHECK(refusal_kind(guard, 1) == ApiErrorKind::budget);
  guard.release(2);             // one failed without a charge
  guard.reserve_call(1, "k");   // 14 - 2 - 1 = 11
  guard.settle(2, reported(12, 2));
  guard.settle(1, Credits{});   // no headers: the estimate counts
  CHECK(guard.remaining() == 11);
  CHECK(guard.spent() == 3);
}

TEST_CASE("max_credits caps the run's spend") {
  BudgetGuard guard(std::nullopt, 5, std::nullopt);
  guard.reserve_call(3, "k");
  guard.settle(3, reported(1000, 3));
  guard.reserve_call(2, "k");  // 3 + 2 = 5: allowed
  CHECK(refusal_kind(guard, 1) == ApiErrorKind::budget);
  guard.settle(2, reported(998, 0));  // nothing came back: not charged
  CHECK(guard.spent() == 3);
  guard.reserve_call(2, "k");
  try {
    guard.reserve_call(1, "key …wxyz (region uk)");
    FAIL("expected a refusal");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()).find("cap of 5") != std::string::npos);
  }
}

TEST_CASE("unknown remaining with a reserve lets the first call through") {
  BudgetGuard guard(100, std::nullopt, std::nullopt);
  guard.reserve_call(50, "k");
  guard.settle(50, reported(120, 50));
  CHECK(refusal_kind(guard, 21) == ApiErrorKind::budget);
  guard.reserve_call(20, "k");
}

TEST_CASE("the first API report replaces the ledger's figure; later ones only lower it") {
  BudgetGuard guard(0, std::nullopt, 5);  // an old ledger figure
  guard.reserve_call(1, "k");
  guard.reserve_call(1, "k");
  guard.settle(1, reported(498, 1));      // the quota renewed since
  CHECK(guard.remaining() == 498);
  guard.settle(1, reported(499, 1));      // an older response arriving late
  CHECK(guard.remaining() == 498);
  Credits no_remaining;
  no_remaining.last = 2;
  guard.reserve_call(2, "k");
  guard.settle(2, no_remaining);
  CHECK(guard.remaining() == 496);
}

TEST_CASE("concurrent reservations never pass the reserve") {
  BudgetGuard guard(100, std::nullopt, 200);
  std::atomic<int> allowed{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        try {
          guard.reserve_call(1, "k");
          ++allowed;
        } catch (const ApiError&) {
          ++refused;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(allowed.load() == 100);
  CHECK(refused.load() == 300);
  CHECK(guard.tripped());
}
