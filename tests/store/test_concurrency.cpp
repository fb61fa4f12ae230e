// Two writers at once: two Store objects on one store, and one Store shared by threads.
#include <atomic>
#include <thread>

#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

namespace {
constexpr int k_per_thread = 25;

// Thread `t` saves k_per_thread scans of `region`, started_at interleaved with the other thread's.
void save_many(store::Store& store, int t, const std::string& region) {
  for (int i = 0; i < k_per_thread; ++i)
    store.save_scan(make_scan("t" + std::to_string(t) + "-" + std::to_string(i), region, at_s(i * 2 + t),
                              store::RegionStatus::ok, 2));
}
}  // namespace

TEST_CASE("concurrent writers on two Store objects, different regions: nothing lost") {
  for_each_backend([](store::Store& store, const std::string& uri, const std::string&) {
    auto other = store::open_store(uri);
    std::thread a([&] { save_many(store, 0, "au"); });
    std::thread b([&] { save_many(*other, 1, "uk"); });
    a.join();
    b.join();
    CHECK(store.list_scans({.region = std::string("au"), .limit = 0}).size() == k_per_thread);
    CHECK(other->list_scans({.region = std::string("uk"), .limit = 0}).size() == k_per_thread);
    CHECK(store.latest_good("au")->scan_id == "t0-" + std::to_string(k_per_thread - 1));
    CHECK(store.latest_good("uk")->scan_id == "t1-" + std::to_string(k_per_thread - 1));
  });
}

TEST_CASE("concurrent writers on two Store objects, same region: nothing lost, pointer is the newest") {
  for_each_backend([](store::Store& store, const std::string& uri, const std::string&) {
    auto other = store::open_store(uri);
    std::thread a([&] { save_many(store, 0, "au"); });
    std::thread b([&] { save_many(*other, 1, "au"); });
    a.join();
    b.join();
    auto all = store.list_scans({.region = std::string("au"), .limit = 0, .with_opportunities = true});
    CHECK(all.size() == 2 * k_per_thread);
    for (const auto& s : all) CHECK(s.opportunities.size() == 2);
    // Thread 1's last scan started last (at 2*(n-1)+1), whichever commit came last.
    CHECK(store.latest_good("au")->scan_id == "t1-" + std::to_string(k_per_thread - 1));
    CHECK(store.info().counts["opportunities"] == 4 * k_per_thread);
  });
}

TEST_CASE("one Store object shared by threads: ledger appends and leases stay consistent") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    std::vector<std::thread> threads;
    std::atomic<int> won{0};
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 20; ++i) store.append_ledger({make_ledger("k" + std::to_string(t), at_s(i), 100 - i)});
        if (store.acquire_lease("scan:au", "owner" + std::to_string(t), std::chrono::seconds(60), at_s(0)).acquired)
          ++won;
      });
    for (auto& th : threads) th.join();
    CHECK(store.ledger({}).size() == 80);
    CHECK(store.latest_per_key().size() == 4);
    CHECK(won.load() == 1);
  });
}
