// alert_key, alert_due and redact_url: the pure rules behind `oddsctl alerts`.
#include <doctest/doctest.h>

#include "oddsctl/keys.hpp"
#include "oddsctl/alerts.hpp"

using namespace oddsctl;

namespace {

Opportunity make(const std::string& market, std::optional<double> point) {
  Opportunity o;
  o.region = "au";
  o.event_id = "ev1";
  o.market = market;
  o.point = point;
  return o;
}

TimePoint at(const char* text) { return parse_rfc3339(text); }

}  // namespace

TEST_CASE("alert keys: region, event, market and the shortest exact point") {
  CHECK(alerts::alert_key(make("h2h", std::nullopt)) == "au:ev1:h2h:null");
  CHECK(alerts::alert_key(make("spreads", -0.5)) == "au:ev1:spreads:-0.5");
  CHECK(alerts::alert_key(make("totals", 220.5)) == "au:ev1:totals:220.5");
  CHECK(alerts::alert_key(make("spreads", 3.0)) == "au:ev1:spreads:3");
  CHECK(alerts::alert_key(make("spreads", -0.0)) == alerts::alert_key(make("spreads", 0.0)));
  CHECK(alerts::alert_key(make("spreads", 1.5)) != alerts::alert_key(make("spreads", -1.5)));
}

TEST_CASE("alert_due: new, suppressed within the window, escalation, new again after it") {
  const TimePoint now = at("2024-03-27T12:00:00Z");
  const Millis hour = std::chrono::hours(1);
  CHECK(alerts::alert_due(std::nullopt, 1.0, now, hour, 0.5) == alerts::AlertReason::fresh);

  store::AlertMark mark{"k", at("2024-03-27T11:30:00Z"), 2.5};
  CHECK_FALSE(alerts::alert_due(mark, 2.5, now, hour, 0.5).has_value());
  CHECK_FALSE(alerts::alert_due(mark, 2.9, now, hour, 0.5).has_value());
  CHECK_FALSE(alerts::alert_due(mark, 1.0, now, hour, 0.5).has_value());                   // a fall never re-sends
  CHECK(alerts::alert_due(mark, 3.0, now, hour, 0.5) == alerts::AlertReason::escalation);  // exactly one step
  CHECK(alerts::alert_due(mark, 2.5 + 0.1 + 0.2 + 0.2, now, hour, 0.5) == alerts::AlertReason::escalation);  // fp noise
  CHECK(alerts::alert_due(mark, 4.0, now, hour, 2.0) == std::nullopt);

  // The window ends exactly one window after the last send.
  CHECK_FALSE(alerts::alert_due(mark, 2.5, at("2024-03-27T12:29:59Z"), hour, 0.5).has_value());
  CHECK(alerts::alert_due(mark, 2.5, at("2024-03-27T12:30:00Z"), hour, 0.5) == alerts::AlertReason::fresh);
  CHECK(alerts::alert_due(mark, 0.1, at("2024-03-27T13:00:00Z"), hour, 0.5) == alerts::AlertReason::fresh);
  CHECK(std::string(to_string(alerts::AlertReason::fresh)) == "new");
  CHECK(std::string(to_string(alerts::AlertReason::escalation)) == "escalation");
}

TEST_CASE("redact_url keeps scheme and host only") {
  CHECK(redact_url("https://hooks.slack.com/services/T000/B000/XXXX") == "https://hooks.slack.com/…");
  CHECK(redact_url("http://user:pw@127.0.0.1:8080/x?token=1") == "http://127.0.0.1:8080/…");
  CHECK(redact_url("http://example.com") == "http://example.com");
  CHECK(redact_url("not a url") == "…");
}
