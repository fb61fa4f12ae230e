// Role CreditReservations (store/credits.hpp): the reserve check against the key's figure and the other live
// reservations, settle and release, expiry, the newer-figure rule, and many threads on two
// Store objects (two "processes") never passing the reserve together.
#include <atomic>
#include <thread>
#include <vector>

#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;
using std::chrono::seconds;

namespace {

store::CreditRequest ask(std::int64_t cost, std::optional<std::int64_t> reserve, std::optional<std::int64_t> known,
                         TimePoint now, std::optional<TimePoint> known_at = std::nullopt,
                         const std::string& key = "k1") {
  store::CreditRequest r;
  r.key_id = key;
  r.owner = "host:1";
  r.cost = cost;
  r.reserve = reserve;
  r.known_remaining = known;
  r.known_at = known_at ? known_at : (known ? std::optional<TimePoint>(now) : std::nullopt);
  r.ttl = seconds(60);
  r.now = now;
  return r;
}

Credits reported(std::int64_t remaining, std::int64_t last) {
  Credits c;
  c.remaining = remaining;
  c.last = last;
  return c;
}

}  // namespace

TEST_CASE("credits: live reservations count against the reserve; settle and release give them back") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    auto a = store.reserve_credits(ask(3, 50, 56, at_s(0)));
    REQUIRE(a.granted());
    CHECK(a.remaining == 56);
    CHECK(a.held == 0);
    CHECK(a.hold->key_id == "k1");
    // 56 - 3 (a) - 3 = 50: allowed, exactly at the reserve.
    auto b = store.reserve_credits(ask(3, 50, 56, at_s(1)));
    REQUIRE(b.granted());
    CHECK(b.held == 3);
    CHECK(a.hold->id != b.hold->id);
    // 56 - 6 - 1 < 50: refused, nothing held.
    auto c = store.reserve_credits(ask(1, 50, 56, at_s(2)));
    CHECK_FALSE(c.granted());
    CHECK(c.held == 6);
    CHECK(c.remaining == 56);
    // Another key is independent.
    CHECK(store.reserve_credits(ask(1, 50, 56, at_s(2), std::nullopt, "k2")).granted());

    // a failed uncharged: released. b was answered: 53 left.
    store.release_credits(*a.hold);
    store.settle_credits(*b.hold, 3, reported(53, 3), at_s(3));
    // The store now knows 53 (newer than the caller's 56 of t0... within the span: the lower).
    auto d = store.reserve_credits(ask(3, 50, 56, at_s(4), at_s(0)));
    REQUIRE(d.granted());
    CHECK(d.remaining == 53);
    CHECK(d.held == 0);
    CHECK_FALSE(store.reserve_credits(ask(1, 50, 56, at_s(5), at_s(0))).granted());
    // Without a reserve nothing is refused, only recorded.
    auto e = store.reserve_credits(ask(100, std::nullopt, std::nullopt, at_s(5)));
    REQUIRE(e.granted());
    CHECK(e.held == 3);
    // Unknown remaining (no figure anywhere): the first call is allowed.
    CHECK(store.reserve_credits(ask(5, 50, std::nullopt, at_s(5), std::nullopt, "k3")).granted());
  });
}

TEST_CASE("credits: a reservation expires, so a killed process blocks nobody for long") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    auto a = store.reserve_credits(ask(3, 50, 55, at_s(0)));  // ttl 60 s, never settled
    REQUIRE(a.granted());
    CHECK_FALSE(store.reserve_credits(ask(3, 50, 55, at_s(59))).granted());
    auto later = store.reserve_credits(ask(3, 50, 55, at_s(60)));
    REQUIRE(later.granted());
    CHECK(later.held == 0);
    // Settling the expired one changes only the key's figure.
    store.settle_credits(*a.hold, 3, reported(52, 3), at_s(61));
    auto next = store.reserve_credits(ask(1, 50, std::nullopt, at_s(62)));
    CHECK(next.remaining == 52);
    CHECK(next.held == 3);        // `later`'s
    CHECK_FALSE(next.granted());  // 52 - 3 - 1 < 50
  });
}

TEST_CASE("credits: the newer figure wins; within five minutes the lower one") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    auto first = store.reserve_credits(ask(1, std::nullopt, 100, at_s(0)));
    REQUIRE(first.granted());
    store.release_credits(*first.hold);
    // A higher figure 2 minutes later: not believed (the counter only falls within a month).
    CHECK(store.reserve_credits(ask(1, std::nullopt, 120, at_s(120))).remaining == 100);
    // A figure an hour later (the month renewed): believed.
    CHECK(store.reserve_credits(ask(1, std::nullopt, 5000, at_s(3600))).remaining == 5000);
    // An older figure, or one without a time: the store's stays.
    CHECK(store.reserve_credits(ask(1, std::nullopt, 7, at_s(3601), at_s(10))).remaining == 5000);
    store::CreditRequest untimed = ask(1, std::nullopt, 7, at_s(3602));
    untimed.known_at.reset();
    CHECK(store.reserve_credits(untimed).remaining == 5000);
    // Settling without a remaining header takes the charge off the figure.
    auto h = store.reserve_credits(ask(4, std::nullopt, std::nullopt, at_s(3603)));
    Credits only_last;
    only_last.last = 4;
    store.settle_credits(*h.hold, 4, only_last, at_s(3604));
    CHECK(store.reserve_credits(ask(1, std::nullopt, std::nullopt, at_s(3605))).remaining == 4996);
  });
}

TEST_CASE("credits: threads of two processes never pass the reserve together") {
  for_each_backend([](store::Store& store, const std::string& uri, const std::string&) {
    std::unique_ptr<store::Store> other = store::open_store(uri);
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      store::Store* s = t % 2 ? other.get() : &store;
      threads.emplace_back([&, s] {
        for (int i = 0; i < 10; ++i)
          if (s->reserve_credits(ask(3, 50, 100, t0())).granted()) ++granted;
      });
    }
    for (auto& t : threads) t.join();
    // (100 - 50) / 3 = 16 calls fit.
    CHECK(granted.load() == 16);
  });
}
