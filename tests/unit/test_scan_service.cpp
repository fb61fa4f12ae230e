// One scan run (src/scan/scan_service.cpp) against an injected OddsApi and a real SQLite
// store: regions in parallel with their own keys, failures per sport and per region, the
// abort on a spent quota, the budget stop, a stop request, leases, --sports checked before
// any credit is spent, and what is stored. One case goes through the real HTTP client
// against the fake API process (http_api_factory).
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "fake_api_process.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/store/lease_helpers.hpp"
#include "oddsctl/scan.hpp"
#include "test_cache_util.hpp"
#include "test_util.hpp"

using namespace oddsctl;
using namespace oddsctl::test;
using namespace std::chrono_literals;

namespace {

// Home 2.10 at neds, away 2.05 at tab: 1/2.10 + 1/2.05 < 1, an arbitrage of 3.73 %.
Event arb_event(const std::string& id, const std::string& sport = "basketball_nba") {
  Event e;
  e.id = id;
  e.sport_key = sport;
  e.sport_title = sport;
  e.home_team = "Home " + id;
  e.away_team = "Away " + id;
  e.commence_time = now_utc() + 24h;
  const TimePoint fresh = now_utc() - 1min;
  e.bookmakers.push_back(
      bookmaker("neds", fresh, {market("h2h", fresh, {outcome(e.home_team, 2.10), outcome(e.away_team, 1.80)})}));
  e.bookmakers.push_back(
      bookmaker("tab", fresh, {market("h2h", fresh, {outcome(e.home_team, 1.70), outcome(e.away_team, 2.05)})}));
  return e;
}

// What every region's fake client answers, and what it was asked.
struct FakeBoard {
  std::mutex mutex;
  std::map<std::string, std::map<std::string, std::vector<Event>>> events;  // region -> sport -> events
  std::map<std::string, api::ApiError> fail;                                // sport -> error thrown
  std::vector<std::pair<std::string, std::string>> odds_calls;              // (region, sport)
  std::vector<api::ClientOptions> clients;
  int sports_calls = 0;
  std::atomic<bool>* stop_on_first_call = nullptr;

  int odds_calls_for(const std::string& region) {
    std::lock_guard lock(mutex);
    return static_cast<int>(
        std::count_if(odds_calls.begin(), odds_calls.end(), [&](auto& c) { return c.first == region; }));
  }
};

class FakeApi : public api::OddsApi {
public:
  FakeApi(FakeBoard& board, api::ClientOptions options) : m_board(board), m_options(std::move(options)) {}
  std::vector<Sport> sports() override {
    std::lock_guard lock(m_board.mutex);
    ++m_board.sports_calls;
    ++m_requests;
    // As the real API: one list for every region (a sport with no events in a region is listed too).
    std::set<std::string> keys;
    for (const auto& [region, sports] : m_board.events)
      for (const auto& [sport, unused] : sports) keys.insert(sport);
    std::vector<Sport> out;
    for (const auto& k : keys) out.push_back({k, "", k, true, false});
    return out;
  }
  std::vector<Event> events(const std::string&) override { return {}; }
  api::OddsResponse odds(const api::OddsRequest& request) override {
    api::OddsResponse r;
    {
      std::lock_guard lock(m_board.mutex);
      ++m_requests;
      m_board.odds_calls.emplace_back(m_options.region, request.sport);
      if (m_board.stop_on_first_call) m_board.stop_on_first_call->store(true);
      auto f = m_board.fail.find(request.sport);
      if (f != m_board.fail.end()) throw f->second;
      r.events = m_board.events[m_options.region][request.sport];
      m_remaining -= 3;
      r.credits = Credits{1000 - m_remaining, m_remaining, r.events.empty() ? 0 : 3};
    }
    LedgerEntry e;
    e.at = now_utc();
    e.key_id = "k-" + m_options.region;
    e.region = m_options.region;
    e.command = m_options.command;
    e.endpoint = "odds";
    e.sport = request.sport;
    e.http_status = 200;
    e.credits = r.credits;
    if (m_options.on_ledger) m_options.on_ledger(e);
    return r;
  }
  int requests() const override { return m_requests; }

private:
  FakeBoard& m_board;
  api::ClientOptions m_options;
  int m_requests = 0;
  std::int64_t m_remaining = 1000;
};

api::ApiFactory factory(FakeBoard& board) {
  return [&board](const std::string&, api::ClientOptions options) -> std::unique_ptr<api::OddsApi> {
    {
      std::lock_guard lock(board.mutex);
      board.clients.push_back(options);
    }
    return std::make_unique<FakeApi>(board, std::move(options));
  };
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const EnvLookup k_keys = env_of({{"ODDS_API_KEY_AU", "key-au-0123456789"},
                                 {"ODDS_API_KEY_US", "key-us-0123456789"},
                                 {"ODDS_API_KEY_UK", "key-uk-0123456789"}});

scan::ScanOptions options(std::vector<std::string> regions) {
  scan::ScanOptions o;
  o.regions = std::move(regions);
  o.rules.markets = {"h2h"};
  o.worker = "unit:1";
  o.concurrency = 2;
  return o;
}

}  // namespace

TEST_CASE("regions run with their own options; results come back in canonical order and are stored") {
  cache_test::TempStore store;
  FakeBoard board;
  board.events["au"]["basketball_nba"] = {arb_event("a1")};
  board.events["au"]["basketball_nbl"] = {arb_event("a2", "basketball_nbl")};
  board.events["us"]["basketball_nba"] = {arb_event("u1")};
  scan::ScanReport r = run_scan(options({"us", "au"}), &*store, factory(board), k_keys);

  REQUIRE(r.regions.size() == 2);
  CHECK(r.regions[0].region == "au");
  CHECK(r.regions[1].region == "us");
  for (const auto& region : r.regions) {
    CAPTURE(region.region);
    CHECK(region.status == store::RegionStatus::ok);
    CHECK(region.scan_id == r.scan_id);
    CHECK(region.worker == "unit:1");
    CHECK(region.source == store::ScanSource::live);
    CHECK(region.opportunity_count == static_cast<int>(region.opportunities.size()));
  }
  CHECK(r.regions[0].events == 2);
  CHECK(r.regions[0].opportunity_count == 2);
  CHECK(r.regions[1].opportunity_count == 1);
  // Credits from the ledger: spent summed, remaining the lowest report.
  CHECK(r.regions[0].credits_used == std::optional<std::int64_t>(6));
  CHECK(r.regions[0].credits_remaining == std::optional<std::int64_t>(994));
  CHECK(r.exit_code() == ExitCode::ok);
  CHECK(r.all_opportunities().size() == 3);

  // Each region's client: its own region, the run's options.
  std::set<std::string> regions;
  for (const auto& c : board.clients) {
    regions.insert(c.region);
    CHECK(c.command == "scan");
    CHECK(c.guard != nullptr);
  }
  CHECK(regions == std::set<std::string>{"au", "us"});
  // Stored: the scan, its ledger, no lease left behind.
  auto au = store->latest_good("au", store::ScanSource::live);
  REQUIRE(au);
  CHECK(au->scan_id == r.scan_id);
  CHECK(store->list_scans(every_scan()).size() == 2);
  auto ledger = store->ledger({});
  std::string rows;
  for (const auto& e : ledger) rows += e.region + " " + e.endpoint + " " + e.sport + "; ";
  CAPTURE(rows);
  CHECK(ledger.size() == 4);  // every region asks for every sport
  CHECK(store->list_leases().empty());
}

TEST_CASE("a region without a key fails naming its env var; the others go on (exit 3)") {
  cache_test::TempStore store;
  FakeBoard board;
  board.events["au"]["basketball_nba"] = {arb_event("a1")};
  scan::ScanReport r = run_scan(options({"au", "eu"}), &*store, factory(board), k_keys);
  REQUIRE(r.regions.size() == 2);
  CHECK(r.regions[0].status == store::RegionStatus::ok);
  CHECK(r.regions[1].status == store::RegionStatus::failed);
  REQUIRE(r.regions[1].error);
  CHECK(r.regions[1].error->find("ODDS_API_KEY_EU") != std::string::npos);
  CHECK(board.odds_calls_for("eu") == 0);
  CHECK(r.exit_code() == ExitCode::partial);
}

TEST_CASE("no region asked and no key anywhere is a usage error that points at --demo") {
  FakeBoard board;
  CHECK_THROWS_WITH_AS(run_scan(options({}), nullptr, factory(board), env_of({})), doctest::Contains("--demo"),
                       UsageError);
  // With keys, the regions that have one are scanned.
  board.events["uk"]["basketball_nba"] = {arb_event("k1")};
  scan::ScanReport r =
      run_scan(options({}), nullptr, factory(board), env_of({{"ODDS_API_KEY_UK", "key-uk-0123456789"}}));
  REQUIRE(r.regions.size() == 1);
  CHECK(r.regions[0].region == "uk");
}

TEST_CASE("a failing sport makes the region partial; every sport failing fails it, and it stays out of latest good") {
  cache_test::TempStore store;
  FakeBoard board;
  board.events["au"]["basketball_nba"] = {arb_event("a1")};
  board.events["au"]["basketball_nbl"] = {arb_event("a2", "basketball_nbl")};
  auto first = run_scan(options({"au"}), &*store, factory(board), k_keys);
  REQUIRE(first.regions[0].status == store::RegionStatus::ok);

  board.fail.emplace("basketball_nbl",
                     api::ApiError(api::ApiErrorKind::server, 503, "", "region au: basketball_nbl: 503"));
  auto partial = run_scan(options({"au"}), &*store, factory(board), k_keys);
  CHECK(partial.regions[0].status == store::RegionStatus::partial);
  CHECK(partial.regions[0].failed_sports == std::vector<std::string>{"basketball_nbl"});
  REQUIRE(partial.regions[0].error);
  CHECK(partial.regions[0].error->find("503") != std::string::npos);
  CHECK(partial.regions[0].opportunity_count == 1);
  CHECK(partial.exit_code() == ExitCode::partial);

  board.fail.emplace("basketball_nba",
                     api::ApiError(api::ApiErrorKind::server, 500, "", "region au: basketball_nba: 500"));
  auto failed = run_scan(options({"au"}), &*store, factory(board), k_keys);
  CHECK(failed.regions[0].status == store::RegionStatus::failed);
  CHECK(failed.regions[0].failed_sports == std::vector<std::string>{"basketball_nba", "basketball_nbl"});
  CHECK(failed.exit_code() == ExitCode::runtime);
  // Stored for the record, but the latest good result is still the partial one.
  CHECK(store->list_scans(every_scan()).size() == 3);
  CHECK(store->latest_good("au", store::ScanSource::live)->scan_id == partial.scan_id);
}

TEST_CASE("a spent quota or a bad key stops the region's other calls") {
  FakeBoard board;
  for (const char* s : {"s1", "s2", "s3", "s4"}) board.events["au"][s] = {arb_event(std::string("e-") + s, s)};
  for (const char* s : {"s1", "s2", "s3", "s4"})
    board.fail.emplace(
        s, api::ApiError(api::ApiErrorKind::out_of_credits, 401, "OUT_OF_USAGE_CREDITS", "region au: quota spent"));
  auto o = options({"au"});
  o.concurrency = 1;
  auto r = run_scan(o, nullptr, factory(board), k_keys);
  CHECK(board.odds_calls_for("au") == 1);
  CHECK(r.regions[0].status == store::RegionStatus::failed);
  CHECK(r.regions[0].failed_sports.size() == 4);
  REQUIRE(r.regions[0].error);
  CHECK(r.regions[0].error->find("quota spent") != std::string::npos);  // the cause, not "not fetched"
}

TEST_CASE("a budget refusal stops the region and the run exits 5") {
  FakeBoard board;
  board.events["au"]["s1"] = {arb_event("e1", "s1")};
  board.events["au"]["s2"] = {arb_event("e2", "s2")};
  board.fail.emplace("s1", api::ApiError(api::ApiErrorKind::budget, 0, "", "region au: --max-credits 0 reached"));
  board.fail.emplace("s2", api::ApiError(api::ApiErrorKind::budget, 0, "", "region au: --max-credits 0 reached"));
  auto o = options({"au"});
  o.concurrency = 1;
  auto r = run_scan(o, nullptr, factory(board), k_keys);
  CHECK(r.budget_stopped);
  CHECK(r.exit_code() == ExitCode::budget);
  CHECK(board.odds_calls_for("au") == 1);
}

TEST_CASE("a stop request: a region cut short before any answer is skipped and not stored") {
  cache_test::TempStore store;
  FakeBoard board;
  board.events["au"]["s1"] = {arb_event("e1", "s1")};
  board.events["au"]["s2"] = {arb_event("e2", "s2")};
  std::atomic<bool> stop{true};
  auto o = options({"au"});
  o.stop = &stop;
  auto r = run_scan(o, &*store, factory(board), k_keys);
  CHECK(board.odds_calls_for("au") == 0);
  CHECK(r.regions[0].status == store::RegionStatus::skipped);
  CHECK(store->list_scans(every_scan()).empty());
  CHECK(store->list_leases().empty());

  // Stopped after the first answer: what came back is kept, the rest named as not fetched.
  stop = false;
  board.stop_on_first_call = &stop;
  o.concurrency = 1;
  auto cut = run_scan(o, &*store, factory(board), k_keys);
  CHECK(board.odds_calls_for("au") == 1);
  CHECK(cut.regions[0].status == store::RegionStatus::partial);
  CHECK(cut.regions[0].failed_sports.size() == 1);
  CHECK(cut.regions[0].opportunity_count == 1);
  CHECK(store->list_scans(every_scan()).size() == 1);
}

TEST_CASE("a region whose lease another run holds is skipped; with --wait-lock the run is busy (75)") {
  cache_test::TempStore store;
  FakeBoard board;
  board.events["au"]["basketball_nba"] = {arb_event("a1")};
  board.events["us"]["basketball_nba"] = {arb_event("u1")};
  REQUIRE(store->acquire_lease("scan:au", "elsewhere.example:4242", 10min, now_utc()).acquired);
  auto r = run_scan(options({"au", "us"}), &*store, factory(board), k_keys);
  CHECK(r.regions[0].status == store::RegionStatus::skipped);
  REQUIRE(r.regions[0].error);
  CHECK(r.regions[0].error->find("elsewhere.example:4242") != std::string::npos);
  CHECK(r.regions[1].status == store::RegionStatus::ok);
  CHECK(board.odds_calls_for("au") == 0);
  CHECK(r.exit_code() == ExitCode::ok);
  store::ScanQuery au_only = every_scan();
  au_only.region = "au";
  CHECK(store->list_scans(au_only).empty());

  auto o = options({"au"});
  o.wait_lock = 0ms;
  auto busy = run_scan(o, &*store, factory(board), k_keys);
  CHECK(busy.busy);
  CHECK(busy.exit_code() == ExitCode::busy);
  // The other run's lease is still its own.
  auto leases = store->list_leases();
  REQUIRE(leases.size() == 1);
  CHECK(leases[0].owner == "elsewhere.example:4242");
}

TEST_CASE("unknown --sports is a usage error before any odds call; the sports list is kept for the next run") {
  cache_test::TempStore store;
  FakeBoard board;
  board.events["au"]["basketball_nba"] = {arb_event("a1")};
  auto o = options({"au"});
  o.sports = {"basketball_nba", "basketball_nosuch"};
  CHECK_THROWS_WITH_AS(run_scan(o, &*store, factory(board), k_keys), doctest::Contains("'basketball_nosuch'"),
                       UsageError);
  CHECK(board.odds_calls.empty());
  CHECK(board.sports_calls == 1);

  o.sports = {"basketball_nba"};
  auto r = run_scan(o, &*store, factory(board), k_keys);
  CHECK(r.regions[0].status == store::RegionStatus::ok);
  CHECK(board.sports_calls == 1);  // answered from the store
}

TEST_CASE("with store_results off nothing is saved but the credits spent are") {
  cache_test::TempStore store;
  FakeBoard board;
  board.events["au"]["basketball_nba"] = {arb_event("a1")};
  auto o = options({"au"});
  o.store_results = false;
  auto r = run_scan(o, &*store, factory(board), k_keys);
  CHECK(r.regions[0].status == store::RegionStatus::ok);
  CHECK(store->list_scans(every_scan()).empty());
  CHECK(store->ledger({}).size() == 1);
}

TEST_CASE("an empty board is a good result; one emptied by --bookmakers is not the latest good") {
  cache_test::TempStore store;
  FakeBoard board;
  board.events["au"]["basketball_nba"] = {};
  auto r = run_scan(options({"au"}), &*store, factory(board), k_keys);
  CHECK(r.regions[0].empty == store::EmptyReason::no_events);
  CHECK(r.regions[0].good());
  REQUIRE(store->latest_good("au", store::ScanSource::live));
  CHECK(store->latest_good("au", store::ScanSource::live)->scan_id == r.scan_id);

  auto o = options({"au"});
  o.bookmakers = {"nobody"};
  auto filtered = run_scan(o, &*store, factory(board), k_keys);
  CHECK(filtered.regions[0].empty == store::EmptyReason::filtered);
  CHECK_FALSE(filtered.regions[0].good());
  CHECK(store->latest_good("au", store::ScanSource::live)->scan_id == r.scan_id);
  CHECK(std::string(scan::empty_note(store::EmptyReason::filtered)).find("--bookmakers") != std::string::npos);
  CHECK(std::string(scan::empty_note(store::EmptyReason::none)).empty());
}

TEST_CASE("the exit code of a report") {
  auto with = [](std::vector<store::RegionStatus> statuses) {
    scan::ScanReport r;
    for (auto s : statuses) {
      store::RegionScan x;
      x.status = s;
      r.regions.push_back(x);
    }
    return r;
  };
  CHECK(with({store::RegionStatus::ok, store::RegionStatus::skipped}).exit_code() == ExitCode::ok);
  CHECK(with({}).exit_code() == ExitCode::ok);
  CHECK(with({store::RegionStatus::ok, store::RegionStatus::failed}).exit_code() == ExitCode::partial);
  CHECK(with({store::RegionStatus::partial}).exit_code() == ExitCode::partial);
  CHECK(with({store::RegionStatus::failed, store::RegionStatus::failed}).exit_code() == ExitCode::runtime);
  auto budget = with({store::RegionStatus::ok});
  budget.budget_stopped = true;
  CHECK(budget.exit_code() == ExitCode::budget);
  budget.busy = true;
  CHECK(budget.exit_code() == ExitCode::busy);
}

TEST_CASE("scan ids are time-ordered and unique; the worker id is host:pid") {
  std::set<std::string> ids;
  for (int i = 0; i < 200; ++i) ids.insert(scan::new_scan_id());
  CHECK(ids.size() == 200);
  CHECK(std::regex_match(*ids.begin(), std::regex(R"(\d{8}-\d{6}-[0-9a-f]{6})")));
  const std::string w = store::default_worker_id();
  CHECK(w.size() > 2);
  CHECK(w.substr(w.rfind(':') + 1) == std::to_string(::getpid()));
}

TEST_CASE("through the real HTTP client: http_api_factory against the fake API") {
  ::test::FakeApiProcess fake;
  const std::string key = "test-key-au-0123456789abcdef";
  fake.control("add_key", {{"key", key}, {"remaining", 100}});
  const std::string commence = format_rfc3339(now_utc() + 24h);
  const std::string fresh = format_rfc3339(now_utc() - 1min);
  auto book = [&](const std::string& k, double home, double away) {
    return nlohmann::json{
        {"key", k},
        {"title", k},
        {"last_update", fresh},
        {"markets",
         {{{"key", "h2h"},
           {"last_update", fresh},
           {"outcomes", {{{"name", "Kings"}, {"price", home}}, {{"name", "Wildcats"}, {"price", away}}}}}}}};
  };
  nlohmann::json event = {{"id", "ev1"},
                          {"sport_key", "basketball_nbl"},
                          {"sport_title", "NBL"},
                          {"commence_time", commence},
                          {"home_team", "Kings"},
                          {"away_team", "Wildcats"},
                          {"bookmakers", {book("neds", 2.10, 1.80), book("tab", 1.70, 2.05)}}};
  fake.control("set_events", {{"region", "au"}, {"sport_key", "basketball_nbl"}, {"events", {event}}});

  cache_test::TempStore store;
  const EnvLookup env = env_of({{"ODDS_API_KEY_AU", key}});
  auto o = options({"au"});
  o.base_url = fake.url();
  auto r = run_scan(o, &*store, api::http_api_factory(env), env);
  REQUIRE(r.regions.size() == 1);
  CHECK(r.regions[0].status == store::RegionStatus::ok);
  REQUIRE(r.regions[0].opportunity_count == 1);
  CHECK(r.regions[0].opportunities[0].event_id == "ev1");
  CHECK(r.regions[0].credits_used == std::optional<std::int64_t>(1));
  // The key went out as the region's own, and never into the store.
  int odds = 0;
  for (const auto& c : fake.calls())
    if (c["path"].get<std::string>().ends_with("/odds")) {
      ++odds;
      CHECK(c["key_hint"] == key.substr(key.size() - 4));
    }
  CHECK(odds == 1);
  for (const auto& e : store->ledger({})) CHECK(e.key_hint.find(key) == std::string::npos);
  // The default factory refuses a region without a key, naming the env var.
  CHECK_THROWS_WITH_AS(api::http_api_factory(env)("us", api::ClientOptions{}), doctest::Contains("ODDS_API_KEY_US"),
                       UsageError);
}
