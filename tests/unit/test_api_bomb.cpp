// A gzip bomb (200 MiB of zeros in ~200 KiB of gzip) against a client with the default
// body cap (64 MiB): the call fails at the cap, once and quickly, and the process's peak
// memory stays well under the inflated size. Its own executable, so that VmHWM (the peak
// resident set of this process) measures this call and nothing else.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "oddsctl/api.hpp"
#include "unit/fake_api_process.hpp"

using namespace oddsctl;
using nlohmann::json;

namespace {

// kB from a line of /proc/self/status ("VmHWM:   123456 kB").
long status_kb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  return -1;
}

}  // namespace

TEST_CASE("a gzip bomb stops at the default cap; peak memory stays bounded") {
  test::FakeApiProcess fake;
  const std::string key = "bomb-test-key-0000";
  fake.control("add_key", {{"key", key}});
  fake.control("add_fault", {{"kind", "gzip_bomb"}, {"inflated_mb", 200}});
  fake.control("add_sport", {{"key", "soccer_epl"}});

  api::ClientOptions o;
  o.base_url = fake.url();
  o.region = "au";
  o.backoff_base = Millis(10);
  o.backoff_cap = Millis(20);
  CHECK(o.max_body_bytes == 64u * 1024u * 1024u);
  auto api = make_http_client(ApiKey(key, "ODDS_API_KEY_AU"), o);
  const long before_kb = status_kb("VmHWM");
  REQUIRE(before_kb > 0);
  api::OddsRequest r;
  r.sport = "soccer_epl";
  const auto t0 = std::chrono::steady_clock::now();
  try {
    api->odds(r);
    FAIL("a 200 MiB body was accepted");
  } catch (const api::ApiError& e) {
    CHECK(e.kind() == api::ApiErrorKind::bad_body);
    CHECK(std::string(e.what()).find("response larger than 64 MiB") != std::string::npos);
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < std::chrono::seconds(20));  // the fake builds the bomb on first use (~2 s)
  CHECK(api->requests() == 1);
  const long peak_kb = status_kb("VmHWM");
  MESSAGE("VmHWM before " << before_kb << " kB, after " << peak_kb << " kB");
  // The cap (64 MiB) plus the half-size buffer being copied when it last grew, plus the
  // test's own baseline: far from the 200 MiB an uncapped client holds (and more again
  // while the JSON parser copies it).
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed blocks in quarantine and adds shadow memory, so the peak
  // measures it, not the client; the cap itself is checked above.
  MESSAGE("peak memory not checked under AddressSanitizer");
#else
  CHECK(peak_kb < 140 * 1024);
#endif
}
