// Durations (src/util/time.cpp): a unit is required ("30s", "5m", "2h", "1d"), sums and
// fractions add up, and bare numbers, negative values, junk and values too large for the
// millisecond count are refused with a message naming the setting.
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "oddsctl/errors.hpp"
#include "oddsctl/time.hpp"

using namespace oddsctl;

namespace {

// The UsageError's message, "" when none is thrown (any other exception fails the test).
std::string refusal(const std::string& text) {
  try {
    (void)parse_duration(text, "--every");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("each unit, and sums and fractions of them") {
  CHECK(parse_duration("500ms") == Millis(500));
  CHECK(parse_duration("30s") == Millis(30'000));
  CHECK(parse_duration("5m") == Millis(300'000));
  CHECK(parse_duration("2h") == Millis(7'200'000));
  CHECK(parse_duration("1d") == Millis(86'400'000));
  CHECK(parse_duration("1w") == Millis(7 * 86'400'000LL));
  CHECK(parse_duration("0s") == Millis(0));
  CHECK(parse_duration("1h30m") == Millis(5'400'000));
  CHECK(parse_duration("1d2h3m4s5ms") == Millis(86'400'000 + 7'200'000 + 180'000 + 4'000 + 5));
  CHECK(parse_duration("1.5h") == Millis(5'400'000));
  CHECK(parse_duration("0.25s") == Millis(250));
  CHECK(parse_duration("365d") == Millis(365 * 86'400'000LL));
}

TEST_CASE("a bare number is refused, naming the setting and suggesting the units") {
  for (const char* bare : {"30", "0", "1.5"}) {
    CAPTURE(std::string(bare));
    const std::string m = refusal(bare);
    CHECK(m.find("--every") != std::string::npos);
    CHECK(m.find("needs a unit") != std::string::npos);
    CHECK(m.find(std::string(bare) + "s") != std::string::npos);
    CHECK(m.find(std::string(bare) + "d") != std::string::npos);
  }
}

TEST_CASE("negative values, unknown units and junk are refused") {
  for (const char* bad : {"",     "-5s", "-1h", "s",   "ms",   "5x",    "5 s",    " 5s", "5s ", "5S",  "5sec",
                          "1e3s", "h5",  "5m-", "+5s", "5..s", "1..5s", "1.2.3s", "5s5", "nan", "inf", "∞s"}) {
    CAPTURE(std::string(bad));
    const std::string m = refusal(bad);
    CHECK_MESSAGE(!m.empty(), "accepted as " << parse_duration(bad).count() << " ms");
    if (!m.empty()) CHECK(m.find("--every") != std::string::npos);
  }
}

TEST_CASE("a value too large for the millisecond count is refused, not wrapped") {
  // 2^63 ms is about 292 million years: anything above cannot be represented.
  for (const char* huge : {"9999999999999999999d", "200000000000w", "106751991167301d", "1e400s",
                           "99999999999999999999999999999999999999999999999999ms"}) {
    CAPTURE(std::string(huge));
    const std::string m = refusal(huge);
    CHECK_MESSAGE(!m.empty(), "accepted as " << parse_duration(huge).count() << " ms");
  }
  // The largest whole number of days that fits is still a duration.
  CHECK(parse_duration("106751991167d") == Millis(106751991167LL * 86'400'000LL));
}

TEST_CASE("format_duration is the shortest exact form, and parses back") {
  CHECK(format_duration(Millis(0)) == "0s");
  CHECK(format_duration(Millis(90'000)) == "1m30s");
  CHECK(format_duration(Millis(500)) == "500ms");
  CHECK(format_duration(Millis(86'400'000)) == "1d");
  CHECK(format_duration(Millis(2 * 86'400'000LL + 1)) == "2d1ms");
  CHECK(format_duration(Millis(-1500)) == "-1s500ms");
  for (std::int64_t ms :
       {1LL, 999LL, 1000LL, 61'000LL, 3'600'000LL, 86'399'999LL, 7 * 86'400'000LL, 123'456'789'012LL}) {
    CAPTURE(ms);
    CHECK(parse_duration(format_duration(Millis(ms))) == Millis(ms));
  }
}

TEST_CASE("the message names what is parsed") {
  CHECK_THROWS_WITH_AS(parse_duration("soon", "--grace"), doctest::Contains("--grace"), UsageError);
  CHECK_THROWS_WITH_AS(parse_duration("soon", "--grace"), doctest::Contains("'soon'"), UsageError);
}
