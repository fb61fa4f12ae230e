// Meta key/values, alert marks, heartbeats, info and check.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

TEST_CASE("meta: missing, set, overwrite, list") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    CHECK_FALSE(store.get_meta("discovered:au").has_value());
    store.set_meta("discovered:au", "2024-03-27T01:20:00Z");
    CHECK(store.get_meta("discovered:au") == std::optional<std::string>("2024-03-27T01:20:00Z"));
    store.set_meta("discovered:au", "later");
    CHECK(store.get_meta("discovered:au") == std::optional<std::string>("later"));
    store.set_meta("empty", "");
    CHECK(store.get_meta("empty") == std::optional<std::string>(""));
    // list_meta is optional for a backend; when it answers it lists every key.
    if (auto all = store.list_meta())
      CHECK(*all == std::map<std::string, std::string>{{"discovered:au", "later"}, {"empty", ""}});
  });
}

TEST_CASE("alerts: mark, read back, re-mark, list sorted by key") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    CHECK_FALSE(store.get_alert("au:e1:h2h:").has_value());
    store.mark_alert({"au:e1:h2h:", at_s(0), 2.5});
    store.mark_alert({"au:e0:spreads:-0.5", at_s(1), 1.25});
    auto a = store.get_alert("au:e1:h2h:");
    REQUIRE(a.has_value());
    CHECK(a->sent_at == at_s(0));
    CHECK(a->profit_pct == doctest::Approx(2.5));
    store.mark_alert({"au:e1:h2h:", at_s(60), 3.0});
    CHECK(store.get_alert("au:e1:h2h:")->sent_at == at_s(60));
    CHECK(store.get_alert("au:e1:h2h:")->profit_pct == doctest::Approx(3.0));
    auto all = store.list_alerts();
    REQUIRE(all.size() == 2);
    CHECK(all[0].key == "au:e0:spreads:-0.5");
    CHECK(all[1].key == "au:e1:h2h:");
  });
}

TEST_CASE("heartbeats: upsert by worker id, sorted by worker id") {
  for_each_backend([](Store& store, const std::string&, const std::string&) {
    CHECK(store.heartbeats().empty());
    Heartbeat hb{"w2", "host-b", 42, "sync --tier hot --loop", at_s(0), at_s(30), 1, std::nullopt};
    store.heartbeat(hb);
    store.heartbeat({"w1", "host-a", 7, "scan --loop", at_s(0), at_s(5), 3, std::string("HTTP 500")});
    hb.last_cycle_at = at_s(90);
    hb.cycles = 4;
    hb.last_error = "timeout";
    store.heartbeat(hb);
    auto all = store.heartbeats();
    REQUIRE(all.size() == 2);
    CHECK(all[0].worker_id == "w1");
    CHECK(all[0].last_error == std::optional<std::string>("HTTP 500"));
    CHECK(all[1].worker_id == "w2");
    CHECK(all[1].host == "host-b");
    CHECK(all[1].pid == 42);
    CHECK(all[1].command == "sync --tier hot --loop");
    CHECK(all[1].started_at == at_s(0));
    CHECK(all[1].last_cycle_at == at_s(90));
    CHECK(all[1].cycles == 4);
    CHECK(all[1].last_error == std::optional<std::string>("timeout"));
  });
}

TEST_CASE("info counts every kind; check is empty on a fresh store and after use") {
  for_each_backend([](Store& store, const std::string&, const std::string& backend) {
    CHECK(store.check().empty());
    auto fresh = store.info();
    CHECK(fresh.backend == backend);
    CHECK(fresh.schema_version >= 1);
    CHECK(fresh.counts["scans"] == 0);

    store.save_scan(make_scan("r1", "au", at_s(0), RegionStatus::ok, 3));
    store.save_scan(make_scan("r1", "uk", at_s(0), RegionStatus::ok, 2));
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
  for_each_backend([](Store& store, const std::string& uri, const std::string&) {
    store.save_scan(make_scan("r1", "au", at_s(0)));
    store.set_meta("k", "v");
    auto other = open_store(uri);
    REQUIRE(other->latest_good("au").has_value());
    check_same(*other->latest_good("au"), make_scan("r1", "au", at_s(0)));
    CHECK(other->get_meta("k") == std::optional<std::string>("v"));
  });
}
