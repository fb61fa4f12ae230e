// Scans, opportunities and the latest-good rule.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

TEST_CASE("save_scan then latest_good and get_scan return every field") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    CHECK_FALSE(store.latest_good("au").has_value());
    CHECK(store.get_scan("nope").empty());
    auto au = make_scan("run1", "au", at_s(0), RegionStatus::ok, 5);
    auto uk = make_scan("run1", "uk", at_s(0), RegionStatus::partial, 2);
    store.save_scan(au);
    store.save_scan(uk);
    auto got = store.latest_good("au");
    REQUIRE(got.has_value());
    check_same(*got, au);
    auto run = store.get_scan("run1");
    REQUIRE(run.size() == 2);
    check_same(run[0].region == "au" ? run[0] : run[1], au);
    check_same(run[0].region == "uk" ? run[0] : run[1], uk);
  });
}

TEST_CASE("a scan with no opportunities and no optional values round-trips") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    auto s = make_scan("empty", "eu", at_s(5), RegionStatus::ok, 0);
    s.credits_used.reset();
    s.credits_remaining.reset();
    store.save_scan(s);
    auto got = store.latest_good("eu");
    REQUIRE(got.has_value());
    check_same(*got, s);
  });
}

TEST_CASE("list_scans: newest first, filters, limit, opportunities only when asked") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    for (int i = 0; i < 5; ++i) {
      store.save_scan(make_scan("r" + std::to_string(i), "au", at_s(i * 60), RegionStatus::ok, 2));
      store.save_scan(make_scan("r" + std::to_string(i), "uk", at_s(i * 60 + 1), RegionStatus::ok, 1));
    }
    auto all = store.list_scans({});
    REQUIRE(all.size() == 10);
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].started_at >= all[i].started_at);
    CHECK(all[0].region == "uk");
    CHECK(all[0].scan_id == "r4");
    CHECK(all[0].opportunities.empty());
    CHECK(all[0].opportunity_count == 1);

    ScanQuery q;
    q.region = "au";
    q.limit = 2;
    auto au = store.list_scans(q);
    REQUIRE(au.size() == 2);
    CHECK(au[0].scan_id == "r4");
    CHECK(au[1].scan_id == "r3");

    q.limit = 0;  // no limit
    q.since = at_s(120);
    auto since = store.list_scans(q);
    REQUIRE(since.size() == 3);
    CHECK(since.back().scan_id == "r2");

    q.with_opportunities = true;
    q.limit = 1;
    auto with = store.list_scans(q);
    REQUIRE(with.size() == 1);
    check_same(with[0], make_scan("r4", "au", at_s(240), RegionStatus::ok, 2));
  });
}

TEST_CASE("latest-good rule: failed never replaces, partial does, skipped is not stored") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    store.save_scan(make_scan("ok1", "au", at_s(0), RegionStatus::ok));
    store.save_scan(make_scan("failed2", "au", at_s(60), RegionStatus::failed, 0));
    REQUIRE(store.latest_good("au").has_value());
    CHECK(store.latest_good("au")->scan_id == "ok1");
    CHECK(store.get_scan("failed2").size() == 1);  // stored, just not good

    store.save_scan(make_scan("partial3", "au", at_s(120), RegionStatus::partial));
    auto got = store.latest_good("au");
    REQUIRE(got.has_value());
    CHECK(got->scan_id == "partial3");
    CHECK(got->status == RegionStatus::partial);
    CHECK(got->failed_sports == std::vector<std::string>{"tennis_atp", "cricket_ipl"});

    store.save_scan(make_scan("skipped4", "au", at_s(180), RegionStatus::skipped, 0));
    CHECK(store.get_scan("skipped4").empty());
    CHECK(store.latest_good("au")->scan_id == "partial3");

    // A failed scan in a region with no good scan leaves it without one.
    store.save_scan(make_scan("failed5", "us", at_s(200), RegionStatus::failed, 0));
    CHECK_FALSE(store.latest_good("us").has_value());
  });
}

TEST_CASE("latest-good rule: a scan that started earlier does not replace a newer good one") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    store.save_scan(make_scan("new", "au", at_s(600), RegionStatus::ok));
    store.save_scan(make_scan("old", "au", at_s(0), RegionStatus::ok));  // finished late
    CHECK(store.latest_good("au")->scan_id == "new");
  });
}

TEST_CASE("invalidate drops the pointer only") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    store.save_scan(make_scan("a", "au", at_s(0)));
    store.save_scan(make_scan("a", "uk", at_s(0)));
    store.save_scan(make_scan("a", "us", at_s(0)));
    store.invalidate(std::string("au"));
    CHECK_FALSE(store.latest_good("au").has_value());
    CHECK(store.latest_good("uk").has_value());
    CHECK(store.get_scan("a").size() == 3);
    store.invalidate(std::nullopt);
    CHECK_FALSE(store.latest_good("uk").has_value());
    CHECK_FALSE(store.latest_good("us").has_value());
    CHECK(store.get_scan("a").size() == 3);
    CHECK(store.list_scans({}).size() == 3);
    // The next good scan sets it again.
    store.save_scan(make_scan("b", "au", at_s(60)));
    CHECK(store.latest_good("au")->scan_id == "b");
  });
}
