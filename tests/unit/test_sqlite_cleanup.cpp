// SQLite cleanup of scans, step by step: victims chosen in a read transaction (oldest first,
// per-region keep boundaries, keyset cursors) and counted (what a dry run reports); and the
// real run's chunked delete, oldest first over every region, the rules applied as it deletes
// (so what changed since a dry run's choice is re-checked). The whole cleanup() is covered
// by tests/store/ and test_sqlite_store.cpp.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <unistd.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "oddsctl/store.hpp"
#include "store/sqlite_cleanup_scans.hpp"

using namespace oddsctl;
using namespace store::sqlite_cleanup;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t k_no_cutoff = std::numeric_limits<std::int64_t>::max();

// A store file with the real schema (made by open_store) and a second connection to it that
// the test drives directly, with foreign keys on as the store sets them.
struct Fixture {
  fs::path dir;
  std::unique_ptr<SQLite::Database> db;
  Fixture() {
    std::string tmpl = (fs::temp_directory_path() / "oddsctl-cleanup-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    store::open_store((dir / "s.db").string());
    db = std::make_unique<SQLite::Database>((dir / "s.db").string(), SQLite::OPEN_READWRITE);
    db->exec("PRAGMA foreign_keys=ON");
  }
  ~Fixture() {
    db.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  // A scan started at `at` (epoch ms) with `opportunities` rows.
  void add(const std::string& id, const std::string& region, std::int64_t at, int opportunities = 2) {
    SQLite::Statement s(*db,
                        "INSERT INTO scans (scan_id, region, command, worker, started_at, duration_ms, status, "
                        "requests, events, opportunity_count) VALUES (?, ?, 'scan', 'w', ?, 1, 'ok', 1, 1, ?)");
    s.bind(1, id);
    s.bind(2, region);
    s.bind(3, static_cast<int64_t>(at));
    s.bind(4, opportunities);
    s.exec();
    for (int i = 0; i < opportunities; ++i) {
      SQLite::Statement o(*db,
                          "INSERT INTO opportunities (scan_id, region, idx, profit_pct, sport_key, event_id, "
                          "market, json) VALUES (?, ?, ?, 1.0, 's', 'e', 'h2h', '{}')");
      o.bind(1, id);
      o.bind(2, region);
      o.bind(3, i);
      o.exec();
    }
  }
  void latest_good(const std::string& region, const std::string& id, const char* source = "live") {
    SQLite::Statement s(*db, "INSERT OR REPLACE INTO latest_good (region, source, scan_id) VALUES (?, ?, ?)");
    s.bind(1, region);
    s.bind(2, source);
    s.bind(3, id);
    s.exec();
  }
  std::int64_t count(const char* table) {
    return db->execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
  }
};

std::vector<std::string> ids(const std::vector<ScanVictim>& victims) {
  std::vector<std::string> out;
  for (const auto& v : victims) out.push_back(v.scan_id + "/" + v.region);
  return out;
}

}  // namespace

TEST_CASE("choose_scans: oldest first over regions, each region's newest keep spared, latest good spared") {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    f.add("a" + std::to_string(i), "au", 1000 + i * 10);
    f.add("u" + std::to_string(i), "uk", 1005 + i * 10);
  }
  f.latest_good("au", "a0");  // the oldest, yet never a victim
  ScanRule rule{2, k_no_cutoff};
  std::map<std::string, ScanCursor> cursors;
  auto all = choose_scans(*f.db, rule, cursors, -1);
  CHECK(ids(all) == std::vector<std::string>{"u0/uk", "a1/au", "u1/uk", "a2/au", "u2/uk"});

  SUBCASE("a limit takes the oldest, and the cursors continue after them") {
    std::map<std::string, ScanCursor> c;
    CHECK(ids(choose_scans(*f.db, rule, c, 2)) == std::vector<std::string>{"u0/uk", "a1/au"});
    CHECK(ids(choose_scans(*f.db, rule, c, 2)) == std::vector<std::string>{"u1/uk", "a2/au"});
    CHECK(ids(choose_scans(*f.db, rule, c, 2)) == std::vector<std::string>{"u2/uk"});
    CHECK(choose_scans(*f.db, rule, c, 2).empty());
  }
  SUBCASE("an age cutoff limits them too") {
    std::map<std::string, ScanCursor> c;
    CHECK(ids(choose_scans(*f.db, ScanRule{2, 1015}, c, -1)) == std::vector<std::string>{"u0/uk", "a1/au"});
  }
  SUBCASE("keep 0 takes every scan but the latest good") {
    std::map<std::string, ScanCursor> c;
    CHECK(choose_scans(*f.db, ScanRule{0, k_no_cutoff}, c, -1).size() == 9);
  }
}

TEST_CASE("count_scans counts what delete_oldest_scans removes: the scans and their opportunities") {
  Fixture f;
  for (int i = 0; i < 4; ++i) f.add("a" + std::to_string(i), "au", 1000 + i, 3);
  ScanRule rule{1, k_no_cutoff};
  std::map<std::string, ScanCursor> cursors;
  auto victims = choose_scans(*f.db, rule, cursors, -1);
  REQUIRE(victims.size() == 3);
  store::CleanupReport dry;
  count_scans(*f.db, victims, dry);
  CHECK(f.count("scans") == 4);
  store::CleanupReport real;
  ScanWalk walk;
  CHECK(delete_oldest_scans(*f.db, rule, keep_boundaries(*f.db, rule.keep), walk, 100, real) == 3);
  CHECK(dry.removed == real.removed);
  CHECK(real.removed["scans"]["au"] == 3);
  CHECK(real.removed["opportunities"]["au"] == 9);
  CHECK(f.count("scans") == 1);
  CHECK(f.count("opportunities") == 3);
}

TEST_CASE("delete_oldest_scans: what changed after a dry run's choice is re-checked as it deletes") {
  Fixture f;
  for (int i = 0; i < 4; ++i) f.add("a" + std::to_string(i), "au", 1000 + i);
  ScanRule rule{0, 1003};  // a0..a2 are old enough
  std::map<std::string, ScanCursor> cursors;
  auto victims = choose_scans(*f.db, rule, cursors, -1);
  REQUIRE(ids(victims) == std::vector<std::string>{"a0/au", "a1/au", "a2/au"});

  f.latest_good("au", "a1");                                              // became the latest good
  f.db->exec("UPDATE scans SET started_at = 5000 WHERE scan_id = 'a2'");  // written again, newer
  ScanWalk walk;
  store::CleanupReport r;
  CHECK(delete_oldest_scans(*f.db, rule, {}, walk, 100, r) == 1);
  CHECK(r.removed["scans"]["au"] == 1);
  CHECK(r.removed["opportunities"]["au"] == 2);
  CHECK(f.count("scans") == 3);
  // The spared ones are not offered again, by the walk nor by the choice's cursors.
  CHECK(delete_oldest_scans(*f.db, rule, {}, walk, 100, r) == 0);
  CHECK(choose_scans(*f.db, rule, cursors, -1).empty());
}

TEST_CASE("delete_oldest_scans: scans saved after a dry run's choice move the keep boundary") {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.add("a" + std::to_string(i), "au", 1000 + i);
  ScanRule rule{2, k_no_cutoff};
  std::map<std::string, ScanCursor> cursors;
  auto victims = choose_scans(*f.db, rule, cursors, -1);
  REQUIRE(ids(victims) == std::vector<std::string>{"a0/au"});
  // A newer scan saved meanwhile: a0 is still beyond the newest two. A newer one deleted
  // meanwhile makes a0 one of the newest two again: then it stays. The boundaries are read
  // in the deleting transaction.
  SUBCASE("newer scans") {
    f.add("a3", "au", 2000);
    ScanWalk walk;
    store::CleanupReport r;
    CHECK(delete_oldest_scans(*f.db, rule, keep_boundaries(*f.db, rule.keep), walk, 1, r) == 1);
    CHECK(r.removed["scans"]["au"] == 1);
    CHECK(walk.scan_id == "a0");
  }
  SUBCASE("fewer scans") {
    f.db->exec("DELETE FROM scans WHERE scan_id = 'a2'");
    ScanWalk walk;
    store::CleanupReport r;
    CHECK(delete_oldest_scans(*f.db, rule, keep_boundaries(*f.db, rule.keep), walk, 100, r) == 0);
    CHECK(r.removed["scans"]["au"] == 0);
    CHECK(f.count("scans") == 2);
  }
}

TEST_CASE("choose_scans and delete_oldest_scans spare the latest good scan of every source") {
  Fixture f;
  for (int i = 0; i < 6; ++i) f.add("a" + std::to_string(i), "au", 1000 + i);
  f.latest_good("au", "a0", "live");
  f.latest_good("au", "a1", "demo");
  f.latest_good("au", "a2", "replay");
  ScanRule rule{0, k_no_cutoff};
  std::map<std::string, ScanCursor> cursors;
  auto victims = choose_scans(*f.db, rule, cursors, -1);
  CHECK(ids(victims) == std::vector<std::string>{"a3/au", "a4/au", "a5/au"});

  // One that became the store source's latest good after the choice stays.
  f.latest_good("au", "a4", "store");
  ScanWalk walk;
  store::CleanupReport r;
  CHECK(delete_oldest_scans(*f.db, rule, {}, walk, 100, r) == 2);
  CHECK(r.removed["scans"]["au"] == 2);
  CHECK(f.count("scans") == 4);
  CHECK(f.count("latest_good") == 4);
}

TEST_CASE("delete_oldest_scans: oldest first over regions, chunk by chunk, with their opportunities counted") {
  Fixture f;
  for (int i = 0; i < 5; ++i) {
    f.add("a" + std::to_string(i), "au", 1000 + i * 10, 2);
    f.add("u" + std::to_string(i), "uk", 1005 + i * 10, 3);
  }
  f.latest_good("au", "a0");  // the oldest, yet never a victim
  ScanRule rule{2, k_no_cutoff};
  const auto boundaries = keep_boundaries(*f.db, rule.keep);
  REQUIRE(boundaries.size() == 2);
  CHECK(boundaries.at("au").scan_id == "a3");  // the second newest: older ones go
  ScanWalk walk;
  store::CleanupReport r;
  CHECK(delete_oldest_scans(*f.db, rule, boundaries, walk, 2, r) == 2);  // u0, a1
  CHECK(walk.scan_id == "a1");
  CHECK(r.removed["scans"]["uk"] == 1);
  CHECK(r.removed["scans"]["au"] == 1);
  CHECK(r.removed["opportunities"]["uk"] == 3);
  CHECK(r.removed["opportunities"]["au"] == 2);
  CHECK(delete_oldest_scans(*f.db, rule, boundaries, walk, 2, r) == 2);  // u1, a2
  CHECK(delete_oldest_scans(*f.db, rule, boundaries, walk, 2, r) == 1);  // u2: none left after it
  CHECK(delete_oldest_scans(*f.db, rule, boundaries, walk, 2, r) == 0);
  CHECK(r.removed["scans"]["au"] == 2);
  CHECK(r.removed["scans"]["uk"] == 3);
  CHECK(r.removed["opportunities"]["au"] == 4);
  CHECK(r.removed["opportunities"]["uk"] == 9);
  CHECK(f.count("scans") == 5);  // a0 (latest good), a3, a4, u3, u4
  CHECK(f.count("opportunities") == 2 * 3 + 3 * 2);
  // Nothing half-deleted: every opportunity left has its scan.
  CHECK(f.db->execAndGet("SELECT count(*) FROM opportunities o WHERE NOT EXISTS (SELECT 1 FROM scans s "
                         "WHERE s.scan_id = o.scan_id AND s.region = o.region)")
            .getInt64() == 0);
}

TEST_CASE("delete_oldest_scans: an age cutoff, keep 0, every source's latest good, and a region with few scans") {
  Fixture f;
  for (int i = 0; i < 6; ++i) f.add("a" + std::to_string(i), "au", 1000 + i);
  f.add("e0", "eu", 900);  // eu has one scan: with keep 1 it stays
  f.latest_good("au", "a1", "demo");
  f.latest_good("au", "a2", "replay");
  SUBCASE("keep 0 and an age: every scan old enough but the latest good ones") {
    ScanWalk walk;
    store::CleanupReport r;
    CHECK(delete_oldest_scans(*f.db, ScanRule{0, 1004}, {}, walk, 100, r) == 3);  // e0, a0, a3
    CHECK(r.removed["scans"]["au"] == 2);
    CHECK(r.removed["scans"]["eu"] == 1);
    CHECK(f.count("latest_good") == 2);
  }
  SUBCASE("keep 1: the newest of each region stays, eu's only one too") {
    ScanRule rule{1, k_no_cutoff};
    const auto boundaries = keep_boundaries(*f.db, rule.keep);
    CHECK(boundaries.at("eu").scan_id == "e0");  // nothing is older
    ScanWalk walk;
    store::CleanupReport r;
    CHECK(delete_oldest_scans(*f.db, rule, boundaries, walk, 100, r) == 3);  // a0, a3, a4
    CHECK(f.count("scans") == 4);                                            // e0, a1, a2, a5
  }
  SUBCASE("keep more than any region has: nothing") {
    ScanWalk walk;
    store::CleanupReport r;
    ScanRule rule{10, k_no_cutoff};
    CHECK(delete_oldest_scans(*f.db, rule, keep_boundaries(*f.db, rule.keep), walk, 100, r) == 0);
    CHECK(f.count("scans") == 7);
  }
}
