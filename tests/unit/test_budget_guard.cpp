// BudgetGuard: refusal exactly at the reserve and at the run's cap, settle/release
// accounting, and many threads reserving at once.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "oddsctl/api.hpp"
#include "oddsctl/budget/guard.hpp"
#include "oddsctl/store.hpp"

using namespace oddsctl;

namespace {

Credits reported(std::int64_t remaining, std::int64_t last, std::int64_t used = 0) {
  Credits c;
  c.remaining = remaining;
  c.last = last;
  c.used = used;
  return c;
}

api::ApiErrorKind refusal_kind(budget::BudgetGuard& guard, std::int64_t cost) {
  try {
    guard.reserve_call(cost, "key …abcd (region au)");
  } catch (const api::ApiError& e) {
    return e.kind();
  }
  FAIL("the call was allowed");
  return api::ApiErrorKind::network;
}

}  // namespace

TEST_CASE("a call may take remaining down to the reserve, not below") {
  budget::BudgetGuard guard(100, std::nullopt, 103);
  guard.reserve_call(3, "key …abcd (region au)");  // 103 - 3 = 100: allowed
  guard.settle(3, reported(100, 3));
  CHECK(guard.remaining() == 100);
  CHECK(guard.spent() == 3);
  CHECK_FALSE(guard.tripped());
  try {
    guard.reserve_call(1, "key …abcd (region au)");
    FAIL("expected a refusal");
  } catch (const api::ApiError& e) {
    CHECK(e.kind() == api::ApiErrorKind::budget);
    CHECK(e.code() == ExitCode::budget);
    const std::string msg = e.what();
    CHECK(msg.find("reserve of 100") != std::string::npos);
    CHECK(msg.find("remaining 100") != std::string::npos);
    CHECK(msg.find("…abcd") != std::string::npos);
  }
  CHECK(guard.tripped());
}

TEST_CASE("calls in flight count against the reserve") {
  budget::BudgetGuard guard(10, std::nullopt, 14);
  guard.reserve_call(2, "k");
  guard.reserve_call(2, "k");  // 14 - 2 - 2 = 10
  CHECK(refusal_kind(guard, 1) == api::ApiErrorKind::budget);
  guard.release(2);            // one failed without a charge
  guard.reserve_call(1, "k");  // 14 - 2 - 1 = 11
  guard.settle(2, reported(12, 2));
  guard.settle(1, Credits{});  // no headers: the estimate counts
  CHECK(guard.remaining() == 11);
  CHECK(guard.spent() == 3);
}

TEST_CASE("max_credits caps the run's spend") {
  budget::BudgetGuard guard(std::nullopt, 5, std::nullopt);
  guard.reserve_call(3, "k");
  guard.settle(3, reported(1000, 3));
  guard.reserve_call(2, "k");  // 3 + 2 = 5: allowed
  CHECK(refusal_kind(guard, 1) == api::ApiErrorKind::budget);
  guard.settle(2, reported(998, 0));  // nothing came back: not charged
  CHECK(guard.spent() == 3);
  guard.reserve_call(2, "k");
  try {
    guard.reserve_call(1, "key …wxyz (region uk)");
    FAIL("expected a refusal");
  } catch (const api::ApiError& e) {
    CHECK(std::string(e.what()).find("cap of 5") != std::string::npos);
  }
}

TEST_CASE("unknown remaining with a reserve lets the first call through") {
  budget::BudgetGuard guard(100, std::nullopt, std::nullopt);
  guard.reserve_call(50, "k");
  guard.settle(50, reported(120, 50));
  CHECK(refusal_kind(guard, 21) == api::ApiErrorKind::budget);
  guard.reserve_call(20, "k");
}

TEST_CASE("the first API report replaces the ledger's figure; later ones only lower it") {
  budget::BudgetGuard guard(0, std::nullopt, 5);  // an old ledger figure
  guard.reserve_call(1, "k");
  guard.reserve_call(1, "k");
  guard.settle(1, reported(498, 1));  // the quota renewed since
  CHECK(guard.remaining() == 498);
  guard.settle(1, reported(499, 1));  // an older response arriving late
  CHECK(guard.remaining() == 498);
  Credits no_remaining;
  no_remaining.last = 2;
  guard.reserve_call(2, "k");
  guard.settle(2, no_remaining);
  CHECK(guard.remaining() == 496);
}

TEST_CASE("concurrent reservations never pass the reserve") {
  budget::BudgetGuard guard(100, std::nullopt, 200);
  std::atomic<int> allowed{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        try {
          guard.reserve_call(1, "k");
          ++allowed;
        } catch (const api::ApiError&) {
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

// ---- one cap for the whole run; the store's reservations -----------------------------

namespace {

// Records what a guard asks of the store; decides like a store with `remaining`.
class FakeReservations : public store::CreditReservations {
public:
  std::optional<std::int64_t> remaining;
  std::int64_t held = 0;
  bool broken = false;
  std::vector<store::CreditRequest> asked;
  std::vector<std::pair<std::string, std::int64_t>> settled;  // id, charged
  std::vector<std::string> released;
  std::map<std::string, std::int64_t> holds;
  int next_id = 0;

  store::CreditGrant reserve_credits(const store::CreditRequest& r) override {
    if (broken) throw StoreError("sqlite x.db: reserve credits: disk I/O error");
    asked.push_back(r);
    store::CreditGrant g;
    g.remaining = remaining;
    g.held = held;
    if (!r.reserve || !remaining || *remaining - held - r.cost >= *r.reserve) {
      g.hold = store::CreditHold{r.key_id, "h" + std::to_string(++next_id)};
      holds[g.hold->id] = r.cost;
      held += r.cost;
    }
    return g;
  }
  void settle_credits(const store::CreditHold& h, std::int64_t charged, const Credits& c, TimePoint) override {
    settled.emplace_back(h.id, charged);
    held -= holds[h.id];
    holds.erase(h.id);
    if (c.remaining) remaining = *c.remaining;
  }
  void release_credits(const store::CreditHold& h) override {
    released.push_back(h.id);
    held -= holds[h.id];
    holds.erase(h.id);
  }
};

budget::BudgetGuard::Options hooked(FakeReservations& store, std::optional<std::int64_t> reserve,
                                    std::shared_ptr<budget::RunCreditCap> cap = nullptr) {
  budget::BudgetGuard::Options o;
  o.reserve = reserve;
  o.cap = std::move(cap);
  o.reservations = &store;
  o.key_id = "key1";
  o.owner = "host:1";
  o.hold_ttl = std::chrono::seconds(9);
  return o;
}

}  // namespace

TEST_CASE("one --max-credits cap shared by the guards of every key and region") {
  auto cap = std::make_shared<budget::RunCreditCap>(9);
  budget::BudgetGuard::Options a_opts, b_opts;
  a_opts.cap = cap;
  b_opts.cap = cap;
  budget::BudgetGuard a(a_opts), b(b_opts);  // two keys
  a.reserve_call(3, "k");
  b.reserve_call(3, "k");
  a.reserve_call(3, "k");  // 9 in flight: the cap
  CHECK(refusal_kind(b, 3) == api::ApiErrorKind::budget);
  CHECK(b.tripped());
  CHECK_FALSE(a.tripped());
  a.settle(3, reported(100, 0));  // came back empty: free
  b.reserve_call(3, "k");
  a.release(3);
  b.settle(3, reported(90, 3));
  b.settle(3, reported(87, 3));
  CHECK(cap->spent() == 6);
  CHECK(cap->pending() == 0);
  CHECK(a.spent() == 0);
  CHECK(b.spent() == 6);
}

TEST_CASE("with a store, every paid call is reserved there and the store decides the reserve") {
  FakeReservations store;
  store.remaining = 56;
  auto opts = hooked(store, 50);
  opts.known_remaining = 60;
  opts.known_at = from_epoch_ms(1000);
  budget::BudgetGuard guard(opts);
  guard.reserve_call(3, "k");
  REQUIRE(store.asked.size() == 1);
  CHECK(store.asked[0].key_id == "key1");
  CHECK(store.asked[0].cost == 3);
  CHECK(store.asked[0].reserve == 50);
  CHECK(store.asked[0].known_remaining == 60);
  CHECK(store.asked[0].known_at == from_epoch_ms(1000));
  CHECK(store.asked[0].ttl == std::chrono::seconds(9));
  // Another process holds 2 more: 56 - 3 - 2 - 3 < 50.
  store.held += 2;
  try {
    guard.reserve_call(3, "key …abcd (region uk)");
    FAIL("expected a refusal");
  } catch (const api::ApiError& e) {
    CHECK(e.kind() == api::ApiErrorKind::budget);
    CHECK(std::string(e.what()).find("reserve of 50") != std::string::npos);
    CHECK(std::string(e.what()).find("remaining 56") != std::string::npos);
  }
  CHECK(guard.tripped());
  CHECK(guard.cap()->pending() == 3);  // the refused call holds nothing
  guard.settle(3, reported(53, 3));
  REQUIRE(store.settled.size() == 1);
  CHECK(store.settled[0] == std::make_pair(std::string("h1"), std::int64_t{3}));
  guard.reserve_call(1, "k");  // 53 - 2 - 1 = 50
  guard.release(1);
  CHECK(store.released == std::vector<std::string>{"h2"});
  // Free calls never touch the store.
  guard.settle(0, Credits{std::nullopt, 53, 0});
  CHECK(store.asked.size() == 3);
  CHECK(store.settled.size() == 1);
}

TEST_CASE("a refusal by the run's cap never reserves in the store") {
  FakeReservations store;
  budget::BudgetGuard guard(hooked(store, std::nullopt, std::make_shared<budget::RunCreditCap>(2)));
  CHECK(refusal_kind(guard, 3) == api::ApiErrorKind::budget);
  CHECK(store.asked.empty());
}

TEST_CASE("a store failure falls back to the run's own figures") {
  FakeReservations store;
  store.broken = true;
  auto opts = hooked(store, 50);
  opts.known_remaining = 54;
  budget::BudgetGuard guard(opts);
  guard.reserve_call(3, "k");  // 54 - 3 >= 50
  CHECK(refusal_kind(guard, 3) == api::ApiErrorKind::budget);
  guard.settle(3, reported(51, 3));  // no hold: the store is told the figure only
  CHECK(guard.remaining() == 51);
}

TEST_CASE("a reservation lives two timeouts plus 5 s") {
  CHECK(budget::credit_hold_ttl(std::chrono::seconds(10)) == std::chrono::seconds(25));
}
