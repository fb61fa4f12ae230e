// Role StoreMaintenance (store/maintenance.hpp), cleanup(): retention rules, what is never removed, dry runs.
#include <set>

#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

// au: 6 good scans (the newest is latest good); uk: an old good scan then three failed ones.
void seed_scans(store::Store& store) {
  for (int i = 0; i < 6; ++i)
    store.save_scan(make_scan("au" + std::to_string(i), "au", at_s(i * 60), store::RegionStatus::ok, 3));
  store.save_scan(make_scan("uk0", "uk", at_s(0), store::RegionStatus::ok, 2));
  store.save_scan(make_scan("uk1", "uk", at_s(60), store::RegionStatus::failed, 0));
  store.save_scan(make_scan("uk2", "uk", at_s(120), store::RegionStatus::failed, 0));
  store.save_scan(make_scan("uk3", "uk", at_s(180), store::RegionStatus::failed, 0));
}

// Every kind, some old and some new, relative to now = at_s(10 * 3600).
void seed_rest(store::Store& store) {
  store.import_snapshots({make_snapshot("au", "e1", at_s(0), "1"), make_snapshot("au", "e1", at_s(60), "2"),
                          make_snapshot("au", "e1", at_s(9 * 3600 + 1800), "3"),
                          make_snapshot("au", "e2", at_s(0), "only"),  // old, but the newest of e2
                          make_snapshot("uk", "e1", at_s(0), "u1"), make_snapshot("uk", "e1", at_s(10), "u2")});
  store.append_ledger(
      {make_ledger("k", at_s(0), 10), make_ledger("k", at_s(10), 9, "uk"), make_ledger("k", at_s(10 * 3600 - 60), 8)});
  store.mark_alert({"old", at_s(0), 1.0});
  store.mark_alert({"new", at_s(10 * 3600 - 60), 1.0});
  store.heartbeat({"gone", "h", 1, "scan", at_s(0), at_s(0), 1, std::nullopt});
  store.heartbeat({"alive", "h", 2, "scan", at_s(0), at_s(10 * 3600 - 5), 9, std::nullopt});
  const TimePoint now = at_s(10 * 3600);
  store.acquire_lease("expired", "a", seconds(10), now - seconds(60));
  store.acquire_lease("edge", "a", seconds(10), now - seconds(10));  // expires_at == now: expired
  store.acquire_lease("held", "b", seconds(60), now - seconds(1));
}

store::RetentionPolicy policy(int batch) {
  store::RetentionPolicy p;
  p.keep_last_scans = 2;
  p.snapshots_older_than = hours(1);
  p.ledger_older_than = hours(1);
  p.alerts_older_than = hours(1);
  p.heartbeats_older_than = hours(1);
  p.batch_size = batch;
  return p;
}

void check_report(const store::CleanupReport& r) {
  CHECK(removed(r, "scans") == 5);
  CHECK(removed(r, "scans", "au") == 4);  // au0..au3; au4, au5 kept
  CHECK(removed(r, "scans", "uk") == 1);  // uk1 only: uk0 is latest good
  CHECK(removed(r, "opportunities") == 12);
  CHECK(removed(r, "opportunities", "au") == 12);
  CHECK(removed(r, "snapshots") == 3);
  CHECK(removed(r, "snapshots", "au") == 2);
  CHECK(removed(r, "snapshots", "uk") == 1);
  CHECK(removed(r, "ledger") == 2);
  CHECK(removed(r, "ledger", "uk") == 1);
  CHECK(removed(r, "alerts") == 1);
  CHECK(removed(r, "heartbeats") == 1);
  CHECK(removed(r, "leases") == 2);
}

void check_after(store::Store& store) {
  auto au = store.list_scans({.region = std::string("au"), .limit = 0});
  REQUIRE(au.size() == 2);
  CHECK(au[0].scan_id == "au5");
  CHECK(au[1].scan_id == "au4");
  auto uk = store.list_scans({.region = std::string("uk"), .limit = 0});
  REQUIRE(uk.size() == 3);
  CHECK(uk[0].scan_id == "uk3");
  CHECK(uk[1].scan_id == "uk2");
  CHECK(uk[2].scan_id == "uk0");
  REQUIRE(store.latest_good("uk").has_value());
  CHECK(store.latest_good("uk")->opportunities.size() == 2);
  CHECK(store.latest_good("au")->scan_id == "au5");
  auto info = store.info();
  CHECK(info.counts["opportunities"] == 2 * 3 + 2);
  CHECK(store.snapshots({.latest_only = false}).size() == 3);
  CHECK(store.snapshots({}).size() == 3);  // every event keeps its newest
  CHECK(store.ledger({}).size() == 1);
  REQUIRE(store.list_alerts().size() == 1);
  CHECK(store.list_alerts()[0].key == "new");
  REQUIRE(store.heartbeats().size() == 1);
  CHECK(store.heartbeats()[0].worker_id == "alive");
  auto leases = store.list_leases();
  REQUIRE(leases.size() == 1);
  CHECK(leases[0].name == "held");
  CHECK(store.check().empty());
}

}  // namespace

TEST_CASE("cleanup: dry run counts exactly what the real run removes and changes nothing") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    seed_scans(store);
    seed_rest(store);
    const TimePoint now = at_s(10 * 3600);
    auto before = store.info().counts;
    auto dry = store.cleanup(policy(5000), now, true);
    CHECK(dry.dry_run);
    check_report(dry);
    CHECK(store.info().counts == before);
    CHECK(store.list_leases().size() == 3);

    auto real = store.cleanup(policy(5000), now, false);
    CHECK_FALSE(real.dry_run);
    check_report(real);
    CHECK(real.removed == dry.removed);
    check_after(store);

    auto again = store.cleanup(policy(5000), now, false);  // nothing left to do
    CHECK(removed(again, "scans") + removed(again, "snapshots") + removed(again, "ledger") + removed(again, "leases") ==
          0);
  });
}

TEST_CASE("cleanup: small batches remove the same rows") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    seed_scans(store);
    seed_rest(store);
    auto r = store.cleanup(policy(1), at_s(10 * 3600), false);
    check_report(r);
    check_after(store);
  });
}

TEST_CASE("cleanup: scans beyond keep_last go only when also older than scans_older_than") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    seed_scans(store);
    store::RetentionPolicy p;
    p.keep_last_scans = 0;
    p.scans_older_than = seconds(3600);
    auto r = store.cleanup(p, at_s(3600 + 150), false);  // cutoff at_s(150): au0..au2; uk1, uk2 (uk0 is latest good)
    CHECK(removed(r, "scans", "au") == 3);
    CHECK(removed(r, "scans", "uk") == 2);
    CHECK(store.list_scans({.region = std::string("au"), .limit = 0}).size() == 3);
    CHECK(store.latest_good("uk")->scan_id == "uk0");
    // Without an age limit and keep_last 0, only latest good scans survive.
    store::RetentionPolicy all;
    all.keep_last_scans = 0;
    store.cleanup(all, at_s(3600 + 150), false);
    auto left = store.list_scans({.limit = 0});
    REQUIRE(left.size() == 2);
    CHECK(store.latest_good("au")->scan_id == "au5");
  });
}

TEST_CASE("cleanup: without age limits only scans and expired leases are touched; bytes are reported") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    seed_rest(store);
    store::RetentionPolicy p;  // keep_last 100, no age limits
    auto r = store.cleanup(p, at_s(10 * 3600), false);
    CHECK(removed(r, "snapshots") == 0);
    CHECK(removed(r, "ledger") == 0);
    CHECK(removed(r, "alerts") == 0);
    CHECK(removed(r, "heartbeats") == 0);
    CHECK(removed(r, "leases") == 2);
    CHECK(r.bytes_before > 0);
    CHECK(r.bytes_after > 0);
    store.compact();
    CHECK(store.snapshots({.latest_only = false}).size() == 6);
    CHECK(store.check().empty());
  });
}

TEST_CASE("cleanup: every source's latest good scan is kept, however old") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    // The oldest scans of au are the latest good of each source; newer live scans failed.
    const store::ScanSource sources[] = {store::ScanSource::live, store::ScanSource::replay, store::ScanSource::demo,
                                         store::ScanSource::store};
    int i = 0;
    for (store::ScanSource source : sources) {
      auto s = make_scan(std::string("good-") + to_string(source), "au", at_s(i++), store::RegionStatus::ok, 2);
      s.source = source;
      store.save_scan(s);
    }
    // Not good, so never pointed at: cleanup may take them.
    auto filtered = make_scan("filtered", "au", at_s(10), store::RegionStatus::ok, 0);
    filtered.empty = store::EmptyReason::filtered;
    store.save_scan(filtered);
    for (int k = 0; k < 4; ++k)
      store.save_scan(make_scan("failed" + std::to_string(k), "au", at_s(60 + k), store::RegionStatus::failed, 0));

    store::RetentionPolicy p;
    p.keep_last_scans = 0;
    p.batch_size = 2;
    auto dry = store.cleanup(p, at_s(3600), true);
    CHECK(removed(dry, "scans", "au") == 5);
    auto r = store.cleanup(p, at_s(3600), false);
    CHECK(removed(r, "scans", "au") == 5);
    auto left = store.list_scans({.limit = 0});
    std::set<std::string> ids;
    for (const auto& s : left) ids.insert(s.scan_id);
    CHECK(ids == std::set<std::string>{"good-live", "good-replay", "good-demo", "good-store"});
    for (store::ScanSource source : sources) {
      INFO("source " << to_string(source));
      auto got = store.latest_good("au", source);
      REQUIRE(got.has_value());
      CHECK(got->scan_id == std::string("good-") + to_string(source));
      CHECK(got->opportunities.size() == 2);
    }
    CHECK(store.check().empty());
  });
}

TEST_CASE("cleanup: each key keeps its newest ledger row and its newest known remaining, however old") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    // a: three old rows with figures; b: an old row with figures, then a newer one without
    // (a failed call); c: one recent row.
    store.append_ledger({make_ledger("a", at_s(0), 10), make_ledger("a", at_s(10), 9),
                         make_ledger("a", at_s(20), 8, "uk"), make_ledger("b", at_s(0), 50),
                         make_ledger("b", at_s(5), 40), make_ledger("b", at_s(30), std::nullopt),
                         make_ledger("c", at_s(10 * 3600 - 1), 7)});
    store::RetentionPolicy p;
    p.ledger_older_than = seconds(1);  // everything but c's row is older
    const TimePoint now = at_s(10 * 3600);
    auto dry = store.cleanup(p, now, true);
    CHECK(removed(dry, "ledger") == 3);  // a@0, a@10, b@0
    auto r = store.cleanup(p, now, false);
    CHECK(removed(r, "ledger") == 3);
    CHECK(removed(r, "ledger", "uk") == 0);
    auto left = store.ledger({});
    std::set<std::pair<std::string, std::int64_t>> kept;
    for (const auto& e : left) kept.insert({e.key_id, std::chrono::duration_cast<seconds>(e.at - at_s(0)).count()});
    CHECK(kept == std::set<std::pair<std::string, std::int64_t>>{{"a", 20}, {"b", 5}, {"b", 30}, {"c", 10 * 3600 - 1}});
    auto latest = store.latest_per_key();
    REQUIRE(latest.size() == 3);
    CHECK(latest[0].credits.remaining == 8);
    CHECK(latest[1].credits.remaining == 40);
    CHECK(removed(store.cleanup(p, now, false), "ledger") == 0);  // stable: nothing more goes
  });
}
