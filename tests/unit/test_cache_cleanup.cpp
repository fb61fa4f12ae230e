// cleanup: the policy from layered settings, and the report of a run on a real SQLite store.
#include <doctest/doctest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "oddsctl/cleanup.hpp"
#include "test_cache_util.hpp"

using namespace oddsctl;
using namespace cache_test;
using std::chrono::hours;

namespace {

settings::Settings settings_with(std::map<std::string, std::string> env = {}) {
  return settings::Settings([env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

std::filesystem::path write_config(const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("oddsctl-cleanup-test-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(p) << text;
  return p;
}

}  // namespace

TEST_CASE("policy defaults") {
  auto p = cmd::retention_policy_from_settings(settings_with());
  CHECK(p.keep_last_scans == 100);
  CHECK_FALSE(p.scans_older_than.has_value());
  CHECK(p.snapshots_older_than == hours(24 * 30));
  CHECK(p.ledger_older_than == hours(24 * 90));
  CHECK(p.alerts_older_than == hours(24 * 30));
  CHECK(p.heartbeats_older_than == hours(24 * 7));
  CHECK(p.batch_size == 5000);
}

TEST_CASE("policy: --older-than beats the config file; per-kind config beats the file's older_than") {
  auto path = write_config(
      "[retention]\nkeep_last = 5\nolder_than = \"2d\"\nledger_older_than = \"60d\"\nalerts_older_than = \"never\"\n"
      "batch_size = 10\n");
  auto s = settings_with();
  s.load_file(path);
  auto p = cmd::retention_policy_from_settings(s);
  CHECK(p.keep_last_scans == 5);
  CHECK(p.scans_older_than == hours(48));
  CHECK(p.snapshots_older_than == hours(48));
  CHECK(p.ledger_older_than == hours(24 * 60));
  CHECK_FALSE(p.alerts_older_than.has_value());
  CHECK(p.heartbeats_older_than == hours(24 * 7));  // older_than does not apply to heartbeats
  CHECK(p.batch_size == 10);

  s.set_flag(cleanup::k_retention_older_than, "7d");
  s.set_flag(cleanup::k_retention_keep_last, "3");
  p = cmd::retention_policy_from_settings(s);
  CHECK(p.keep_last_scans == 3);
  CHECK(p.scans_older_than == hours(24 * 7));
  CHECK(p.ledger_older_than == hours(24 * 7));  // the flag beats the per-kind config value
  CHECK_FALSE(p.alerts_older_than.has_value());

  s.set_flag("retention.ledger_older_than", "1h");  // a per-kind flag beats --older-than
  CHECK(cmd::retention_policy_from_settings(s).ledger_older_than == hours(1));
  std::filesystem::remove(path);
}

TEST_CASE("policy: bad values are usage errors") {
  // Settings may refuse the value when the flag is set or when the policy reads it: either
  // way it is a UsageError.
  auto policy_with = [](const std::string& key, const std::string& value) {
    auto s = settings_with();
    s.set_flag(key, value);
    return cmd::retention_policy_from_settings(s);
  };
  CHECK_THROWS_AS(policy_with(cleanup::k_retention_keep_last, "-1"), UsageError);
  CHECK_THROWS_AS(policy_with(cleanup::k_retention_older_than, "soon"), UsageError);
  CHECK_THROWS_AS(policy_with(cleanup::k_retention_batch_size, "0"), UsageError);
}

TEST_CASE("run_cleanup: dry run changes nothing and counts what a real run removes") {
  TempStore store;
  for (int i = 0; i < 8; ++i)
    store->save_scan(region_scan("s" + std::to_string(i), "au", t0() - hours(24 * (10 - i)), store::RegionStatus::ok,
                                 {opp("au", "soccer_epl", "e", "h2h", 1.0)}));
  store->save_scan(region_scan("f", "uk", t0() - hours(24 * 20), store::RegionStatus::failed));
  LedgerEntry e;
  e.at = t0() - hours(24 * 100);
  e.key_id = "k";
  e.key_hint = "…abcd";
  e.region = "au";
  e.command = "scan";
  e.endpoint = "odds";
  e.http_status = 200;
  LedgerEntry newer = e;  // the key's newest row always stays (budget reads it)
  newer.at = t0() - hours(24 * 95);
  store->append_ledger({e, newer});

  store::RetentionPolicy policy;
  policy.keep_last_scans = 2;
  policy.ledger_older_than = hours(24 * 90);
  policy.batch_size = 2;
  auto dry = cleanup::run_cleanup(*store, policy, t0(), true, true);
  CHECK(dry.report.dry_run);
  CHECK_FALSE(dry.vacuumed);
  CHECK(dry.report.removed["scans"]["au"] == 6);
  CHECK(dry.report.removed["opportunities"]["au"] == 6);
  CHECK(dry.report.removed["ledger"]["au"] == 1);
  CHECK(store->info().counts["scans"] == 9);

  auto real = cleanup::run_cleanup(*store, policy, t0(), false, true);
  CHECK(real.vacuumed);
  CHECK(real.report.removed == dry.report.removed);
  CHECK(store->info().counts["scans"] == 3);
  CHECK(store->latest_good("au")->scan_id == "s7");

  auto j = cleanup_report_json(real);
  CHECK(j["totals"]["scans"] == 6);
  CHECK(j["removed"]["scans"]["au"] == 6);
  CHECK(j["total"] == 13);
  CHECK(j["policy"]["keep_last"] == 2);
  CHECK(j["policy"]["ledger_older_than"] == "90d");
  CHECK(j["bytes_before"].get<std::int64_t>() > 0);
  auto rows = cleanup_report_rows(real);
  CHECK(rows.front() == std::vector<std::string>{"scans", "au", "6"});
}
