// alerts --exec: the command's environment holds the alert's variables and ours, but none
// of our secrets (API keys, the serve token).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "oddsctl/alerts.hpp"

using namespace oddsctl;

TEST_CASE("the exec command gets no ODDS_API_KEY* and no ODDSCTL_SERVE_TOKEN") {
  const auto out = std::filesystem::temp_directory_path() / ("oddsctl-exec-env-" + std::to_string(::getpid()));
  std::filesystem::remove(out);
  ::setenv("ODDS_API_KEY", "secret-plain-1111", 1);
  ::setenv("ODDS_API_KEY_AU", "secret-au-2222", 1);
  ::setenv("ODDS_API_KEY_UK", "secret-uk-3333", 1);
  ::setenv("ODDSCTL_SERVE_TOKEN", "secret-token-4444", 1);
  ::setenv("ODDSCTL_TEST_KEEP_ME", "kept", 1);

  auto sink = alerts::exec_sink("env > '" + out.string() + "'", Millis(10000));
  nlohmann::json payload = {{"alert_key", "k1"}, {"reason", "new"}};
  const alerts::Delivery d = sink(payload);
  REQUIRE_MESSAGE(d.ok, d.error);

  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  const std::string env = text.str();
  CHECK(env.find("ODDSCTL_TEST_KEEP_ME=kept") != std::string::npos);  // the rest is passed on
  CHECK(env.find("ODDSCTL_ALERT_KEY=k1") != std::string::npos);
  CHECK(env.find("ODDSCTL_ALERT_REASON=new") != std::string::npos);
  CHECK(env.find("ODDS_API_KEY") == std::string::npos);
  CHECK(env.find("ODDSCTL_SERVE_TOKEN") == std::string::npos);
  for (const char* secret : {"secret-plain-1111", "secret-au-2222", "secret-uk-3333", "secret-token-4444"})
    CHECK_MESSAGE(env.find(secret) == std::string::npos, secret);
  std::filesystem::remove(out);

  // Our own environment is untouched: only the child's is filtered.
  CHECK(std::getenv("ODDS_API_KEY_AU") != nullptr);
}
