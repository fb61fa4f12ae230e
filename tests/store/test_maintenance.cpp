// Role StoreMaintenance (store/maintenance.hpp): info and check (cleanup:
// test_cleanup.cpp), and one store seen through two Store objects.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

TEST_CASE("info counts every kind; check is empty on a fresh store and after use") {
  for_each_backend([](store::Store& store, const std::string&, const std::string& backend) {
    CHECK(store.check().empty());
    auto fresh = store.info();
    CHECK(fresh.backend == backend);
    CHECK(fresh.schema_version >= 1);
    CHECK(fresh.counts["scans"] == 0);

    store.save_scan(make_scan("r1", "au", at_s(0), store::RegionStatus::ok, 3));
    store.save_scan(make_scan("r1", "uk", at_s(0), store::RegionStatus::ok, 2));
    store.append_ledger({make_ledger("k", at_s(0), 10)});
    store.import_snapshots({make_snapshot("au", "e1", at_s(0), "f")});
    store.upsert_tracked({make_tracked("au", "e1", at_s(10))});
    store.acquire_lease("scan:au", "me", std::chrono::seconds(60), at_s(0));
    store.mark_alert({"k", at_s(0), 1.0});
    store.heartbeat({"w", "h", 1, "scan", at_s(0), at_s(0), 1, std::nullopt});
    auto info = store.info();
    CHECK(info.counts["scans"] == 2);
    CHECK(info.counts["opportunities"] == 5);
    CHECK(info.counts["ledger"] == 1);
    CHECK(info.counts["snapshots"] == 1);
    CHECK(info.counts["tracked"] == 1);
    CHECK(info.counts["leases"] == 1);
    CHECK(info.counts["alerts"] == 1);
    CHECK(info.counts["heartbeats"] == 1);
    CHECK(info.size_bytes > 0);
    CHECK_FALSE(info.location.empty());
    CHECK(store.check().empty());
  });
}

TEST_CASE("a second Store object on the same store sees the data") {
  for_each_backend([](store::Store& store, const std::string& uri, const std::string&) {
    store.save_scan(make_scan("r1", "au", at_s(0)));
    store.set_meta("k", "v");
    auto other = store::open_store(uri);
    REQUIRE(other->latest_good("au").has_value());
    check_same(*other->latest_good("au"), make_scan("r1", "au", at_s(0)));
    CHECK(other->get_meta("k") == std::optional<std::string>("v"));
  });
}
