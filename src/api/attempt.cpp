#include "api/attempt.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

namespace oddsctl::api {
namespace {

std::optional<std::int64_t> parse_count(const std::string* text) {
  if (text == nullptr || text->empty()) return std::nullopt;
  // Whole numbers normally; "12.0" has been seen too, so accept a plain decimal.
  char* end = nullptr;
  const double v = std::strtod(text->c_str(), &end);
  if (end == text->c_str() || *end != '\0' || !std::isfinite(v) || v < 0) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(v));
}

// {"message", "error_code"} when the body is such an object; empty strings otherwise.
std::pair<std::string, std::string> error_fields(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  std::string message, code;
  if (j.is_object()) {
    if (auto it = j.find("message"); it != j.end() && it->is_string()) message = it->get<std::string>();
    if (auto it = j.find("error_code"); it != j.end() && it->is_string()) code = it->get<std::string>();
  }
  // One line, bounded: a proxy's HTML error page is not worth quoting whole.
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  if (message.size() > 200) message = message.substr(0, 200) + "…";
  return {message, code};
}

std::string seconds_text(Millis d) {
  const auto ms = d.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace

Credits credits_of(const HttpResult& result) {
  Credits c;
  c.used = parse_count(result.header("x-requests-used"));
  c.remaining = parse_count(result.header("x-requests-remaining"));
  c.last = parse_count(result.header("x-requests-last"));
  return c;
}

std::optional<AttemptFailure> classify(const HttpResult& result, const ApiKey& key,
                                       const std::string& region, Millis timeout) {
  AttemptFailure f;
  f.http_status = static_cast<int>(result.status);
  switch (result.transport) {
    case Transport::timeout:
      f.kind = ApiErrorKind::timeout;
      f.retryable = true;
      f.detail = "no complete answer within " + seconds_text(timeout);
      return f;
    case Transport::network:
      f.kind = ApiErrorKind::network;
      f.retryable = true;
      f.detail = "connection failed: " + result.error;
      return f;
    case Transport::broken_body:
      f.kind = ApiErrorKind::bad_body;
      f.retryable = true;
      f.detail = std::to_string(result.status) + " with a broken body: " + result.error;
      return f;
    case Transport::ok:
      break;
  }
  const long status = result.status;
  if (status >= 200 && status < 300) return std::nullopt;

  auto [message, code] = error_fields(result.body);
  f.error_code = code;
  const std::string head = std::to_string(status) + (code.empty() ? "" : " " + code) + ": ";
  if (status == 401 && code == "OUT_OF_USAGE_CREDITS") {
    f.kind = ApiErrorKind::out_of_credits;
    f.detail = head + "the usage quota of key " + key.masked() + " (" + key.env_var() +
               ") is spent; no call can succeed until it renews or the plan is raised";
  } else if (status == 401 || status == 403) {
    f.kind = ApiErrorKind::invalid_key;
    const std::string regional = region.empty() ? key.env_var() : key_env_var(region);
    f.detail = head + "API key rejected; " +
               (key.env_var() == regional ? "set " : "fix " + key.env_var() + " or set ") + regional +
               " (key " + key.masked() + ")";
    if (!message.empty()) f.detail += " (" + message + ")";
  } else if (status == 429) {
    f.kind = ApiErrorKind::rate_limited;
    f.retryable = true;
    f.detail = head + (message.empty() ? "rate limited" : message);
  } else if (status >= 500) {
    f.kind = ApiErrorKind::server;
    f.retryable = true;
    f.detail = head + (message.empty() ? "server error" : message);
  } else {
    f.kind = status == 404 ? ApiErrorKind::not_found : ApiErrorKind::unprocessable;
    f.detail = head + (message.empty() ? "request refused" : message);
  }
  // Retry-After in seconds (an HTTP date is ignored: the backoff applies then).
  if (f.retryable) {
    if (auto secs = parse_count(result.header("retry-after"))) f.retry_after = Millis(*secs * 1000);
  }
  return f;
}

Millis backoff_delay(int attempt, Millis base, Millis cap) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(attempt, 30);
  const double ceiling = std::min<double>(static_cast<double>(cap.count()),
                                          static_cast<double>(base.count()) * std::ldexp(1.0, shift));
  if (ceiling <= 0) return Millis(0);
  std::uniform_real_distribution<double> pick(0.0, ceiling);
  return Millis(static_cast<Millis::rep>(pick(rng)));
}

}  // namespace oddsctl::api
