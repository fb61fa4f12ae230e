// Role LeaseStore (store/leases.hpp): acquire, contention, expiry and takeover, renew, release.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;
using std::chrono::seconds;

TEST_CASE("lease: acquire when free, holder returned while held, ours extended") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    auto a = store.acquire_lease("scan:au", "host-a:1", seconds(60), at_s(0));
    CHECK(a.acquired);
    CHECK(a.lease.name == "scan:au");
    CHECK(a.lease.owner == "host-a:1");
    CHECK(a.lease.acquired_at == at_s(0));
    CHECK(a.lease.expires_at == at_s(60));

    auto b = store.acquire_lease("scan:au", "host-b:2", seconds(60), at_s(30));
    CHECK_FALSE(b.acquired);
    CHECK(b.lease.owner == "host-a:1");
    CHECK(b.lease.expires_at == at_s(60));

    auto again = store.acquire_lease("scan:au", "host-a:1", seconds(60), at_s(40));
    CHECK(again.acquired);
    CHECK(again.lease.expires_at == at_s(100));

    // Another name is independent.
    CHECK(store.acquire_lease("scan:uk", "host-b:2", seconds(60), at_s(40)).acquired);
    auto leases = store.list_leases();
    REQUIRE(leases.size() == 2);
    CHECK(leases[0].name == "scan:au");
    CHECK(leases[0].owner == "host-a:1");
    CHECK(leases[0].expires_at == at_s(100));
    CHECK(leases[1].name == "scan:uk");
  });
}

TEST_CASE("lease: expiry lets another owner take over; the old owner can no longer renew") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    REQUIRE(store.acquire_lease("sync:hot", "a", seconds(10), at_s(0)).acquired);
    CHECK_FALSE(store.acquire_lease("sync:hot", "b", seconds(10), at_s(9)).acquired);
    auto b = store.acquire_lease("sync:hot", "b", seconds(10), at_s(10));  // expires_at <= now: free
    CHECK(b.acquired);
    CHECK(b.lease.owner == "b");
    CHECK(b.lease.acquired_at == at_s(10));
    CHECK(b.lease.expires_at == at_s(20));
    CHECK_FALSE(store.renew_lease("sync:hot", "a", seconds(10), at_s(11)));
    CHECK(store.list_leases().at(0).owner == "b");
  });
}

TEST_CASE("lease: renew extends ours; release by the owner frees it, by another does nothing") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    REQUIRE(store.acquire_lease("scan:au", "a", seconds(10), at_s(0)).acquired);
    CHECK(store.renew_lease("scan:au", "a", seconds(30), at_s(5)));
    CHECK(store.list_leases().at(0).expires_at == at_s(35));
    CHECK_FALSE(store.acquire_lease("scan:au", "b", seconds(10), at_s(20)).acquired);
    CHECK_FALSE(store.renew_lease("scan:au", "b", seconds(10), at_s(20)));
    CHECK_FALSE(store.renew_lease("scan:nope", "a", seconds(10), at_s(20)));

    store.release_lease("scan:au", "b");
    REQUIRE(store.list_leases().size() == 1);
    CHECK(store.list_leases().at(0).owner == "a");

    store.release_lease("scan:au", "a");
    CHECK(store.list_leases().empty());
    CHECK(store.acquire_lease("scan:au", "b", seconds(10), at_s(21)).acquired);
  });
}

TEST_CASE("lease: acquire_lease_from takes over from the named dead owner at once, from no one else") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    REQUIRE(store.acquire_lease("scan:au", "host-a:1", seconds(120), at_s(0)).acquired);
    // Still valid for 110 s: acquire_lease refuses, a takeover from the dead holder succeeds.
    CHECK_FALSE(store.acquire_lease("scan:au", "host-b:2", seconds(60), at_s(10)).acquired);
    auto r = store.acquire_lease_from("scan:au", "host-b:2", "host-a:1", seconds(60), at_s(10));
    CHECK(r.acquired);
    CHECK(r.lease.owner == "host-b:2");
    CHECK(r.lease.acquired_at == at_s(10));
    CHECK(r.lease.expires_at == at_s(70));
    auto leases = store.list_leases();
    REQUIRE(leases.size() == 1);
    CHECK(leases[0].owner == "host-b:2");
    CHECK(leases[0].acquired_at == at_s(10));
    CHECK(leases[0].expires_at == at_s(70));
    // The old owner has lost it.
    CHECK_FALSE(store.renew_lease("scan:au", "host-a:1", seconds(60), at_s(11)));
    store.release_lease("scan:au", "host-a:1");
    CHECK(store.list_leases().at(0).owner == "host-b:2");

    // A third run that believes host-a:1 is the holder must not take it from the live host-b:2.
    auto c = store.acquire_lease_from("scan:au", "host-c:3", "host-a:1", seconds(60), at_s(12));
    CHECK_FALSE(c.acquired);
    CHECK(c.lease.owner == "host-b:2");
    CHECK(c.lease.expires_at == at_s(70));
    CHECK(store.list_leases().at(0).owner == "host-b:2");
  });
}

TEST_CASE("lease: acquire_lease_from on a free, expired or own lease behaves as acquire_lease") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    // Free (never taken, or released meanwhile).
    auto a = store.acquire_lease_from("sync:au:hot", "b", "a", seconds(10), at_s(0));
    CHECK(a.acquired);
    CHECK(a.lease.owner == "b");
    CHECK(a.lease.expires_at == at_s(10));
    // Ours: extended, acquired_at kept.
    auto again = store.acquire_lease_from("sync:au:hot", "b", "a", seconds(10), at_s(5));
    CHECK(again.acquired);
    CHECK(again.lease.acquired_at == at_s(0));
    CHECK(again.lease.expires_at == at_s(15));
    // Expired, held by someone else than the dead owner named: free anyway.
    auto c = store.acquire_lease_from("sync:au:hot", "c", "a", seconds(10), at_s(15));
    CHECK(c.acquired);
    CHECK(c.lease.owner == "c");
    REQUIRE(store.list_leases().size() == 1);
    CHECK(store.list_leases().at(0).owner == "c");
    // Named dead owner == ourselves: just an acquire (held by c: refused).
    CHECK_FALSE(store.acquire_lease_from("sync:au:hot", "d", "d", seconds(10), at_s(16)).acquired);
  });
}
