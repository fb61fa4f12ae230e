// Role ScanStore (store/scans.hpp): scans, opportunities and the latest-good rule.
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "backends.hpp"
#include "fixtures.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

TEST_CASE("save_scan then latest_good and get_scan return every field") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    CHECK_FALSE(store.latest_good("au").has_value());
    CHECK(store.get_scan("nope").empty());
    auto au = make_scan("run1", "au", at_s(0), store::RegionStatus::ok, 5);
    auto uk = make_scan("run1", "uk", at_s(0), store::RegionStatus::partial, 2);
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
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    auto s = make_scan("empty", "eu", at_s(5), store::RegionStatus::ok, 0);
    s.credits_used.reset();
    s.credits_remaining.reset();
    store.save_scan(s);
    auto got = store.latest_good("eu");
    REQUIRE(got.has_value());
    check_same(*got, s);
  });
}

TEST_CASE("list_scans: newest first, filters, limit, opportunities only when asked") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    for (int i = 0; i < 5; ++i) {
      store.save_scan(make_scan("r" + std::to_string(i), "au", at_s(i * 60), store::RegionStatus::ok, 2));
      store.save_scan(make_scan("r" + std::to_string(i), "uk", at_s(i * 60 + 1), store::RegionStatus::ok, 1));
    }
    auto all = store.list_scans({});
    REQUIRE(all.size() == 10);
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].started_at >= all[i].started_at);
    CHECK(all[0].region == "uk");
    CHECK(all[0].scan_id == "r4");
    CHECK(all[0].opportunities.empty());
    CHECK(all[0].opportunity_count == 1);

    store::ScanQuery q;
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
    check_same(with[0], make_scan("r4", "au", at_s(240), store::RegionStatus::ok, 2));
  });
}

TEST_CASE("latest-good rule: failed never replaces, partial does, skipped is not stored") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.save_scan(make_scan("ok1", "au", at_s(0), store::RegionStatus::ok));
    store.save_scan(make_scan("failed2", "au", at_s(60), store::RegionStatus::failed, 0));
    REQUIRE(store.latest_good("au").has_value());
    CHECK(store.latest_good("au")->scan_id == "ok1");
    CHECK(store.get_scan("failed2").size() == 1);  // stored, just not good

    store.save_scan(make_scan("partial3", "au", at_s(120), store::RegionStatus::partial));
    auto got = store.latest_good("au");
    REQUIRE(got.has_value());
    CHECK(got->scan_id == "partial3");
    CHECK(got->status == store::RegionStatus::partial);
    CHECK(got->failed_sports == std::vector<std::string>{"tennis_atp", "cricket_ipl"});

    store.save_scan(make_scan("skipped4", "au", at_s(180), store::RegionStatus::skipped, 0));
    CHECK(store.get_scan("skipped4").empty());
    CHECK(store.latest_good("au")->scan_id == "partial3");

    // A failed scan in a region with no good scan leaves it without one.
    store.save_scan(make_scan("failed5", "us", at_s(200), store::RegionStatus::failed, 0));
    CHECK_FALSE(store.latest_good("us").has_value());
  });
}

TEST_CASE("latest-good rule: a scan that started earlier does not replace a newer good one") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.save_scan(make_scan("new", "au", at_s(600), store::RegionStatus::ok));
    store.save_scan(make_scan("old", "au", at_s(0), store::RegionStatus::ok));  // finished late
    CHECK(store.latest_good("au")->scan_id == "new");
  });
}

TEST_CASE("invalidate drops the pointer only") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
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

// --- provenance: a latest good result per (region, source) ---

namespace {

store::RegionScan from_source(const std::string& scan_id, const std::string& region, TimePoint started_at,
                              store::ScanSource source, int opportunities = 2) {
  store::RegionScan s = make_scan(scan_id, region, started_at, store::RegionStatus::ok, opportunities);
  s.source = source;
  if (source == store::ScanSource::store) s.command = "scan-from-store";
  return s;
}

// An ok scan that came back empty for `why`.
store::RegionScan empty_scan(const std::string& scan_id, const std::string& region, TimePoint started_at,
                             store::EmptyReason why, store::ScanSource source = store::ScanSource::live) {
  store::RegionScan s = from_source(scan_id, region, started_at, source, 0);
  s.empty = why;
  s.events = 0;
  return s;
}

std::string latest_id(store::Store& store, const std::string& region, store::ScanSource source) {
  auto got = store.latest_good(region, source);
  return got ? got->scan_id : std::string("(none)");
}

constexpr store::ScanSource k_others[] = {store::ScanSource::replay, store::ScanSource::demo, store::ScanSource::store};

}  // namespace

TEST_CASE("provenance: a newer good demo, replay or store scan never replaces the live latest good") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.save_scan(from_source("live1", "au", at_s(0), store::ScanSource::live));
    int i = 1;
    for (store::ScanSource source : k_others) {
      INFO("source " << to_string(source));
      store.save_scan(from_source(std::string("other-") + to_string(source), "au", at_s(60 * i++), source));
      CHECK(latest_id(store, "au", store::ScanSource::live) == "live1");
      CHECK(store.latest_good("au")->scan_id == "live1");  // the overload without a source is live
    }
    // A region with no live scan gets no live result from the others.
    for (store::ScanSource source : k_others)
      store.save_scan(from_source(std::string("us-") + to_string(source), "us", at_s(0), source));
    CHECK_FALSE(store.latest_good("us").has_value());
    CHECK_FALSE(store.latest_good("us", store::ScanSource::live).has_value());
  });
}

TEST_CASE("provenance: each source keeps its own latest good, with every field") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    for (store::ScanSource source :
         {store::ScanSource::live, store::ScanSource::replay, store::ScanSource::demo, store::ScanSource::store})
      CHECK_FALSE(store.latest_good("au", source).has_value());
    auto live = from_source("live1", "au", at_s(0), store::ScanSource::live, 3);
    auto replay = from_source("replay1", "au", at_s(10), store::ScanSource::replay, 1);
    auto demo = from_source("demo1", "au", at_s(20), store::ScanSource::demo, 2);
    auto stored = from_source("store1", "au", at_s(30), store::ScanSource::store, 4);
    for (const auto& s : {live, replay, demo, stored}) store.save_scan(s);
    auto got = store.latest_good("au", store::ScanSource::replay);
    REQUIRE(got.has_value());
    check_same(*got, replay);
    got = store.latest_good("au", store::ScanSource::demo);
    REQUIRE(got.has_value());
    check_same(*got, demo);
    got = store.latest_good("au", store::ScanSource::store);
    REQUIRE(got.has_value());
    check_same(*got, stored);
    got = store.latest_good("au", store::ScanSource::live);
    REQUIRE(got.has_value());
    check_same(*got, live);

    // Per source, the pointer moves forward only, and a failed scan never moves it.
    store.save_scan(from_source("demo2", "au", at_s(600), store::ScanSource::demo));
    store.save_scan(from_source("demo0", "au", at_s(5), store::ScanSource::demo));  // finished late
    auto failed = from_source("demo3", "au", at_s(900), store::ScanSource::demo, 0);
    failed.status = store::RegionStatus::failed;
    store.save_scan(failed);
    CHECK(latest_id(store, "au", store::ScanSource::demo) == "demo2");
    CHECK(latest_id(store, "au", store::ScanSource::live) == "live1");
    CHECK(latest_id(store, "au", store::ScanSource::replay) == "replay1");
    CHECK(latest_id(store, "au", store::ScanSource::store) == "store1");
    // A live scan older than the demo one still becomes the live result: sources do not compete.
    store.save_scan(from_source("live2", "au", at_s(300), store::ScanSource::live));
    CHECK(latest_id(store, "au", store::ScanSource::live) == "live2");
    CHECK(latest_id(store, "au", store::ScanSource::demo) == "demo2");
  });
}

TEST_CASE("provenance: a scan rewritten under another source or as not good loses its pointer") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.save_scan(from_source("x", "au", at_s(0), store::ScanSource::live));
    REQUIRE(latest_id(store, "au", store::ScanSource::live) == "x");
    store.save_scan(from_source("x", "au", at_s(0), store::ScanSource::demo));  // it was a demo after all
    CHECK_FALSE(store.latest_good("au").has_value());
    CHECK(latest_id(store, "au", store::ScanSource::demo) == "x");
    store.save_scan(empty_scan("x", "au", at_s(0), store::EmptyReason::filtered, store::ScanSource::demo));
    CHECK_FALSE(store.latest_good("au", store::ScanSource::demo).has_value());
    CHECK(store.get_scan("x").size() == 1);
  });
}

TEST_CASE("provenance: filtered and no_snapshots scans are stored and listed but never the latest good") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.save_scan(from_source("live1", "au", at_s(0), store::ScanSource::live));
    store.save_scan(from_source("store1", "au", at_s(0), store::ScanSource::store));
    auto filtered = empty_scan("filtered2", "au", at_s(60), store::EmptyReason::filtered);
    auto nothing = empty_scan("nosnap2", "au", at_s(60), store::EmptyReason::no_snapshots, store::ScanSource::store);
    store.save_scan(filtered);
    store.save_scan(nothing);
    CHECK(latest_id(store, "au", store::ScanSource::live) == "live1");
    CHECK(latest_id(store, "au", store::ScanSource::store) == "store1");

    auto run = store.get_scan("filtered2");
    REQUIRE(run.size() == 1);
    check_same(run[0], filtered);
    run = store.get_scan("nosnap2");
    REQUIRE(run.size() == 1);
    check_same(run[0], nothing);
    auto listed = store.list_scans({.region = std::string("au"), .limit = 0});
    REQUIRE(listed.size() == 4);
    CHECK(listed[0].started_at == at_s(60));
    CHECK(listed[1].started_at == at_s(60));
    std::set<std::pair<std::string, store::EmptyReason>> newest = {{listed[0].scan_id, listed[0].empty},
                                                                   {listed[1].scan_id, listed[1].empty}};
    CHECK(newest == std::set<std::pair<std::string, store::EmptyReason>>{
                        {"filtered2", store::EmptyReason::filtered}, {"nosnap2", store::EmptyReason::no_snapshots}});

    // Nor in a region that has no good result yet.
    store.save_scan(empty_scan("filtered3", "uk", at_s(0), store::EmptyReason::filtered));
    store.save_scan(empty_scan("nosnap3", "uk", at_s(0), store::EmptyReason::no_snapshots, store::ScanSource::store));
    CHECK_FALSE(store.latest_good("uk", store::ScanSource::live).has_value());
    CHECK_FALSE(store.latest_good("uk", store::ScanSource::store).has_value());
    CHECK(store.list_scans({.region = std::string("uk")}).size() == 2);
  });
}

TEST_CASE("provenance: an empty board (no_events) is a good result and becomes the latest good") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.save_scan(from_source("live1", "au", at_s(0), store::ScanSource::live));
    auto board = empty_scan("empty2", "au", at_s(60), store::EmptyReason::no_events);
    store.save_scan(board);
    auto got = store.latest_good("au");
    REQUIRE(got.has_value());
    check_same(*got, board);
    CHECK(got->empty == store::EmptyReason::no_events);
    CHECK(got->opportunities.empty());
  });
}

TEST_CASE("provenance: list_scans filters by source") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.save_scan(from_source("l0", "au", at_s(0), store::ScanSource::live));
    store.save_scan(from_source("d1", "au", at_s(10), store::ScanSource::demo));
    store.save_scan(from_source("l2", "uk", at_s(20), store::ScanSource::live));
    store.save_scan(from_source("r3", "au", at_s(30), store::ScanSource::replay));
    store.save_scan(from_source("s4", "au", at_s(40), store::ScanSource::store));
    store.save_scan(from_source("d5", "uk", at_s(50), store::ScanSource::demo));
    store.save_scan(from_source("l6", "au", at_s(60), store::ScanSource::live));
    auto ids = [&](const store::ScanQuery& q) {
      std::vector<std::string> out;
      for (const auto& s : store.list_scans(q)) {
        if (q.source) CHECK(s.source == *q.source);
        out.push_back(s.scan_id);
      }
      return out;
    };
    using V = std::vector<std::string>;
    CHECK(ids({.limit = 0}) == V{"l6", "d5", "s4", "r3", "l2", "d1", "l0"});
    CHECK(ids({.source = store::ScanSource::live, .limit = 0}) == V{"l6", "l2", "l0"});
    CHECK(ids({.source = store::ScanSource::demo, .limit = 0}) == V{"d5", "d1"});
    CHECK(ids({.source = store::ScanSource::replay, .limit = 0}) == V{"r3"});
    CHECK(ids({.source = store::ScanSource::store, .limit = 0}) == V{"s4"});
    CHECK(ids({.region = std::string("au"), .source = store::ScanSource::live, .limit = 1}) == V{"l6"});
    CHECK(ids({.region = std::string("uk"), .since = at_s(30), .source = store::ScanSource::demo, .limit = 0}) ==
          V{"d5"});
    CHECK(ids({.region = std::string("uk"), .source = store::ScanSource::store, .limit = 0}).empty());
  });
}

TEST_CASE("provenance: invalidate drops every source's pointer of the region, or of all regions") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    const store::ScanSource all[] = {store::ScanSource::live, store::ScanSource::replay, store::ScanSource::demo,
                                     store::ScanSource::store};
    for (const char* region : {"au", "uk"})
      for (store::ScanSource source : all)
        store.save_scan(from_source(std::string(region) + "-" + to_string(source), region, at_s(0), source));
    store.invalidate(std::string("au"));
    for (store::ScanSource source : all) {
      INFO("source " << to_string(source));
      CHECK_FALSE(store.latest_good("au", source).has_value());
      CHECK(latest_id(store, "uk", source) == std::string("uk-") + to_string(source));
    }
    CHECK(store.list_scans({.limit = 0}).size() == 8);
    store.invalidate(std::nullopt);
    for (store::ScanSource source : all) CHECK_FALSE(store.latest_good("uk", source).has_value());
    CHECK(store.list_scans({.limit = 0}).size() == 8);
  });
}

namespace {

// A stored opportunity read whole: its text parsed, or the opportunity it carries.
Opportunity read_whole(const store::StoredOpportunity& s) {
  INFO("text: " << s.text);
  CHECK(s.text.empty() == (s.opportunity != nullptr));  // one or the other
  return s.opportunity ? *s.opportunity : opportunity_from_json(nlohmann::json::parse(s.text));
}

// A scan whose stored order is not the ranking (profit rising, ties), with a value bet, a
// middle and a low-hold among the arbitrages.
store::RegionScan mixed_scan(const std::string& scan_id, const std::string& region, TimePoint started_at,
                             store::ScanSource source = store::ScanSource::live) {
  store::RegionScan s = make_scan(scan_id, region, started_at, store::RegionStatus::ok, 7);
  s.source = source;
  std::reverse(s.opportunities.begin(), s.opportunities.end());
  s.opportunities[2].profit_pct = s.opportunities[3].profit_pct;
  Opportunity& v = s.opportunities[1];
  v.kind = OpportunityKind::value;
  v.legs.resize(1);
  v.implied_sum = v.profit_pct = 0;  // a value bet has neither (its EV is its score)
  v.value = ValueBet{"neds", v.legs[0].outcome, 2.2, 2.2, 0.5, 2.0, 10.0, "power", {"pinnacle"}, 2.5, 12.5, 3.0};
  s.opportunities[4].kind = OpportunityKind::middle;
  s.opportunities[4].middle = Middle{-3.5, 3.5, -2.0, 96.0, 0.12, 9.5, "nfl.csv"};
  s.opportunities[5].kind = OpportunityKind::lowhold;
  s.opportunities[5].hold_pct = 0.8;
  return s;
}

}  // namespace

TEST_CASE("latest_good_stored: latest_good's scan and opportunities, in the order stored, with their fields") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    CHECK_FALSE(store.latest_good_stored("au", store::ScanSource::live).has_value());
    const store::RegionScan au = mixed_scan("run1", "au", at_s(0));
    store.save_scan(au);
    store.save_scan(mixed_scan("run1", "uk", at_s(0)));
    auto stored = store.latest_good_stored("au", store::ScanSource::live);
    auto whole = store.latest_good("au", store::ScanSource::live);
    REQUIRE(stored.has_value());
    REQUIRE(whole.has_value());
    CHECK(stored->scan.opportunities.empty());
    CHECK(stored->scan.opportunity_count == au.opportunity_count);
    REQUIRE(stored->opportunities.size() == au.opportunities.size());
    store::RegionScan rebuilt = stored->scan;
    for (std::size_t i = 0; i < stored->opportunities.size(); ++i) {
      INFO("opportunity " << i);
      const store::StoredOpportunity& s = stored->opportunities[i];
      const Opportunity o = read_whole(s);
      // The fields beside the text are the opportunity's own.
      CHECK(s.region == o.region);
      CHECK(s.sport_key == o.sport_key);
      CHECK(s.event_id == o.event_id);
      CHECK(s.market == o.market);
      CHECK(s.point == o.point);
      CHECK(s.kind == o.kind);
      CHECK(s.score == doctest::Approx(opportunity_score(o)).epsilon(1e-12));
      CHECK(s.value_outcome == (o.value ? o.value->outcome : std::string()));
      CHECK(s.value_bookmaker == (o.value ? o.value->bookmaker : std::string()));
      // What latest_good reads, field for field and kind for kind, in the same place.
      CHECK(o.kind == au.opportunities[i].kind);
      CHECK(to_json(o).dump() == to_json(whole->opportunities[i]).dump());
      rebuilt.opportunities.push_back(o);
    }
    check_same(rebuilt, au);
    check_same(*whole, au);
  });
}

TEST_CASE("latest_good_stored: per source, nullopt when none or invalidated, an empty board has no opportunities") {
  for_each_backend([](store::Store& store, const std::string&, const std::string&) {
    store.save_scan(mixed_scan("live1", "au", at_s(0)));
    store.save_scan(mixed_scan("demo1", "au", at_s(10), store::ScanSource::demo));
    auto live = store.latest_good_stored("au", store::ScanSource::live);
    auto demo = store.latest_good_stored("au", store::ScanSource::demo);
    REQUIRE(live.has_value());
    REQUIRE(demo.has_value());
    CHECK(live->scan.scan_id == "live1");
    CHECK(demo->scan.scan_id == "demo1");
    CHECK(demo->scan.source == store::ScanSource::demo);
    CHECK_FALSE(store.latest_good_stored("au", store::ScanSource::replay).has_value());
    CHECK_FALSE(store.latest_good_stored("us", store::ScanSource::live).has_value());
    // A failed scan never replaces the latest good.
    store.save_scan(make_scan("bad", "au", at_s(20), store::RegionStatus::failed, 0));
    CHECK(store.latest_good_stored("au", store::ScanSource::live)->scan.scan_id == "live1");
    store::RegionScan board = make_scan("board", "uk", at_s(5), store::RegionStatus::ok, 0);
    store.save_scan(board);
    auto empty = store.latest_good_stored("uk", store::ScanSource::live);
    REQUIRE(empty.has_value());
    CHECK(empty->opportunities.empty());
    CHECK(empty->scan.opportunity_count == 0);
    store.invalidate(std::string("au"));
    CHECK_FALSE(store.latest_good_stored("au", store::ScanSource::live).has_value());
    CHECK_FALSE(store.latest_good_stored("au", store::ScanSource::demo).has_value());
    CHECK(store.latest_good_stored("uk", store::ScanSource::live).has_value());
  });
}

TEST_CASE("latest_good_deferred and served_texts: latest_good_stored's rows, now or as they are written") {
  for_each_backend([](store::Store& store, const std::string&, const std::string& backend) {
    // A scan as a scan stores it: best first, as its texts read back (mixed_scan sorted).
    store::RegionScan au = mixed_scan("run1", "au", at_s(0));
    store.save_scan(au);
    au.opportunities = store.latest_good("au", store::ScanSource::live)->opportunities;
    std::stable_sort(au.opportunities.begin(), au.opportunities.end(), opportunity_before);
    au.scan_id = "run2";
    store.save_scan(au);
    const auto stored = store.latest_good_stored("au", store::ScanSource::live);
    const auto deferred = store.latest_good_deferred("au", store::ScanSource::live);
    REQUIRE(stored.has_value());
    REQUIRE(deferred.has_value());
    CHECK(deferred->scan.scan_id == "run2");
    CHECK(deferred->scan.opportunity_count == stored->scan.opportunity_count);
    // SQLite keeps the texts in the served form and can tell that they are in order.
    if (backend == "sqlite") CHECK(deferred->deferred);
    std::vector<std::string> texts;
    bool begun = false;
    const bool handed = store.served_texts(
        deferred->scan, [&] { begun = true; }, [&](std::string_view t) { texts.emplace_back(t); });
    CHECK(handed == deferred->deferred);
    CHECK(begun == handed);
    if (deferred->deferred) {
      CHECK(deferred->opportunities.empty());
      REQUIRE(texts.size() == stored->opportunities.size());
      for (std::size_t i = 0; i < texts.size(); ++i)
        CHECK(to_json(opportunity_from_json(nlohmann::json::parse(texts[i]))).dump() ==
              to_json(read_whole(stored->opportunities[i])).dump());
    } else {
      REQUIRE(deferred->opportunities.size() == stored->opportunities.size());
      for (std::size_t i = 0; i < stored->opportunities.size(); ++i)
        CHECK(to_json(read_whole(deferred->opportunities[i])).dump() ==
              to_json(read_whole(stored->opportunities[i])).dump());
    }
    // Another scan than the latest good, or the latest one as it no longer is: nothing.
    store::RegionScan older = deferred->scan;
    older.scan_id = "run1";
    store::RegionScan changed = deferred->scan;
    changed.events += 1;
    for (const auto* scan : {&older, &changed}) {
      begun = false;
      CHECK_FALSE(store.served_texts(
          *scan, [&] { begun = true; }, [](std::string_view) {}));
      CHECK_FALSE(begun);
    }
  });
}
