// Time points, durations and their text forms (RFC 3339, "30s"/"15m"/"2h"/"7d").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace oddsctl {

using Clock = std::chrono::system_clock;
// Millisecond precision is what the API and the store carry; nothing finer is kept.
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;
using Millis = std::chrono::milliseconds;

TimePoint now_utc();

// "2024-03-27T01:29:00Z", fractional seconds and numeric offsets accepted.
// Throws UsageError naming `what` on bad text.
TimePoint parse_rfc3339(std::string_view text, std::string_view what = "time");
std::optional<TimePoint> try_parse_rfc3339(std::string_view text);
// Always UTC with a Z; milliseconds only when not zero.
std::string format_rfc3339(TimePoint t);

// "500ms", "30s", "15m", "2h", "7d", and sums such as "1h30m". A unit is required: a bare
// number is a UsageError that suggests one.
// Throws UsageError naming `what` on bad text or a negative value.
Millis parse_duration(std::string_view text, std::string_view what = "duration");
// The shortest exact form: 90000ms -> "1m30s", 0 -> "0s".
std::string format_duration(Millis d);

inline std::int64_t to_epoch_ms(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_epoch_ms(std::int64_t ms) { return TimePoint(Millis(ms)); }

// A run's deadline on the steady clock: "no new call starts after this".
class Deadline {
public:
  Deadline() = default;  // never expires
  explicit Deadline(Millis budget);
  static Deadline never() { return Deadline(); }
  bool expired() const;
  bool bounded() const { return m_at.has_value(); }
  // Time left, or `cap` when unbounded; never negative.
  Millis remaining(Millis cap = Millis(24 * 3600 * 1000)) const;

private:
  std::optional<std::chrono::steady_clock::time_point> m_at;
};

}  // namespace oddsctl
