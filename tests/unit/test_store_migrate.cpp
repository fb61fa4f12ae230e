// `store migrate` (src/store/migrate.cpp) between two SQLite stores: every kind is copied and
// reads back the same, the source is not changed by a byte of its data, a dry run and a
// refused (non-empty) target write nothing, and a failure mid-way leaves the target with
// whole records only, from which a re-run with --force completes the copy without counting
// anything twice. (Latest-good pointers across sources: the conformance suite's test_migrate.)
#include <doctest/doctest.h>

#include <algorithm>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "oddsctl/errors.hpp"
#include "oddsctl/store/migrate.hpp"
#include "test_cache_util.hpp"
#include "test_util.hpp"

using namespace cache_test;
using namespace oddsctl::test;
using namespace std::chrono_literals;

namespace {

Event board_event(const std::string& id, double home) {
  Event e;
  e.id = id;
  e.sport_key = "soccer_epl";
  e.sport_title = "EPL";
  e.home_team = "Home " + id;
  e.away_team = "Away " + id;
  e.commence_time = t0() + 48h;
  e.bookmakers.push_back(
      bookmaker("neds", t0(), {market("h2h", t0(), {outcome(e.home_team, home), outcome(e.away_team, 1.9)})}));
  return e;
}

store::TrackedEvent tracked(const std::string& region, const std::string& id) {
  store::TrackedEvent t;
  t.region = region;
  t.event_id = id;
  t.sport_key = "soccer_epl";
  t.sport_title = "EPL";
  t.home_team = "Home " + id;
  t.away_team = "Away " + id;
  t.commence_time = t0() + 48h;
  t.discovered_at = t0() - 1h;
  return t;
}

// A source holding every kind migrate copies, with state a naive copy would lose.
void seed(store::Store& s) {
  s.save_scan(region_scan("run-1", "au", t0(), store::RegionStatus::ok, {opp("au", "soccer_epl", "e1", "h2h", 1.5)}));
  s.save_scan(
      region_scan("run-1", "uk", t0(), store::RegionStatus::partial, {opp("uk", "soccer_epl", "e2", "spreads", 2.5)}));
  s.save_scan(region_scan("run-2", "au", t0() + 1min, store::RegionStatus::failed));
  s.save_scan(
      region_scan("run-3", "au", t0() + 2min, store::RegionStatus::ok,
                  {opp("au", "soccer_epl", "e1", "h2h", 1.25), opp("au", "basketball_nba", "e3", "totals", 4.0)}));
  s.save_scan(region_scan("run-3", "eu", t0() + 2min, store::RegionStatus::ok, {}));
  s.invalidate(std::string("eu"));

  std::vector<LedgerEntry> ledger;
  for (int i = 0; i < 5; ++i) {
    LedgerEntry e;
    e.at = t0() + std::chrono::seconds(i);
    e.key_id = "key-a";
    e.key_hint =
        "\xE2\x80\xA6"
        "abcd";
    e.region = i % 2 ? "uk" : "au";
    e.command = "scan";
    e.endpoint = "odds";
    e.sport = "soccer_epl";
    e.http_status = 200;
    e.credits.remaining = 1000 - 3 * i;
    e.credits.used = 3 * i;
    e.credits.last = 3;
    ledger.push_back(e);
  }
  s.append_ledger(ledger);

  store::TrackedEvent a = tracked("au", "e1");
  store::TrackedEvent b = tracked("uk", "e2");
  s.upsert_tracked({a, b});
  s.set_pin("e1", std::string("au"), store::Tier::hot);
  store::Snapshot snap{"au", "e1", "soccer_epl", t0() + 10s, "fp-1", board_event("e1", 2.1)};
  store::SyncOutcome ok{"au", "e1", t0() + 10s, true, std::nullopt, "fp-1", snap};
  store::SyncOutcome bad{"uk", "e2", t0() + 10s, false, std::string("503 from upstream"), "", std::nullopt};
  s.record_sync({ok, bad});
  s.import_snapshots({store::Snapshot{"au", "e1", "soccer_epl", t0() + 5s, "fp-0", board_event("e1", 2.0)}});

  s.set_meta("api.sports_list", R"({"at":1,"keys":["soccer_epl"]})");
  s.set_meta("note", "kept");
  s.mark_alert(store::AlertMark{"au:e1:h2h:", t0() + 1s, 1.5});
  s.heartbeat(store::Heartbeat{"w-1", "host", 42, "scan", t0(), t0() + 30s, 7, std::string("last cycle failed")});
}

// Every row of every table of a SQLite file, as text, tables by name and rows in order.
std::string dump(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  std::vector<std::string> tables;
  SQLite::Statement names(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  while (names.executeStep()) tables.push_back(names.getColumn(0).getString());
  std::string out;
  for (const auto& t : tables) {
    out += "== " + t + "\n";
    int columns = 0;
    SQLite::Statement info(db, "SELECT count(*) FROM pragma_table_info(?)");
    info.bind(1, t);
    if (info.executeStep()) columns = info.getColumn(0).getInt();
    std::string order;
    for (int c = 1; c <= columns; ++c) order += (c > 1 ? ", " : "") + std::to_string(c);
    SQLite::Statement rows(db, "SELECT * FROM \"" + t + "\" ORDER BY " + order);
    while (rows.executeStep()) {
      for (int c = 0; c < rows.getColumnCount(); ++c) out += rows.getColumn(c).getString() + "|";
      out += "\n";
    }
  }
  return out;
}

auto scan_key(const store::RegionScan& s) { return s.scan_id + "/" + s.region; }

std::vector<store::RegionScan> all_scans(store::Store& s) {
  auto v = s.list_scans(every_scan(true));
  std::sort(v.begin(), v.end(),
            [](const store::RegionScan& a, const store::RegionScan& b) { return scan_key(a) < scan_key(b); });
  return v;
}

std::vector<store::TrackedEvent> all_tracked(store::Store& s) {
  auto v = s.list_tracked({});
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.region + a.event_id < b.region + b.event_id; });
  return v;
}

std::vector<store::Snapshot> all_snapshots(store::Store& s) {
  store::SnapshotQuery q;
  q.latest_only = false;
  auto v = s.snapshots(q);
  std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.fingerprint < b.fingerprint; });
  return v;
}

// The target reads back as the source, kind by kind.
void check_copy(store::Store& from, store::Store& to) {
  auto fs = all_scans(from), ts = all_scans(to);
  REQUIRE(fs.size() == ts.size());
  for (std::size_t i = 0; i < fs.size(); ++i) check_same(ts[i], fs[i]);
  for (const char* region : {"au", "uk", "eu", "us"}) {
    INFO("latest good of " << region);
    auto a = from.latest_good(region, store::ScanSource::live), b = to.latest_good(region, store::ScanSource::live);
    REQUIRE(a.has_value() == b.has_value());
    if (a) CHECK(a->scan_id == b->scan_id);
  }
  auto fl = from.ledger({}), tl = to.ledger({});
  REQUIRE(fl.size() == tl.size());
  for (std::size_t i = 0; i < fl.size(); ++i) check_same(tl[i], fl[i]);
  auto ft = all_tracked(from), tt = all_tracked(to);
  REQUIRE(ft.size() == tt.size());
  for (std::size_t i = 0; i < ft.size(); ++i) check_same(tt[i], ft[i]);
  auto fn = all_snapshots(from), tn = all_snapshots(to);
  REQUIRE(fn.size() == tn.size());
  for (std::size_t i = 0; i < fn.size(); ++i) check_same(tn[i], fn[i]);
  CHECK(from.list_meta() == to.list_meta());
  auto fa = from.list_alerts(), ta = to.list_alerts();
  REQUIRE(fa.size() == ta.size());
  for (std::size_t i = 0; i < fa.size(); ++i) {
    CHECK(ta[i].key == fa[i].key);
    CHECK(ta[i].sent_at == fa[i].sent_at);
    CHECK(ta[i].profit_pct == fa[i].profit_pct);
  }
  auto fh = from.heartbeats(), th = to.heartbeats();
  REQUIRE(fh.size() == th.size());
  for (std::size_t i = 0; i < fh.size(); ++i) {
    CHECK(th[i].worker_id == fh[i].worker_id);
    CHECK(th[i].cycles == fh[i].cycles);
    CHECK(th[i].last_cycle_at == fh[i].last_cycle_at);
    CHECK(th[i].last_error == fh[i].last_error);
  }
  CHECK(to.check().empty());
}

}  // namespace

TEST_CASE("everything is copied, reads back the same, and the report counts it") {
  TempStore from, to;
  seed(*from);
  const auto report = migrate_store(*from, *to, store::MigrateOptions{});
  check_copy(*from, *to);
  CHECK(report.copied.at("scans") == 5);
  CHECK(report.copied.at("opportunities") == 4);
  CHECK(report.copied.at("ledger") == 5);
  CHECK(report.copied.at("tracked_events") == 2);
  CHECK(report.copied.at("snapshots") == 2);
  CHECK(report.copied.at("meta") == static_cast<std::int64_t>(from->list_meta()->size()));
  CHECK(report.copied.at("alerts") == 1);
  CHECK(report.copied.at("heartbeats") == 1);
  CHECK(report.invalidated_regions == std::vector<std::string>{"eu"});
  CHECK(report.warnings.empty());
  // Pins, sync state and failures of the tracked events came along.
  auto t = all_tracked(*to);
  REQUIRE(t.size() == 2);
  CHECK(t[0].pinned_tier == store::Tier::hot);
  CHECK(t[0].fingerprint == "fp-1");
  CHECK(t[1].failures == 1);
  CHECK(t[1].last_error == std::optional<std::string>("503 from upstream"));
  // Leases belong to running processes: never copied.
  from->acquire_lease("scan:au", "someone", 1min, now_utc());
  TempStore other;
  migrate_store(*from, *other, store::MigrateOptions{});
  CHECK(other->list_leases().empty());
}

TEST_CASE("the source is not changed") {
  TempStore from, to;
  seed(*from);
  const std::string before = dump(from.path());
  REQUIRE(before.find("== scans") != std::string::npos);
  migrate_store(*from, *to, store::MigrateOptions{});
  CHECK(dump(from.path()) == before);
}

TEST_CASE("a dry run counts and writes nothing; a target holding data is refused untouched") {
  TempStore from, to;
  seed(*from);
  const std::string empty = dump(to.path());
  store::MigrateOptions dry;
  dry.dry_run = true;
  auto preview = migrate_store(*from, *to, dry);
  CHECK(preview.dry_run);
  CHECK(preview.copied.at("scans") == 5);
  CHECK(preview.copied.at("ledger") == 5);
  CHECK(dump(to.path()) == empty);

  to->save_scan(region_scan("theirs", "us", t0(), store::RegionStatus::ok, {opp("us", "soccer_epl", "x", "h2h", 1.0)}));
  const std::string held = dump(to.path());
  CHECK_THROWS_WITH_AS(migrate_store(*from, *to, store::MigrateOptions{}), doctest::Contains("--force"), UsageError);
  CHECK(dump(to.path()) == held);
}

TEST_CASE("a failure mid-way leaves whole records; a re-run with --force completes the copy, counting nothing twice") {
  TempStore from, to;
  seed(*from);
  {
    // The target refuses snapshots: migrate fails after scans, ledger and tracked events.
    SQLite::Database db(to.path(), SQLite::OPEN_READWRITE);
    db.exec("CREATE TRIGGER no_snapshots BEFORE INSERT ON snapshots BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
  }
  CHECK_THROWS_WITH(migrate_store(*from, *to, store::MigrateOptions{}), doctest::Contains("disk on fire"));

  // What is there is whole: each scan with all its opportunities, the whole ledger, no
  // snapshot of the failed batch, nothing of the kinds after it; the store checks clean.
  auto fs = all_scans(*from), ts = all_scans(*to);
  REQUIRE(ts.size() == fs.size());
  for (std::size_t i = 0; i < fs.size(); ++i) check_same(ts[i], fs[i]);
  CHECK(to->ledger({}).size() == 5);
  CHECK(all_tracked(*to).size() == 2);
  CHECK(all_snapshots(*to).empty());
  CHECK(to->list_alerts().empty());
  CHECK(to->heartbeats().empty());
  CHECK(to->check().empty());

  // Not empty now: a plain re-run is refused, --force merges by natural keys.
  CHECK_THROWS_AS(migrate_store(*from, *to, store::MigrateOptions{}), UsageError);
  {
    SQLite::Database db(to.path(), SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER no_snapshots");
  }
  store::MigrateOptions force;
  force.force = true;
  auto report = migrate_store(*from, *to, force);
  CHECK(report.copied.at("ledger") == 0);  // every entry is already there
  check_copy(*from, *to);
}
