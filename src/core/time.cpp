#include "oddsctl/time.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>

#include "oddsctl/errors.hpp"

namespace oddsctl {

using namespace std::chrono;

TimePoint now_utc() { return time_point_cast<milliseconds>(system_clock::now()); }

namespace {

bool read_int(std::string_view s, std::size_t& pos, std::size_t digits, int& out) {
  if (pos + digits > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  pos += digits;
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && (s[pos] == c || std::toupper(static_cast<unsigned char>(s[pos])) == c)) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<TimePoint> try_parse_rfc3339(std::string_view s) {
  std::size_t pos = 0;
  int y, mo, d, h, mi, se;
  if (!read_int(s, pos, 4, y) || !expect(s, pos, '-') || !read_int(s, pos, 2, mo) || !expect(s, pos, '-') ||
      !read_int(s, pos, 2, d))
    return std::nullopt;
  if (!(expect(s, pos, 'T') || expect(s, pos, ' '))) return std::nullopt;
  if (!read_int(s, pos, 2, h) || !expect(s, pos, ':') || !read_int(s, pos, 2, mi) || !expect(s, pos, ':') ||
      !read_int(s, pos, 2, se))
    return std::nullopt;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  int offset_min = 0;
  if (expect(s, pos, 'Z')) {
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!read_int(s, pos, 2, oh)) return std::nullopt;
    expect(s, pos, ':');
    if (!read_int(s, pos, 2, om)) return std::nullopt;
    offset_min = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  auto tp = sys_days{ymd} + hours{h} + minutes{mi} + seconds{se} + milliseconds{millis} - minutes{offset_min};
  return time_point_cast<milliseconds>(tp);
}

TimePoint parse_rfc3339(std::string_view text, std::string_view what) {
  if (auto t = try_parse_rfc3339(text)) return *t;
  throw UsageError(std::string(what) + ": '" + std::string(text) +
                   "' is not an RFC 3339 time (e.g. 2026-11-22T18:30:00Z)");
}

std::string format_rfc3339(TimePoint t) {
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd{days};
  hh_mm_ss<milliseconds> hms{t - days};
  char buf[40];
  int ms = static_cast<int>(hms.subseconds().count());
  if (ms == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()),
                  ms);
  }
  return buf;
}

Millis parse_duration(std::string_view text, std::string_view what) {
  auto fail = [&]() -> UsageError {
    return UsageError(std::string(what) + ": '" + std::string(text) +
                      "' is not a duration (write e.g. 500ms, 30s, 15m, 2h, 7d)");
  };
  if (text.empty()) throw fail();
  // A bare number is refused: `--older-than 30` meaning 30 seconds deleted data that its
  // user meant to keep for 30 days. Say which units there are.
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
  if (all_digits) {
    const std::string n(text);
    throw UsageError(std::string(what) + ": '" + n + "' needs a unit: " + n + "s, " + n + "m, " + n + "h or " + n +
                     "d (or ms)");
  }
  double total_ms = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t start = pos;
    while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
    if (pos == start) throw fail();
    double v;
    const std::string number(text.substr(start, pos - start));
    std::size_t used = 0;
    try {
      v = std::stod(number, &used);
    } catch (...) {
      throw fail();
    }
    if (used != number.size()) throw fail();  // "1..5s", "1.2.3s": not a number
    std::size_t ustart = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    std::string_view unit = text.substr(ustart, pos - ustart);
    double scale;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else if (unit == "d") scale = 86'400'000;
    else if (unit == "w") scale = 7 * 86'400'000.0;
    else throw fail();
    total_ms += v * scale;
  }
  // 2^63 ms: beyond it the count would wrap (to a negative duration).
  if (!(total_ms < 9223372036854775808.0))
    throw UsageError(std::string(what) + ": '" + std::string(text) + "' is too long a duration");
  return Millis(static_cast<std::int64_t>(std::llround(total_ms)));
}

std::string format_duration(Millis d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  struct Unit {
    const char* name;
    std::int64_t ms;
  };
  static const Unit units[] = {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}};
  for (const auto& u : units) {
    if (ms >= u.ms) {
      out += std::to_string(ms / u.ms) + u.name;
      ms %= u.ms;
    }
  }
  return out;
}

Deadline::Deadline(Millis budget) : m_at(std::chrono::steady_clock::now() + budget) {}

bool Deadline::expired() const { return m_at && std::chrono::steady_clock::now() >= *m_at; }

Millis Deadline::remaining(Millis cap) const {
  if (!m_at) return cap;
  auto left = duration_cast<Millis>(*m_at - std::chrono::steady_clock::now());
  if (left < Millis(0)) return Millis(0);
  return left < cap ? left : cap;
}

}  // namespace oddsctl
