// The libcurl client against the fake Odds API (tests/fake_odds_api.py, run as a child
// process on 127.0.0.1): URLs, credits, ledger, retries, error kinds, deadline, budget guard,
// saving responses, and one client shared by many threads.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/attempt.hpp"
#include "unit/fake_api_process.hpp"
#include "oddsctl/api.hpp"
#include "oddsctl/budget/guard.hpp"

using namespace oddsctl;
using nlohmann::json;
using test::FakeApiProcess;

namespace {

const std::string k_key = "test-key-au-0000abcd";

json bookmaker(const std::string& key, double home, double away) {
  return {{"key", key},
          {"title", key},
          {"last_update", "2030-01-01T10:00:00Z"},
          {"markets",
           json::array(
               {{{"key", "h2h"},
                 {"outcomes", json::array({{{"name", "Home"}, {"price", home}}, {{"name", "Away"}, {"price", away}}})}},
                {{"key", "spreads"},
                 {"outcomes", json::array({{{"name", "Home"}, {"price", 1.9}, {"point", -1.5}},
                                           {{"name", "Away"}, {"price", 1.95}, {"point", 1.5}}})}}})}};
}

json event(const std::string& id) {
  return {{"id", id},
          {"sport_key", "soccer_epl"},
          {"sport_title", "EPL"},
          {"commence_time", "2030-01-01T12:00:00Z"},
          {"home_team", "Home"},
          {"away_team", "Away"},
          {"bookmakers", json::array({bookmaker("sportsbet", 2.1, 2.0), bookmaker("neds", 2.05, 2.02)})}};
}

// One fake for the whole file; every test case starts from a reset one with one key and
// three EPL events in region au.
FakeApiProcess& fake() {
  static FakeApiProcess process;
  return process;
}

FakeApiProcess& fresh_fake(std::int64_t remaining = 500) {
  auto& f = fake();
  f.control("reset", json::object());
  f.control("add_key", {{"key", k_key}, {"remaining", remaining}});
  f.control("set_events", {{"region", "au"},
                           {"sport_key", "soccer_epl"},
                           {"events", json::array({event("e1"), event("e2"), event("e3")})}});
  return f;
}

void add_fault(const json& fault) { fake().control("add_fault", fault); }

struct Ledger {
  std::mutex mutex;
  std::vector<LedgerEntry> entries;
  std::function<void(const LedgerEntry&)> sink() {
    return [this](const LedgerEntry& e) {
      std::lock_guard lock(mutex);
      entries.push_back(e);
    };
  }
};

api::ClientOptions options_for(FakeApiProcess& f) {
  api::ClientOptions o;
  o.base_url = f.url();
  o.region = "au";
  o.command = "test";
  o.connect_timeout = Millis(2000);
  o.request_timeout = Millis(5000);
  o.max_retries = 3;
  o.backoff_base = Millis(10);
  o.backoff_cap = Millis(50);
  return o;
}

std::unique_ptr<api::OddsApi> client(api::ClientOptions o, const std::string& key = k_key) {
  return make_http_client(ApiKey(key, "ODDS_API_KEY_AU"), std::move(o));
}

api::OddsRequest epl(std::vector<std::string> markets = {"h2h"}) {
  api::OddsRequest r;
  r.sport = "soccer_epl";
  r.markets = std::move(markets);
  return r;
}

api::ApiError call_failure(api::OddsApi& api, const api::OddsRequest& request) {
  try {
    api.odds(request);
  } catch (const api::ApiError& e) {
    return e;
  }
  FAIL("the call did not fail");
  return api::ApiError(api::ApiErrorKind::network, 0, "", "unreachable");
}

}  // namespace

TEST_CASE("paths, query parameters, credits and ledger") {
  auto& f = fresh_fake();
  Ledger ledger;
  auto o = options_for(f);
  o.on_ledger = ledger.sink();
  o.bookmakers = {"sportsbet", "neds"};
  auto api = client(o);

  auto sports = api->sports();
  REQUIRE(sports.size() == 1);
  CHECK(sports[0].key == "soccer_epl");
  auto events = api->events("soccer_epl");
  CHECK(events.size() == 3);
  CHECK(events[0].bookmakers.empty());

  auto request = epl({"h2h", "spreads"});
  request.event_ids = {"e1", "e3"};
  auto response = api->odds(request);
  REQUIRE(response.events.size() == 2);
  CHECK(response.events[0].id == "e1");
  CHECK(response.events[0].bookmakers.size() == 2);
  CHECK(response.events[0].bookmakers[0].markets.size() == 2);
  CHECK(response.attempts == 1);
  CHECK(response.credits.last == 2);
  CHECK(response.credits.used == 2);
  CHECK(response.credits.remaining == 498);
  CHECK(api->requests() == 3);

  auto calls = f.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[0]["path"] == "/v4/sports");
  CHECK(calls[1]["path"] == "/v4/sports/soccer_epl/events");
  CHECK(calls[2]["path"] == "/v4/sports/soccer_epl/odds");
  const json& q = calls[2]["query"];
  CHECK(q["regions"] == "au");
  CHECK(q["markets"] == "h2h,spreads");
  CHECK(q["oddsFormat"] == "decimal");
  CHECK(q["dateFormat"] == "iso");
  CHECK(q["eventIds"] == "e1,e3");
  CHECK(q["bookmakers"] == "sportsbet,neds");
  CHECK(calls[2]["key_hint"] == "abcd");

  REQUIRE(ledger.entries.size() == 3);
  CHECK(ledger.entries[0].endpoint == "sports");
  CHECK(ledger.entries[1].endpoint == "events");
  CHECK(ledger.entries[1].sport == "soccer_epl");
  const auto& odds = ledger.entries[2];
  CHECK(odds.endpoint == "odds");
  CHECK(odds.http_status == 200);
  CHECK(odds.region == "au");
  CHECK(odds.command == "test");
  CHECK(odds.key_hint == "…abcd");
  CHECK(odds.key_id.size() == 16);
  CHECK(odds.credits.last == 2);
  CHECK(ledger.entries[0].credits.last == 0);
}

TEST_CASE("a missing credit header stays unknown") {
  auto& f = fresh_fake();
  add_fault({{"kind", "no_credit_headers"}, {"times", 1}});
  Ledger ledger;
  auto o = options_for(f);
  o.on_ledger = ledger.sink();
  auto response = client(o)->odds(epl());
  CHECK_FALSE(response.credits.last.has_value());
  CHECK_FALSE(response.credits.remaining.has_value());
  REQUIRE(ledger.entries.size() == 1);
  CHECK_FALSE(ledger.entries[0].credits.used.has_value());
}

TEST_CASE("429 is retried after Retry-After, then succeeds") {
  auto& f = fresh_fake();
  add_fault({{"kind", "status"}, {"status", 429}, {"retry_after", 1}, {"times", 1}});
  Ledger ledger;
  auto o = options_for(f);
  o.on_ledger = ledger.sink();
  auto response = client(o)->odds(epl());
  CHECK(response.attempts == 2);
  CHECK(response.events.size() == 3);
  auto calls = f.calls();
  REQUIRE(calls.size() == 2);
  CHECK(calls[0]["status"] == 429);
  CHECK(calls[1]["status"] == 200);
  // Retry-After: 1 was honoured (a lower bound, not a speed check).
  CHECK(calls[1]["started"].get<double>() - calls[0]["ended"].get<double>() >= 0.9);
  REQUIRE(ledger.entries.size() == 2);
  CHECK(ledger.entries[0].http_status == 429);
  CHECK(ledger.entries[1].http_status == 200);
}

TEST_CASE("429 after the retries run out is a rate limit, not out of credits") {
  auto& f = fresh_fake();
  add_fault({{"kind", "status"}, {"status", 429}});
  auto o = options_for(f);
  o.max_retries = 2;
  auto api = client(o);
  auto e = call_failure(*api, epl());
  CHECK(e.kind() == api::ApiErrorKind::rate_limited);
  CHECK(e.http_status() == 429);
  CHECK(e.error_code() == "EXCEEDED_FREQ_LIMIT");
  CHECK(f.calls().size() == 3);
}

TEST_CASE("500, a reset connection and a truncated body are retried; no partial data") {
  auto& f = fresh_fake();
  add_fault({{"kind", "status"}, {"status", 500}, {"times", 1}});
  add_fault({{"kind", "reset"}, {"times", 1}});
  add_fault({{"kind", "truncate"}, {"times", 1}});
  auto o = options_for(f);
  o.guard = std::make_shared<budget::BudgetGuard>(std::nullopt, std::nullopt, std::nullopt);
  auto api = client(o);
  auto response = api->odds(epl());
  // libcurl itself retries once when a reused connection turns out dead, so the reset may
  // not cost an attempt of ours; the fake still saw every fault in order.
  CHECK(response.attempts >= 3);
  CHECK(response.attempts <= 4);
  CHECK(response.events.size() == 3);
  for (const auto& ev : response.events) CHECK(ev.bookmakers.size() == 2);
  auto calls = f.calls();
  REQUIRE(calls.size() == 4);
  CHECK(calls[0]["fault"] == "status");
  CHECK(calls[1]["fault"] == "reset");
  CHECK(calls[2]["fault"] == "truncate");
  // The truncated call was charged by the API, and the guard counted it.
  CHECK(o.guard->spent() == 2);
  CHECK(o.guard->remaining() == 498);
}

TEST_CASE("a body that is not JSON is retried, then fails as bad_body") {
  auto& f = fresh_fake();
  add_fault({{"kind", "bad_json"}});
  auto o = options_for(f);
  o.max_retries = 2;
  auto api = client(o);
  auto e = call_failure(*api, epl());
  CHECK(e.kind() == api::ApiErrorKind::bad_body);
  CHECK(f.calls().size() == 3);
  CHECK(api->requests() == 3);
  CHECK(std::string(e.what()).find("after 3 attempts") != std::string::npos);
}

TEST_CASE("a hanging server times out; the retry then succeeds") {
  auto& f = fresh_fake();
  add_fault({{"kind", "hang"}, {"seconds", 5}, {"times", 2}});
  auto o = options_for(f);
  o.request_timeout = Millis(300);
  o.max_retries = 0;
  auto api = client(o);
  auto e = call_failure(*api, epl());
  CHECK(e.kind() == api::ApiErrorKind::timeout);

  o.max_retries = 1;
  auto retrying = client(o);
  auto response = retrying->odds(epl());  // the second hang, then a good answer
  CHECK(response.attempts == 2);
  CHECK(response.events.size() == 3);
}

TEST_CASE("401 INVALID_KEY: one call, a message naming the env var, never the key") {
  auto& f = fresh_fake();
  const std::string bad_key = "wrong-key-secret-9999";
  auto api = client(options_for(f), bad_key);
  auto e = call_failure(*api, epl());
  CHECK(e.kind() == api::ApiErrorKind::invalid_key);
  CHECK(e.http_status() == 401);
  CHECK(e.code() == ExitCode::runtime);
  const std::string msg = e.what();
  CHECK(msg.find("ODDS_API_KEY_AU") != std::string::npos);
  CHECK(msg.find("region au") != std::string::npos);
  CHECK(msg.find("…9999") != std::string::npos);
  CHECK(msg.find(bad_key) == std::string::npos);
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(f.calls().size() == 1);
}

TEST_CASE("401 OUT_OF_USAGE_CREDITS is out_of_credits and not retried") {
  auto& f = fresh_fake(1);
  auto api = client(options_for(f));
  auto e = call_failure(*api, epl({"h2h", "spreads"}));
  CHECK(e.kind() == api::ApiErrorKind::out_of_credits);
  CHECK(e.error_code() == "OUT_OF_USAGE_CREDITS");
  CHECK(std::string(e.what()).find("quota") != std::string::npos);
  CHECK(f.calls().size() == 1);
}

TEST_CASE("404 for an unknown sport is not retried") {
  auto& f = fresh_fake();
  auto api = client(options_for(f));
  api::OddsRequest r = epl();
  r.sport = "curling_world";
  auto e = call_failure(*api, r);
  CHECK(e.kind() == api::ApiErrorKind::not_found);
  CHECK(e.error_code() == "UNKNOWN_SPORT");
  CHECK(f.calls().size() == 1);
}

TEST_CASE("the deadline stops retries and calls") {
  auto& f = fresh_fake();
  add_fault({{"kind", "status"}, {"status", 503}, {"retry_after", 5}});
  auto o = options_for(f);
  o.max_retries = 5;
  o.deadline = Deadline(Millis(1000));
  auto api = client(o);
  auto e = call_failure(*api, epl());
  CHECK(e.kind() == api::ApiErrorKind::deadline);
  CHECK(std::string(e.what()).find("503") != std::string::npos);
  CHECK(f.calls().size() == 1);

  o.deadline = Deadline(Millis(0));
  auto late = client(o);
  CHECK(call_failure(*late, epl()).kind() == api::ApiErrorKind::deadline);
  CHECK(late->requests() == 0);
  CHECK(f.calls().size() == 1);
}

TEST_CASE("eventIds batches: one charge per call, not per event") {
  auto& f = fresh_fake();
  auto api = client(options_for(f));
  api::OddsRequest first = epl({"h2h", "spreads"});
  first.event_ids = {"e1", "e2"};
  api::OddsRequest second = first;
  second.event_ids = {"e3"};
  CHECK(api->odds(first).events.size() == 2);
  auto last = api->odds(second);
  CHECK(last.events.size() == 1);
  CHECK(last.credits.used == 4);
  api::OddsRequest none = first;
  none.event_ids = {"gone"};
  auto empty = api->odds(none);
  CHECK(empty.events.empty());
  CHECK(empty.credits.last == 0);
  auto calls = f.calls();
  REQUIRE(calls.size() == 3);
  CHECK(calls[0]["query"]["eventIds"] == "e1,e2");
  CHECK(calls[1]["query"]["eventIds"] == "e3");
}

TEST_CASE("the budget guard refuses before any call is made") {
  auto& f = fresh_fake();
  auto o = options_for(f);
  o.guard = std::make_shared<budget::BudgetGuard>(100, std::nullopt, 101);
  auto api = client(o);
  auto e = call_failure(*api, epl({"h2h", "spreads"}));
  CHECK(e.kind() == api::ApiErrorKind::budget);
  CHECK(e.code() == ExitCode::budget);
  CHECK(std::string(e.what()).find("…abcd") != std::string::npos);
  CHECK(f.calls().empty());
  CHECK(api->requests() == 0);
  CHECK(api->odds(epl({"h2h"})).events.size() == 3);  // 101 - 1 = 100 is allowed
  CHECK(o.guard->remaining() == 499);                 // the API's figure replaces the ledger's
}

TEST_CASE("connection refused is a network error after the retries") {
  fresh_fake();
  api::ClientOptions o = options_for(fake());
  o.base_url = "http://127.0.0.1:1";
  o.max_retries = 1;
  auto api = client(o);
  auto e = call_failure(*api, epl());
  CHECK(e.kind() == api::ApiErrorKind::network);
  CHECK(api->requests() == 2);
  CHECK(std::string(e.what()).find(k_key) == std::string::npos);
}

TEST_CASE("successful odds bodies are saved per region and sport, batches merged") {
  auto& f = fresh_fake();
  const auto dir = std::filesystem::temp_directory_path() / ("oddsctl-save-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto o = options_for(f);
  o.save_responses_dir = dir;
  auto api = client(o);
  api::OddsRequest a = epl();
  a.event_ids = {"e1"};
  api::OddsRequest b = epl();
  b.event_ids = {"e2", "e1"};
  api->odds(a);
  api->odds(b);
  std::ifstream in(dir / "au" / "soccer_epl.json");
  REQUIRE(in.good());
  auto saved = json::parse(in);
  REQUIRE(saved.is_array());
  CHECK(saved.size() == 2);
  CHECK(parse_events_json(saved.dump()).size() == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("eight threads share one client") {
  auto& f = fresh_fake();
  add_fault({{"kind", "latency"}, {"ms", 20}});
  auto o = options_for(f);
  o.guard = std::make_shared<budget::BudgetGuard>(0, std::nullopt, std::nullopt);
  Ledger ledger;
  o.on_ledger = ledger.sink();
  auto api = client(o);
  std::atomic<int> events{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        try {
          events += static_cast<int>(api->odds(epl()).events.size());
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures.load() == 0);
  CHECK(events.load() == 8 * 5 * 3);
  CHECK(api->requests() == 40);
  CHECK(f.calls().size() == 40);
  CHECK(ledger.entries.size() == 40);
  CHECK(o.guard->spent() == 40);
  CHECK(o.guard->remaining() == 460);
}

// ---- hostile answers -------------------------------------------------------------------

TEST_CASE("a 200 whose body is the API's error object is that error, and a key or quota one is not retried") {
  struct Case {
    std::string code;
    api::ApiErrorKind kind;
    std::size_t calls;
  };
  const std::vector<Case> cases = {
      {"OUT_OF_USAGE_CREDITS", api::ApiErrorKind::out_of_credits, 1},
      {"INVALID_KEY", api::ApiErrorKind::invalid_key, 1},
      {"UNKNOWN_SPORT", api::ApiErrorKind::not_found, 1},
      {"SOMETHING_NEW", api::ApiErrorKind::unprocessable, 1},
      {"EXCEEDED_FREQ_LIMIT", api::ApiErrorKind::rate_limited, 3},  // retried like a 429
  };
  for (const auto& c : cases) {
    CAPTURE(c.code);
    auto& f = fresh_fake();
    add_fault(
        {{"kind", "status"}, {"status", 200}, {"error_code", c.code}, {"message", "Usage quota has been reached"}});
    Ledger ledger;
    auto o = options_for(f);
    o.max_retries = 2;
    o.on_ledger = ledger.sink();
    o.guard = std::make_shared<budget::BudgetGuard>(std::nullopt, std::nullopt, std::nullopt);
    auto api = client(o);
    auto e = call_failure(*api, epl());
    CHECK(e.kind() == c.kind);
    CHECK(e.error_code() == c.code);
    CHECK(e.http_status() == 200);
    const std::string msg = e.what();
    CHECK(msg.find(c.code) != std::string::npos);
    CHECK(msg.find("Usage quota has been reached") != std::string::npos);
    CHECK(msg.find("expected an array") == std::string::npos);
    CHECK(f.calls().size() == c.calls);
    // Refused, not served: nothing counted as spent, and the ledger row is an error answer
    // (so budget accounting does not take it for an unmetered success).
    CHECK(o.guard->spent() == 0);
    REQUIRE(!ledger.entries.empty());
    CHECK(ledger.entries[0].http_status != 200);
  }
}

TEST_CASE("OUT_OF_USAGE_CREDITS or INVALID_KEY with any status line is never retried") {
  for (int status : {403, 429, 500}) {
    CAPTURE(status);
    auto& f = fresh_fake();
    add_fault({{"kind", "status"}, {"status", status}, {"error_code", "OUT_OF_USAGE_CREDITS"}});
    auto api = client(options_for(f));
    CHECK(call_failure(*api, epl()).kind() == api::ApiErrorKind::out_of_credits);
    CHECK(f.calls().size() == 1);
  }
  auto& f = fresh_fake();
  add_fault({{"kind", "status"}, {"status", 503}, {"error_code", "INVALID_KEY"}});
  auto api = client(options_for(f));
  CHECK(call_failure(*api, epl()).kind() == api::ApiErrorKind::invalid_key);
  CHECK(f.calls().size() == 1);
}

TEST_CASE("credit headers that are too large, negative or not numbers are unknown") {
  using api::parse_count;
  auto count = [](const std::string& s) { return parse_count(&s); };
  CHECK(count("0") == 0);
  CHECK(count("499") == 499);
  CHECK(count("12.0") == 12);
  CHECK(count("12.5") == 13);
  CHECK(count("9223372036854775807") == INT64_MAX);
  for (const char* bad : {"99999999999999999999", "9223372036854775808", "-1", "-0", "+5", "abc", "12abc", "1e5",
                          "0x10", "inf", "nan", "", " 5", "12.", ".5", "1.2.3"}) {
    CAPTURE(bad);
    CHECK_FALSE(count(bad).has_value());
  }
  CHECK_FALSE(parse_count(nullptr).has_value());

  auto& f = fresh_fake();
  add_fault({{"kind", "credit_values"},
             {"times", 1},
             {"used", "99999999999999999999"},
             {"remaining", "-5"},
             {"last", "lots"}});
  Ledger ledger;
  auto o = options_for(f);
  o.on_ledger = ledger.sink();
  o.guard = std::make_shared<budget::BudgetGuard>(std::nullopt, std::nullopt, 100);
  auto response = client(o)->odds(epl());
  CHECK_FALSE(response.credits.used.has_value());
  CHECK_FALSE(response.credits.remaining.has_value());
  CHECK_FALSE(response.credits.last.has_value());
  REQUIRE(ledger.entries.size() == 1);
  CHECK_FALSE(ledger.entries[0].credits.used.has_value());
  CHECK_FALSE(ledger.entries[0].credits.remaining.has_value());
  // Unknown cost: the guard counts the estimate, never INT64_MIN.
  CHECK(o.guard->spent() == 1);
  CHECK(o.guard->remaining() == 99);
}

TEST_CASE("checked_base_url accepts http(s) URLs without trailing slashes and refuses the rest") {
  CHECK(api::checked_base_url("https://api.the-odds-api.com") == "https://api.the-odds-api.com");
  CHECK(api::checked_base_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080");
  CHECK(api::checked_base_url("HTTPS://proxy.example/odds///") == "HTTPS://proxy.example/odds");
  CHECK(api::checked_base_url("http://[::1]:65535") == "http://[::1]:65535");
  CHECK(api::checked_base_url("http://user:pw@host:1") == "http://user:pw@host:1");
  for (const char* bad : {"ftp://api.example.com",
                          "file:///etc/passwd",
                          "gopher://x",
                          "api.the-odds-api.com",
                          "://host",
                          "http://",
                          "http:///path",
                          "http://:8080",
                          "http://host:0",
                          "http://host:65536",
                          "http://host:99999999",
                          "http://host:port",
                          "http://host:",
                          "http://host:-1",
                          "http://[::1",
                          "http://host/?x=1",
                          "http://host#frag",
                          "http://ho st",
                          "",
                          "http://host\n"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(api::checked_base_url(bad), UsageError);
  }
  try {
    api::checked_base_url("ftp://secret-user:secret-pw@example.com");
    FAIL("accepted");
  } catch (const UsageError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("ftp") != std::string::npos);
    CHECK(msg.find("secret-pw") == std::string::npos);  // credentials in a URL are not echoed
    CHECK(e.code() == ExitCode::usage);
  }
}

TEST_CASE("the client refuses a base URL that cannot work, before any request") {
  for (const char* bad :
       {"ftp://127.0.0.1:21", "file:///tmp/x", "http://127.0.0.1:0", "http://127.0.0.1:70000", "http://:80"}) {
    CAPTURE(bad);
    api::ClientOptions o;
    o.base_url = bad;
    o.region = "au";
    CHECK_THROWS_AS(client(o), UsageError);
  }
}

TEST_CASE("headers then a stalled body is a timeout, recorded as such, and retried") {
  auto& f = fresh_fake();
  add_fault({{"kind", "stall_body"}, {"seconds", 10}, {"times", 1}});
  Ledger ledger;
  auto o = options_for(f);
  o.request_timeout = Millis(500);
  o.max_retries = 0;
  o.on_ledger = ledger.sink();
  const auto t0 = std::chrono::steady_clock::now();
  auto e = call_failure(*client(o), epl());
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(e.kind() == api::ApiErrorKind::timeout);
  CHECK(std::string(e.what()).find("stalled") != std::string::npos);
  REQUIRE(ledger.entries.size() == 1);
  CHECK(ledger.entries[0].http_status == 0);   // no complete answer, not a 200
  CHECK(ledger.entries[0].credits.last == 1);  // what the headers said is kept

  add_fault({{"kind", "stall_body"}, {"seconds", 10}, {"times", 1}});
  o.max_retries = 1;
  auto response = client(o)->odds(epl());
  CHECK(response.attempts == 2);
  CHECK(response.events.size() == 3);
}

TEST_CASE("a call never outlives the run's deadline, whatever its own timeout") {
  auto& f = fresh_fake();
  add_fault({{"kind", "stall_body"}, {"seconds", 20}});
  auto o = options_for(f);
  o.request_timeout = Millis(15000);
  o.max_retries = 3;
  o.deadline = Deadline(Millis(800));
  const auto t0 = std::chrono::steady_clock::now();
  auto e = call_failure(*client(o), epl());
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < std::chrono::milliseconds(2500));
  CHECK((e.kind() == api::ApiErrorKind::deadline || e.kind() == api::ApiErrorKind::timeout));
  CHECK(f.calls().size() == 1);
}

TEST_CASE("a gzip bomb fails the call at the size cap, once, quickly") {
  auto& f = fresh_fake();
  add_fault({{"kind", "gzip_bomb"}, {"inflated_mb", 64}});
  Ledger ledger;
  auto o = options_for(f);
  o.max_body_bytes = 8u * 1024u * 1024u;
  o.on_ledger = ledger.sink();
  auto api = client(o);
  const auto t0 = std::chrono::steady_clock::now();
  auto e = call_failure(*api, epl());
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
  CHECK(e.kind() == api::ApiErrorKind::bad_body);
  CHECK(std::string(e.what()).find("larger than 8 MiB") != std::string::npos);
  CHECK(api->requests() == 1);  // not retried: the next answer would be the same bomb
  CHECK(f.calls().size() == 1);
  REQUIRE(ledger.entries.size() == 1);
  CHECK(ledger.entries[0].http_status == 0);
}

TEST_CASE("raw bytes of a garbage body never reach the error message") {
  auto& f = fresh_fake();
  // Invalid UTF-8, an escape sequence, a NUL and a newline: what a broken proxy may send.
  add_fault({{"kind", "bad_json"}, {"body_hex", "fffe1b5b33316d000ac328e280ae3c68746d6c"}});
  auto o = options_for(f);
  o.max_retries = 0;
  auto check_clean = [](const std::string& msg) {
    CAPTURE(msg);
    for (unsigned char c : msg) CHECK((c >= 0x20 && c != 0x7F));
    CHECK(msg.find("\xFF") == std::string::npos);
    CHECK(msg.find("\xE2\x80\xAE") == std::string::npos);
  };
  const std::string first = call_failure(*client(o), epl()).what();
  check_clean(first);
  f.control("clear_faults", json::object());
  // An error object whose message decodes to control characters and a bidi override.
  add_fault({{"kind", "bad_json"}, {"status", 502}, {"body", R"({"message": "b\u00ffad\n\u001b[0m\u202e!"})"}});
  const std::string second = call_failure(*client(o), epl()).what();
  check_clean(second);
  CHECK(second.find("bÿad\\x0A\\x1B[0m\\xE2\\x80\\xAE!") != std::string::npos);  // quoted, escaped
}
