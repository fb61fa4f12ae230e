// The client's log lines (spdlog, level set by the app): at debug one line per HTTP attempt
// with method, path, status, attempt, elapsed time, bytes and credits charged; at info each
// retry with its reason and wait. The API key never appears, not even inside a URL.
#include <doctest/doctest.h>

#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "api/attempt.hpp"
#include "oddsctl/api.hpp"
#include "unit/fake_api_process.hpp"

using namespace oddsctl;
using nlohmann::json;

namespace {

const std::string k_key = "log-test-secret-key-7777";

// Routes the default logger to a string for the test's lifetime.
struct CapturedLog {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  CapturedLog(spdlog::level::level_enum level) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_pattern("%l: %v");
    logger->set_level(level);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous); }
  std::string text() {
    spdlog::default_logger()->flush();
    return out.str();
  }
};

json event(const std::string& id) {
  return {
      {"id", id},
      {"sport_key", "soccer_epl"},
      {"sport_title", "EPL"},
      {"commence_time", "2030-01-01T12:00:00Z"},
      {"home_team", "Home"},
      {"away_team", "Away"},
      {"bookmakers",
       json::array({{{"key", "neds"},
                     {"title", "Neds"},
                     {"last_update", "2030-01-01T10:00:00Z"},
                     {"markets", json::array({{{"key", "h2h"},
                                               {"outcomes", json::array({{{"name", "Home"}, {"price", 2.1}},
                                                                         {{"name", "Away"}, {"price", 1.9}}})}}})}}})}};
}

}  // namespace

TEST_CASE("without_api_key drops the apiKey parameter wherever it is") {
  CHECK(api::without_api_key("/v4/sports?apiKey=s3cret&all=true") == "/v4/sports?all=true");
  CHECK(api::without_api_key("/v4/sports?all=true&apiKey=s3cret") == "/v4/sports?all=true");
  CHECK(api::without_api_key("http://h/v4/x?apiKey=s3cret") == "http://h/v4/x");
  CHECK(api::without_api_key("/v4/x?a=1&apiKey=s&b=2") == "/v4/x?a=1&b=2");
  CHECK(api::without_api_key("/v4/x") == "/v4/x");
}

TEST_CASE("debug: one line per request, retries at info, never the key") {
  test::FakeApiProcess fake;
  fake.control("add_key", {{"key", k_key}, {"remaining", 50}});
  fake.control("set_events", {{"region", "au"}, {"sport_key", "soccer_epl"}, {"events", json::array({event("e1")})}});
  fake.control("add_fault", {{"kind", "status"}, {"status", 503}, {"times", 1}, {"path", "/odds"}});

  CapturedLog log(spdlog::level::debug);
  api::ClientOptions o;
  o.base_url = fake.url();
  o.region = "au";
  o.backoff_base = Millis(10);
  o.backoff_cap = Millis(20);
  auto api = make_http_client(ApiKey(k_key, "ODDS_API_KEY_AU"), o);
  api::OddsRequest r;
  r.sport = "soccer_epl";
  r.markets = {"h2h"};
  CHECK(api->odds(r).events.size() == 1);
  const std::string text = log.text();
  CAPTURE(text);
  CHECK(text.find("GET /v4/sports/soccer_epl/odds?regions=au&markets=h2h") != std::string::npos);
  CHECK(text.find("status=503 attempt=1") != std::string::npos);
  CHECK(text.find("status=200 attempt=2") != std::string::npos);
  CHECK(text.find("elapsed_ms=") != std::string::npos);
  CHECK(text.find("bytes=") != std::string::npos);
  CHECK(text.find("credits=1") != std::string::npos);  // x-requests-last of the good answer
  CHECK(text.find("info: api: region au: /v4/sports/soccer_epl/odds: retry 1/3 in") != std::string::npos);
  CHECK(text.find("503") != std::string::npos);
  CHECK(text.find(k_key) == std::string::npos);
  CHECK(text.find("apiKey") == std::string::npos);
}

TEST_CASE("at the default level (warn) the client logs nothing for a good call") {
  test::FakeApiProcess fake;
  fake.control("add_key", {{"key", k_key}});
  CapturedLog log(spdlog::level::warn);
  api::ClientOptions o;
  o.base_url = fake.url();
  o.region = "au";
  auto api = make_http_client(ApiKey(k_key, "ODDS_API_KEY_AU"), o);
  api->sports();
  CHECK(log.text().empty());
}
