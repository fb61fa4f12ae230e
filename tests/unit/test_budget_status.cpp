// Budget status from a hand-made ledger: spend windows, estimates, burn rate, run-out date,
// the JSON schema of the contract, and `budget check`.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "oddsctl/budget.hpp"
#include "oddsctl/store.hpp"

using namespace oddsctl;

namespace {

const TimePoint k_now = from_epoch_ms(1'780'000'000'000);  // 2026-05-28T20:26:40Z
constexpr Millis k_min{60'000};
constexpr Millis k_hour{3'600'000};
constexpr Millis k_day{86'400'000};

LedgerEntry row(Millis ago, const std::string& region, std::optional<std::int64_t> last,
                std::optional<std::int64_t> used, std::optional<std::int64_t> remaining,
                const std::string& sport = "soccer_epl", const std::string& command = "scan",
                const std::string& endpoint = "odds", int status = 200, const std::string& key = "key-au") {
  LedgerEntry e;
  e.at = k_now - ago;
  e.key_id = key;
  e.key_hint = "…" + key.substr(key.size() - 2) + "xx";
  e.region = region;
  e.command = command;
  e.endpoint = endpoint;
  e.sport = sport;
  e.http_status = status;
  e.credits = {used, remaining, last};
  return e;
}

}  // namespace

TEST_CASE("row_spend: last wins, used delta is an estimate, free endpoints cost nothing") {
  CHECK(budget::row_spend(row(k_min, "au", 3, 10, 90), 7).credits == 3);
  auto est = budget::row_spend(row(k_min, "au", std::nullopt, 10, 90), 7);
  CHECK(est.credits == 3);
  CHECK(est.estimated);
  auto unknown = budget::row_spend(row(k_min, "au", std::nullopt, std::nullopt, std::nullopt), 7);
  CHECK(unknown.credits == 0);
  CHECK(unknown.unknown);
  // The counter went down: the month renewed; nothing is known about this call.
  CHECK(budget::row_spend(row(k_min, "au", std::nullopt, 2, 498), 400).unknown);
  CHECK_FALSE(
      budget::row_spend(row(k_min, "au", std::nullopt, std::nullopt, std::nullopt, "", "scan", "sports"), {}).unknown);
  // An error answer without figures was not charged.
  CHECK_FALSE(
      budget::row_spend(row(k_min, "au", std::nullopt, std::nullopt, std::nullopt, "x", "scan", "odds", 500), {})
          .unknown);
}

TEST_CASE("status: windows, latest figures, breakdown and burn over the covered span") {
  std::vector<LedgerEntry> rows{
      row(40 * k_day, "au", 6, 6, 994),                             // outside 30 d: figures only
      row(2 * k_day, "au", 6, 12, 988, "basketball_nba"),           // 30 d
      row(3 * k_hour, "au", 3, 15, 985, "soccer_epl", "sync:hot"),  // 24 h
      row(30 * k_min, "au", 3, 18, 982),                            // 1 h
      row(20 * k_min, "au", 0, 18, 982, "", "scan", "sports"),      // free
      row(10 * k_min, "au", std::nullopt, 21, std::nullopt),        // estimated 21 - 18 = 3
  };
  auto st = budget::compute_status(rows, {}, k_now);
  REQUIRE(st.keys.size() == 1);
  const auto& k = st.keys[0];
  CHECK(k.regions == std::vector<std::string>{"au"});
  CHECK(k.remaining == 982);  // newest row with a known remaining
  CHECK(k.used == 18);
  CHECK(k.reported_at == k_now - 20 * k_min);
  CHECK(k.spent_1h == 3 + 3);
  CHECK(k.spent_24h == 3 + 3 + 3);
  CHECK(k.spent_30d == 6 + 3 + 3 + 3);
  CHECK(k.calls_30d == 5);
  CHECK(k.estimated_calls == 1);
  CHECK(k.unknown_calls == 0);
  CHECK(k.by_command_30d.at("scan") == 12);
  CHECK(k.by_command_30d.at("sync:hot") == 3);
  CHECK(k.by_sport_30d.at("basketball_nba") == 6);
  CHECK(k.by_sport_30d.at("soccer_epl") == 9);
  // Rows in the last 24 h, the ledger covers all of it (first row 2 d ago): 9 credits/day.
  CHECK(k.burn_window == "24h");
  REQUIRE(k.burn_per_day);
  CHECK(*k.burn_per_day == doctest::Approx(9.0));
  // 982 / 9 days after the report.
  REQUIRE(k.runs_out_at);
  CHECK(*k.runs_out_at == k.reported_at.value() + Millis(static_cast<std::int64_t>(982.0 / 9.0 * 86'400'000.0 + 0.5)));
}

TEST_CASE("status: concurrent responses recorded out of order report the lowest remaining") {
  // Two calls of one run: the one the API counted last (remaining 94) was recorded first.
  auto st = budget::compute_status(
      {row(3 * k_hour, "au", 3, 3, 97), row(2 * k_min, "au", 3, 6, 94), row(2 * k_min - Millis(5), "au", 3, 3, 97)}, {},
      k_now);
  CHECK(st.keys[0].remaining == 94);
  CHECK(st.keys[0].used == 6);
  CHECK(st.keys[0].reported_at == k_now - 2 * k_min + Millis(5));
  // A month later the counter renewed: an old low figure outside the run span does not count.
  auto renewed = budget::compute_status({row(20 * k_min, "au", 3, 400, 100), row(k_min, "au", 3, 3, 497)}, {}, k_now);
  CHECK(renewed.keys[0].remaining == 497);
}

TEST_CASE("status: a key first used minutes ago is rated over at least one hour (the contract's example)") {
  // 18 credits in one scan 5 minutes ago: 18 per hour covered -> 432 per day.
  auto st = budget::compute_status({row(5 * k_min, "au", 18, 18, 99982)}, {}, k_now);
  REQUIRE(st.keys.size() == 1);
  CHECK(*st.keys[0].burn_per_day == doctest::Approx(432.0));
  // 99982 / 432 days = 231.44 days after the report.
  auto days = std::chrono::duration<double, std::ratio<86400>>(*st.keys[0].runs_out_at - *st.keys[0].reported_at);
  CHECK(days.count() == doctest::Approx(99982.0 / 432.0).epsilon(1e-6));
}

TEST_CASE("status: nothing in 24 h falls back to the 30 d average; no spend means no run-out date") {
  auto st = budget::compute_status({row(40 * k_day, "uk", 10, 10, 90, "x", "scan", "odds", 200, "key-uk"),
                                    row(10 * k_day, "uk", 10, 20, 80, "x", "scan", "odds", 200, "key-uk")},
                                   {}, k_now);
  REQUIRE(st.keys.size() == 1);
  CHECK(st.keys[0].burn_window == "30d");
  // 10 credits over the 10 days the ledger covers in the window.
  CHECK(*st.keys[0].burn_per_day == doctest::Approx(1.0));
  auto idle =
      budget::compute_status({row(2 * k_hour, "uk", 0, 20, 80, "", "scan", "sports", 200, "key-uk")}, {}, k_now);
  CHECK(*idle.keys[0].burn_per_day == doctest::Approx(0.0));
  CHECK_FALSE(idle.keys[0].runs_out_at);
}

TEST_CASE("status as of an earlier time ignores later rows") {
  std::vector<LedgerEntry> rows{row(150 * k_min, "au", 3, 3, 97), row(k_min, "au", 3, 6, 94)};  // 90 min before "now"
  auto st = budget::compute_status(rows, {}, k_now - k_hour);
  CHECK(st.keys[0].remaining == 97);
  CHECK(st.keys[0].spent_1h == 0);
  CHECK(st.keys[0].spent_24h == 3);
}

TEST_CASE("status: configured keys without rows are listed with unknowns; keys sort by region") {
  std::vector<budget::ConfiguredKey> conf{
      {"key-us", "…usxx", "us"}, {"key-au", "…auxx", "au"}, {"key-au", "…auxx", "eu"}};
  auto st = compute_status({row(k_min, "au", 1, 1, 9)}, conf, k_now);
  REQUIRE(st.keys.size() == 2);
  CHECK(st.keys[0].key_id == "key-au");
  CHECK(st.keys[0].regions == std::vector<std::string>{"au"});  // labelled by its ledger rows
  CHECK(st.keys[1].key_id == "key-us");
  CHECK_FALSE(st.keys[1].remaining);
  CHECK_FALSE(st.keys[1].burn_per_day);
  CHECK(filter_regions(st.keys, {"us"}).size() == 1);
  CHECK(filter_regions(st.keys, {}).size() == 2);
}

TEST_CASE("status JSON: the contract's fields and types") {
  auto st = budget::compute_status({row(5 * k_min, "au", 18, 18, 99982)}, {{"key-uk", "…ukxx", "uk"}}, k_now);
  auto doc = status_json(st);
  REQUIRE(doc["keys"].size() == 2);
  const auto& k = doc["keys"][0];
  for (const char* f : {"key", "region", "remaining", "used", "reported_at", "spent_1h", "spent_24h", "spent_30d",
                        "burn_per_day", "runs_out_at"})
    CHECK_MESSAGE(k.contains(f), f);
  CHECK(k["key"] == "…auxx");
  CHECK(k["region"] == "au");
  CHECK(k["remaining"] == 99982);
  CHECK(k["used"] == 18);
  CHECK(k["spent_1h"] == 18);
  CHECK(k["burn_per_day"].get<double>() == doctest::Approx(432.0));
  CHECK(k["reported_at"].is_string());
  CHECK(k["runs_out_at"].is_string());
  const auto& u = doc["keys"][1];
  CHECK(u["remaining"].is_null());
  CHECK(u["runs_out_at"].is_null());
  CHECK(u["burn_per_day"].is_null());
  CHECK(doc["totals"]["spent_30d"] == 18);
}

TEST_CASE("check: ok, low (exit 5) wins over unknown (exit 1), empty is unknown") {
  auto st = budget::compute_status(
      {row(k_min, "au", 1, 1, 500), row(k_min, "uk", 1, 1, 99, "x", "scan", "odds", 200, "key-uk")},
      {{"key-us", "…usxx", "us"}}, k_now);
  CHECK(check_budget(filter_regions(st.keys, {"au"}), 500).outcome == budget::CheckResult::Outcome::ok);
  CHECK(check_budget(filter_regions(st.keys, {"au"}), 501).outcome == budget::CheckResult::Outcome::low);
  auto low = check_budget(st.keys, 100);
  CHECK(low.outcome == budget::CheckResult::Outcome::low);
  CHECK(low.reason.find("(uk): 99 credits remaining < 100") != std::string::npos);
  CHECK(check_budget(st.keys, 50).outcome == budget::CheckResult::Outcome::unknown);  // us never reported
  CHECK(budget::check_budget({}, 1).outcome == budget::CheckResult::Outcome::unknown);
}

TEST_CASE("last_known_remaining: a guard starts from the lowest report of the newest run") {
  // As a real scan recorded it: the call the API counted last (remaining 20) completed a
  // millisecond before another (remaining 23). Starting from 23 let a 1-credit call through
  // a reserve of 20.
  auto dir = std::filesystem::temp_directory_path() / ("oddsctl-budget-unit-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto store = store::open_store((dir / "s.db").string());
    store->append_ledger({row(2 * k_day, "au", 1, 1, 29), row(3 * k_min + Millis(2), "au", 3, 4, 26),
                          row(3 * k_min + Millis(1), "au", 3, 10, 20), row(3 * k_min, "au", 3, 7, 23),
                          row(k_min, "uk", 1, 1, 5, "x", "scan", "odds", 200, "key-uk")});
    CHECK(budget::last_known_remaining(*store, "key-au") == 20);
    CHECK(budget::last_known_remaining(*store, "key-uk") == 5);
    CHECK_FALSE(budget::last_known_remaining(*store, "key-us"));
  }
  std::filesystem::remove_all(dir);
}
