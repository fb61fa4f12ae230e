#include "api/attempt.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "oddsctl/text.hpp"

namespace oddsctl::api {
namespace {

// The API's error object, {"message", "error_code"}, when the body is one.
struct ErrorObject {
  bool present = false;  // a JSON object with a string message or error_code
  std::string message;   // printable, one line, bounded
  std::string code;      // printable, bounded
};

ErrorObject error_object(const std::string& body) {
  ErrorObject out;
  // Every successful v4 answer is an array: only a body opening with '{' can be an error
  // object, and a large odds array is not parsed twice to find that out.
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || body[first] != '{') return out;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return out;
  if (auto it = j.find("message"); it != j.end() && it->is_string()) {
    out.present = true;
    // One line, bounded: a proxy's HTML error page is not worth quoting whole.
    out.message = printable(it->get_ref<const std::string&>(), 200);
  }
  if (auto it = j.find("error_code"); it != j.end() && it->is_string()) {
    out.present = true;
    out.code = printable(it->get_ref<const std::string&>(), 64);
  }
  return out;
}

std::string seconds_text(Millis d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

std::string mib_text(std::size_t bytes) {
  const std::size_t mib = 1024u * 1024u;
  if (bytes % mib == 0) return std::to_string(bytes / mib) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// The status an error code stands for, whatever status line it came with: what a 2xx
// error object is classified (and recorded) as. 0 when the code is not one we know.
int status_of_code(const std::string& code) {
  if (code == "OUT_OF_USAGE_CREDITS" || code == "INVALID_KEY" || code == "MISSING_KEY") return 401;
  if (code == "EXCEEDED_FREQ_LIMIT") return 429;
  if (code == "UNKNOWN_SPORT" || code == "EVENT_NOT_FOUND") return 404;
  return 0;
}

}  // namespace

std::optional<std::int64_t> parse_count(const std::string* text) {
  if (text == nullptr || text->empty()) return std::nullopt;
  const char* begin = text->data();
  const char* end = begin + text->size();
  // Digits only (from_chars would take a '-' too): no sign, no exponent, no hex, no "inf".
  if (*begin < '0' || *begin > '9') return std::nullopt;
  std::int64_t whole = 0;
  auto [p, ec] = std::from_chars(begin, end, whole);
  if (ec != std::errc()) return std::nullopt;  // out of range: unknown, not a huge figure
  if (p == end) return whole;
  // "12.0" has been seen: a plain decimal fraction rounds to the nearest whole number.
  if (*p != '.' || p + 1 == end) return std::nullopt;
  const char* frac = p + 1;
  for (const char* c = frac; c != end; ++c)
    if (*c < '0' || *c > '9') return std::nullopt;
  if (*frac >= '5') {
    if (whole == std::numeric_limits<std::int64_t>::max()) return std::nullopt;
    ++whole;
  }
  return whole;
}

Credits credits_of(const HttpResult& result) {
  Credits c;
  c.used = parse_count(result.header("x-requests-used"));
  c.remaining = parse_count(result.header("x-requests-remaining"));
  c.last = parse_count(result.header("x-requests-last"));
  return c;
}

std::optional<AttemptFailure> classify(const HttpResult& result, const ApiKey& key, const std::string& region,
                                       Millis timeout) {
  AttemptFailure f;
  f.http_status = static_cast<int>(result.status);
  switch (result.transport) {
    case Transport::timeout:
      f.kind = ApiErrorKind::timeout;
      f.retryable = true;
      f.detail = "no complete answer within " + seconds_text(timeout);
      // Headers then a stalled body is still a timeout; say so, it points at the server.
      if (result.status > 0)
        f.detail += " (" + std::to_string(result.status) + " and headers came, then the body stalled)";
      return f;
    case Transport::network:
      f.kind = ApiErrorKind::network;
      f.retryable = true;
      f.detail = "connection failed: " + printable(result.error, 300);
      return f;
    case Transport::broken_body:
      f.kind = ApiErrorKind::bad_body;
      f.retryable = true;
      f.detail = std::to_string(result.status) + " with a broken body: " + printable(result.error, 300);
      return f;
    case Transport::too_large:
      // Not retried: the same request would get the same oversized answer (a gzip bomb, or
      // a proxy's endless stream), and each try would cost the memory and the time again.
      f.kind = ApiErrorKind::bad_body;
      f.retryable = false;
      f.detail = std::to_string(result.status) + " with a response larger than " + mib_text(result.max_body) +
                 " (decompressed); not read further";
      return f;
    case Transport::ok: break;
  }
  const long status = result.status;
  const bool success = status >= 200 && status < 300;
  const ErrorObject error = error_object(result.body);
  if (success && !error.present) return std::nullopt;

  const std::string& code = error.code;
  const std::string& message = error.message;
  f.error_code = code;
  f.refused = error.present;
  // A 2xx that carries an error object is read as the status its code stands for (an
  // unknown code as a refusal, 422): it is an answer, but not the one asked for.
  long effective = status;
  if (success) effective = status_of_code(code) != 0 ? status_of_code(code) : 422;
  const std::string head = std::to_string(status) + (code.empty() ? "" : " " + code) + ": ";
  const std::string quoted = message.empty() ? "" : " (" + message + ")";
  // A spent quota or a bad key fails every retry the same way: these codes decide whatever
  // status line they came with.
  if (code == "OUT_OF_USAGE_CREDITS") {
    f.kind = ApiErrorKind::out_of_credits;
    f.detail = head + "the usage quota of key " + key.masked() + " (" + key.env_var() +
               ") is spent; no call can succeed until it renews or the plan is raised" + quoted;
  } else if (code == "INVALID_KEY" || code == "MISSING_KEY" || effective == 401 || effective == 403) {
    f.kind = ApiErrorKind::invalid_key;
    const std::string regional = region.empty() ? key.env_var() : key_env_var(region);
    f.detail = head + "API key rejected; " +
               (key.env_var() == regional ? "set " : "fix " + key.env_var() + " or set ") + regional + " (key " +
               key.masked() + ")" + quoted;
  } else if (effective == 429) {
    f.kind = ApiErrorKind::rate_limited;
    f.retryable = true;
    f.detail = head + (message.empty() ? "rate limited" : message);
  } else if (effective >= 500) {
    f.kind = ApiErrorKind::server;
    f.retryable = true;
    f.detail = head + (message.empty() ? "server error" : message);
  } else {
    f.kind = effective == 404 ? ApiErrorKind::not_found : ApiErrorKind::unprocessable;
    f.detail = head + (message.empty() ? "request refused" : message);
  }
  // Retry-After in seconds (an HTTP date is ignored: the backoff applies then). Capped at a
  // day so that an absurd figure cannot overflow; the run's deadline bounds it further.
  if (f.retryable) {
    if (auto secs = parse_count(result.header("retry-after")))
      f.retry_after = Millis(std::min<std::int64_t>(*secs, 24 * 3600) * 1000);
  }
  return f;
}

int ledger_status(const HttpResult& result, const std::optional<AttemptFailure>& failure) {
  if (result.transport != Transport::ok) return 0;
  const long status = result.status;
  if (failure && failure->refused && status >= 200 && status < 300) {
    const int mapped = status_of_code(failure->error_code);
    return mapped != 0 ? mapped : 422;
  }
  return static_cast<int>(status);
}

Millis backoff_delay(int attempt, Millis base, Millis cap) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(attempt, 30);
  const double ceiling =
      std::min<double>(static_cast<double>(cap.count()), static_cast<double>(base.count()) * std::ldexp(1.0, shift));
  if (ceiling <= 0) return Millis(0);
  std::uniform_real_distribution<double> pick(0.0, ceiling);
  return Millis(static_cast<Millis::rep>(pick(rng)));
}

std::string without_api_key(std::string_view url) {
  const auto q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, q));
  std::string_view rest = url.substr(q + 1);
  char sep = '?';
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    std::string_view param = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const std::string_view name = param.substr(0, param.find('='));
    if (name == "apiKey" || name == "apikey" || name == "api_key") continue;
    out += sep;
    out.append(param);
    sep = '&';
  }
  return out;
}

}  // namespace oddsctl::api
