// Role TrackingStore (store/tracking.hpp): tracked events, pins, sync results and snapshots.
#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

namespace {
const store::TrackedEvent& find(const std::vector<store::TrackedEvent>& v, const std::string& region,
                                const std::string& id) {
  for (const auto& e : v)
    if (e.region == region && e.event_id == id) return e;
  FAIL("no tracked event " << region << "/" << id);
  throw std::logic_error("unreachable");
}
}  // namespace

TEST_CASE("upsert_tracked inserts whole, then refreshes teams and times but keeps pin and sync state") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    auto e = make_tracked("au", "ev1", at_s(3600));
    e.pinned_tier = store::Tier::hot;
    e.last_synced_at = at_s(10);
    e.last_changed_at = at_s(5);
    e.last_attempt_at = at_s(10);
    e.fingerprint = "fp1";
    e.failures = 2;
    e.last_error = "timeout";
    store.upsert_tracked({e, make_tracked("uk", "ev1", at_s(3600)), make_tracked("au", "ev2", at_s(7200))});
    store.upsert_tracked({});
    auto all = store.list_tracked({});
    REQUIRE(all.size() == 3);
    check_same(find(all, "au", "ev1"), e);

    auto update = make_tracked("au", "ev1", at_s(5400));  // kick-off moved
    update.home_team = "Arsenal FC";
    update.sport_title = "Premier League";
    update.discovered_at = at_s(999);
    store.upsert_tracked({update});
    auto got = find(store.list_tracked({}), "au", "ev1");
    CHECK(got.home_team == "Arsenal FC");
    CHECK(got.sport_title == "Premier League");
    CHECK(got.commence_time == at_s(5400));
    CHECK(got.pinned_tier == store::Tier::hot);
    CHECK(got.last_synced_at == at_s(10));
    CHECK(got.fingerprint == "fp1");
    CHECK(got.failures == 2);
    CHECK(got.last_error == std::optional<std::string>("timeout"));
  });
}

TEST_CASE("list_tracked filters by region, sport, event and commence time") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    auto tennis = make_tracked("au", "t1", at_s(100));
    tennis.sport_key = "tennis_atp";
    store.upsert_tracked({make_tracked("au", "e1", at_s(50)), make_tracked("au", "e2", at_s(200)),
                          make_tracked("uk", "e1", at_s(50)), tennis});
    store::TrackedQuery q;
    q.region = "au";
    CHECK(store.list_tracked(q).size() == 3);
    q.sport_key = "soccer_epl";
    CHECK(store.list_tracked(q).size() == 2);
    q.commence_after = at_s(60);
    auto later = store.list_tracked(q);
    REQUIRE(later.size() == 1);
    CHECK(later[0].event_id == "e2");
    store::TrackedQuery by_event;
    by_event.event_id = "e1";
    CHECK(store.list_tracked(by_event).size() == 2);
  });
}

TEST_CASE("set_pin: one region or every region of the event; nullopt unpins; returns events changed") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.upsert_tracked(
        {make_tracked("au", "e1", at_s(50)), make_tracked("uk", "e1", at_s(50)), make_tracked("au", "e2", at_s(50))});
    CHECK(store.set_pin("e1", std::string("au"), store::Tier::warm) == 1);
    CHECK(find(store.list_tracked({}), "au", "e1").pinned_tier == store::Tier::warm);
    CHECK_FALSE(find(store.list_tracked({}), "uk", "e1").pinned_tier.has_value());
    CHECK(store.set_pin("e1", std::nullopt, store::Tier::frozen) == 2);
    CHECK(find(store.list_tracked({}), "uk", "e1").pinned_tier == store::Tier::frozen);
    CHECK(store.set_pin("e1", std::nullopt, std::nullopt) == 2);
    CHECK_FALSE(find(store.list_tracked({}), "au", "e1").pinned_tier.has_value());
    CHECK(store.set_pin("nope", std::nullopt, store::Tier::hot) == 0);
    CHECK_FALSE(find(store.list_tracked({}), "au", "e2").pinned_tier.has_value());
  });
}

TEST_CASE("record_sync: ok resets failures and stores a changed snapshot; a failure counts up") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.upsert_tracked({make_tracked("au", "e1", at_s(9000)), make_tracked("au", "e2", at_s(9000))});
    store::SyncOutcome fail1{"au", "e1", at_s(10), false, std::string("HTTP 500"), "", std::nullopt};
    store::SyncOutcome fail2{"au", "e1", at_s(20), false, std::string("timeout"), "", std::nullopt};
    store.record_sync({fail1});
    store.record_sync({fail2});
    auto e1 = find(store.list_tracked({}), "au", "e1");
    CHECK(e1.failures == 2);
    CHECK(e1.last_error == std::optional<std::string>("timeout"));
    CHECK(e1.last_attempt_at == at_s(20));
    CHECK_FALSE(e1.last_synced_at.has_value());

    auto snap = make_snapshot("au", "e1", at_s(30), "fpA");
    store::SyncOutcome changed{"au", "e1", at_s(30), true, std::nullopt, "fpA", snap};
    store::SyncOutcome same{"au", "e2", at_s(30), true, std::nullopt, "fpB", std::nullopt};
    store.record_sync({changed, same});
    e1 = find(store.list_tracked({}), "au", "e1");
    CHECK(e1.failures == 0);
    CHECK_FALSE(e1.last_error.has_value());
    CHECK(e1.last_synced_at == at_s(30));
    CHECK(e1.last_attempt_at == at_s(30));
    CHECK(e1.last_changed_at == at_s(30));
    CHECK(e1.fingerprint == "fpA");
    auto e2 = find(store.list_tracked({}), "au", "e2");
    CHECK(e2.fingerprint == "fpB");
    CHECK(e2.last_synced_at == at_s(30));
    CHECK_FALSE(e2.last_changed_at.has_value());

    auto snaps = store.snapshots({});
    REQUIRE(snaps.size() == 1);
    check_same(snaps[0], snap);

    // Unchanged later: synced moves, changed stays.
    store.record_sync({store::SyncOutcome{"au", "e1", at_s(90), true, std::nullopt, "fpA", std::nullopt}});
    e1 = find(store.list_tracked({}), "au", "e1");
    CHECK(e1.last_synced_at == at_s(90));
    CHECK(e1.last_changed_at == at_s(30));
    CHECK(store.snapshots({}).size() == 1);
  });
}

TEST_CASE("snapshots: latest_only gives the newest per (region, event); filters; import keeps tracked untouched") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.upsert_tracked({make_tracked("au", "e1", at_s(9000))});
    auto tennis = make_snapshot("au", "t1", at_s(15), "t");
    tennis.sport_key = "tennis_atp";
    store.import_snapshots({make_snapshot("au", "e1", at_s(10), "a1"), make_snapshot("au", "e1", at_s(20), "a2"),
                            make_snapshot("uk", "e1", at_s(5), "u1"), make_snapshot("au", "e2", at_s(1), "b1"),
                            tennis});
    store.import_snapshots({});
    CHECK(store.list_tracked({}).at(0).fingerprint.empty());  // import touches no tracked event

    auto latest = store.snapshots({});
    REQUIRE(latest.size() == 4);
    for (const auto& s : latest)
      if (s.region == "au" && s.event_id == "e1") CHECK(s.fingerprint == "a2");

    store::SnapshotQuery all;
    all.latest_only = false;
    CHECK(store.snapshots(all).size() == 5);
    all.event_id = "e1";
    all.region = "au";
    auto hist = store.snapshots(all);
    REQUIRE(hist.size() == 2);
    check_same(hist[0].taken_at < hist[1].taken_at ? hist[1] : hist[0], make_snapshot("au", "e1", at_s(20), "a2"));

    store::SnapshotQuery q;
    q.sport_key = "tennis_atp";
    auto t = store.snapshots(q);
    REQUIRE(t.size() == 1);
    check_same(t[0], tennis);

    store::SnapshotQuery since;
    since.since = at_s(12);
    since.latest_only = false;
    CHECK(store.snapshots(since).size() == 2);
  });
}
