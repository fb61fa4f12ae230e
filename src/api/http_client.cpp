// The libcurl OddsApi: URLs, retries with backoff under a deadline, the budget guard, the
// ledger, and saving raw responses for replay.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/attempt.hpp"
#include "api/curl_pool.hpp"
#include "oddsctl/api.hpp"
#include "oddsctl/budget/guard.hpp"
#include "oddsctl/budget/billing.hpp"
#include "oddsctl/text.hpp"

namespace oddsctl::api {
namespace {

using api::AttemptFailure;
using api::HttpResult;
using api::Transport;

std::string join_escaped(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += api::url_escape(item);
  }
  return out;
}

// One logical call: what it asks, what it may cost, how it is labelled.
struct Call {
  std::string endpoint;  // "sports", "events", "odds"
  std::string sport;
  std::string path;       // "/v4/sports/soccer_epl/odds", shown in messages
  std::string query;      // without apiKey
  std::int64_t cost = 0;  // estimated credits (odds only)
};

class HttpOddsApi final : public OddsApi {
public:
  HttpOddsApi(ApiKey key, ClientOptions options) : m_key(std::move(key)), m_options(std::move(options)) {
    // A URL that can never work is the user's to fix, now: not a network error after retries.
    m_options.base_url = checked_base_url(m_options.base_url);
    if (m_options.max_retries < 0) m_options.max_retries = 0;
    if (m_options.max_body_bytes == 0) m_options.max_body_bytes = ClientOptions().max_body_bytes;
  }

  std::vector<Sport> sports() override {
    Call call{"sports", "", "/v4/sports", "", 0};
    return run(call, [](const std::string& body) { return parse_sports_json(body); }).value;
  }

  std::vector<Event> events(const std::string& sport) override {
    Call call{"events", sport, "/v4/sports/" + api::url_escape(sport) + "/events", "dateFormat=iso", 0};
    return run(call, [](const std::string& body) { return parse_events_json(body, OddsFormat::decimal); }).value;
  }

  OddsResponse odds(const OddsRequest& request) override {
    const std::vector<std::string> markets =
        request.markets.empty() ? std::vector<std::string>{"h2h"} : request.markets;
    Call call;
    call.endpoint = "odds";
    call.sport = request.sport;
    call.path = "/v4/sports/" + api::url_escape(request.sport) + "/odds";
    call.query = "regions=" + api::url_escape(m_options.region) + "&markets=" + join_escaped(markets) +
                 "&oddsFormat=decimal&dateFormat=iso";
    if (!request.event_ids.empty()) call.query += "&eventIds=" + join_escaped(request.event_ids);
    if (!m_options.bookmakers.empty()) call.query += "&bookmakers=" + join_escaped(m_options.bookmakers);
    if (request.include_links) call.query += "&includeLinks=true";
    if (request.include_sids) call.query += "&includeSids=true";
    if (request.include_bet_limits) call.query += "&includeBetLimits=true";
    // x 1 region, or with `bookmakers` (which the API puts before `regions`) x each started
    // group of 10 books (oddsctl/budget/billing.hpp).
    call.cost = static_cast<std::int64_t>(markets.size()) *
                (m_options.bookmakers.empty() ? 1 : budget::bookmaker_units(m_options.bookmakers.size()));

    auto done = run(call, [](const std::string& body) { return parse_events_json(body, OddsFormat::decimal); });
    if (m_options.save_responses_dir) save_body(request, done.body);
    OddsResponse response;
    response.events = std::move(done.value);
    response.credits = done.credits;
    response.attempts = done.attempts;
    return response;
  }

  int requests() const override { return m_requests.load(); }

private:
  template <class T>
  struct Done {
    T value;
    Credits credits;
    int attempts = 0;
    std::string body;
  };

  std::string prefix(const Call& call) const {
    return (m_options.region.empty() ? "" : "region " + m_options.region + ": ") + call.path + ": ";
  }

  [[noreturn]] void fail(const Call& call, ApiErrorKind kind, int status, const std::string& code,
                         const std::string& detail) const {
    // printable(): the detail may quote a server's bytes (an error message, a parser's
    // excerpt of the body); they reach stderr, the store and JSON only escaped.
    throw ApiError(kind, status, code, printable(redact(prefix(call) + detail, m_key.value())));
  }

  // One row per attempt the API may have answered (and charged): any status line, or a
  // request that was sent and then timed out. A connection that never opened costs nothing.
  void record(const Call& call, const HttpResult& result, const Credits& credits,
              const std::optional<AttemptFailure>& failure) const {
    if (!m_options.on_ledger) return;
    if (result.status <= 0 && !(result.transport == Transport::timeout && result.request_sent)) return;
    LedgerEntry entry;
    entry.at = now_utc();
    entry.key_id = m_key.id();
    entry.key_hint = m_key.masked();
    entry.region = m_options.region;
    entry.command = m_options.command;
    entry.endpoint = call.endpoint;
    entry.sport = call.sport;
    entry.http_status = api::ledger_status(result, failure);
    entry.credits = credits;
    m_options.on_ledger(entry);
  }

  // Reserved credits go back unless the API may have charged them: a 200 (whole or not)
  // that is not the API's error object, or any answer that says what it cost.
  void settle_budget(const Call& call, const HttpResult& result, const Credits& credits,
                     const std::optional<AttemptFailure>& failure) const {
    if (!m_options.guard) return;
    // A free call (/sports, /events) still reports the key's remaining credits: the guard
    // learns it before the first paid call, so a fresh store cannot overspend the reserve.
    if (call.cost <= 0) {
      if (credits.remaining) m_options.guard->settle(0, Credits{credits.used, credits.remaining, 0});
      return;
    }
    const bool refused = failure && failure->refused;
    if ((result.status == 200 && !refused) || (result.status > 0 && credits.last))
      m_options.guard->settle(call.cost, credits);
    else m_options.guard->release(call.cost);
  }

  template <class Parse>
  auto run(const Call& call, Parse parse) -> Done<decltype(parse(std::string()))> {
    using T = decltype(parse(std::string()));
    const std::string url = m_options.base_url + call.path + "?apiKey=" + api::url_escape(m_key.value()) +
                            (call.query.empty() ? "" : "&" + call.query);
    std::optional<AttemptFailure> last;
    for (int attempt = 0;; ++attempt) {
      const Millis left = m_options.deadline.remaining(m_options.request_timeout);
      if (m_options.deadline.expired() || left.count() < 1) deadline_failure(call, last, attempt);
      if (m_options.guard && call.cost > 0)
        m_options.guard->reserve_call(call.cost, "key " + m_key.masked() + " (region " + m_options.region + ")");

      // The attempt's limit is what is left of the run, so no call outlives the deadline.
      const Millis timeout = std::min(m_options.request_timeout, left);
      ++m_requests;
      const auto started = std::chrono::steady_clock::now();
      HttpResult result = m_pool.get(url, m_options.connect_timeout, timeout, m_options.max_body_bytes);
      const auto elapsed = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - started);
      const Credits credits = api::credits_of(result);

      last = api::classify(result, m_key, m_options.region, timeout);
      log_attempt(call, result, credits, attempt, elapsed);
      record(call, result, credits, last);
      settle_budget(call, result, credits, last);
      if (!last) {
        try {
          Done<T> done{parse(result.body), credits, attempt + 1, {}};
          if (m_options.save_responses_dir) done.body = std::move(result.body);
          return done;
        } catch (const std::exception& e) {
          // The parser's message may quote the body: escaped and bounded before it goes on.
          last = AttemptFailure{ApiErrorKind::bad_body,
                                static_cast<int>(result.status),
                                "",
                                "the response is not valid odds JSON: " + printable(e.what(), 300),
                                true,
                                {}};
        }
      }
      if (!last->retryable || attempt >= m_options.max_retries) {
        std::string detail = last->detail;
        if (attempt > 0) detail += " (after " + std::to_string(attempt + 1) + " attempts)";
        fail(call, last->kind, last->http_status, last->error_code, detail);
      }
      const Millis pause = last->retry_after
                               ? *last->retry_after
                               : api::backoff_delay(attempt, m_options.backoff_base, m_options.backoff_cap);
      if (m_options.deadline.bounded() && pause >= m_options.deadline.remaining())
        deadline_failure(call, last, attempt + 1);
      spdlog::info("api: {}retry {}/{} in {} ms: {}", prefix(call), attempt + 1, m_options.max_retries, pause.count(),
                   loggable(last->detail));
      std::this_thread::sleep_for(pause);
    }
  }

  // What goes into a log line: no key (not even in a URL), no raw bytes.
  std::string loggable(const std::string& text) const { return printable(redact(text, m_key.value()), 300); }

  // Debug: one line per HTTP attempt. Built only when debug is on: a scan makes many calls.
  void log_attempt(const Call& call, const HttpResult& result, const Credits& credits, int attempt,
                   Millis elapsed) const {
    if (!spdlog::should_log(spdlog::level::debug)) return;
    std::string status;
    switch (result.transport) {
      case Transport::ok: status = std::to_string(result.status); break;
      case Transport::timeout: status = "timeout"; break;
      case Transport::broken_body: status = std::to_string(result.status) + " broken body"; break;
      case Transport::too_large: status = std::to_string(result.status) + " too large"; break;
      case Transport::network: status = "no answer"; break;
    }
    const std::string target = api::without_api_key(call.path + (call.query.empty() ? "" : "?" + call.query));
    // bytes: the JSON as parsed; wire_bytes: what came over the network (gzip body + headers).
    spdlog::debug(
        "api: GET {} region={} status={} attempt={} elapsed_ms={} bytes={} wire_bytes={} encoding={} credits={}",
        loggable(target), m_options.region.empty() ? "-" : m_options.region, status, attempt + 1, elapsed.count(),
        result.body.size(), result.wire_bytes,
        result.header("content-encoding") ? printable(*result.header("content-encoding"), 20) : "identity",
        credits.last ? std::to_string(*credits.last) : std::string("?"));
  }

  [[noreturn]] void deadline_failure(const Call& call, const std::optional<AttemptFailure>& last, int attempts) const {
    std::string detail = "the run's deadline came before ";
    detail += attempts == 0
                  ? "the call could be made"
                  : "it could be retried (" + std::to_string(attempts) + " attempt" + (attempts == 1 ? "" : "s") + ")";
    if (last) detail += "; last error: " + last->detail;
    fail(call, ApiErrorKind::deadline, last ? last->http_status : 0, last ? last->error_code : "", detail);
  }

  // <dir>/<region>/<sport>.json. Several calls for one sport in one run (event batches)
  // add up in the file instead of each replacing the last, so a replay sees them all.
  void save_body(const OddsRequest& request, const std::string& body) {
    namespace fs = std::filesystem;
    std::lock_guard lock(m_save_mutex);
    const fs::path dir = *m_options.save_responses_dir / (m_options.region.empty() ? "all" : m_options.region);
    const fs::path file = dir / (request.sport + ".json");
    std::string text = body;
    try {
      fs::create_directories(dir);
      if (m_saved.count(request.sport) != 0) {
        std::ifstream in(file, std::ios::binary);
        nlohmann::json merged = nlohmann::json::parse(in, nullptr, false);
        const nlohmann::json fresh = nlohmann::json::parse(body, nullptr, false);
        if (merged.is_array() && fresh.is_array()) {
          std::set<std::string> ids;
          for (const auto& e : merged)
            if (e.contains("id") && e["id"].is_string()) ids.insert(e["id"].get<std::string>());
          for (const auto& e : fresh)
            if (!(e.contains("id") && e["id"].is_string() && ids.count(e["id"].get<std::string>()) != 0))
              merged.push_back(e);
          text = merged.dump();
        }
      }
      const fs::path tmp = file.string() + ".tmp";
      {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out) throw std::runtime_error("write failed");
      }
      fs::rename(tmp, file);
      m_saved.insert(request.sport);
    } catch (const std::exception& e) {
      throw Error(ExitCode::runtime, "cannot save the response to " + file.string() + ": " + e.what());
    }
  }

  ApiKey m_key;
  ClientOptions m_options;
  api::CurlPool m_pool;
  std::atomic<int> m_requests{0};
  std::mutex m_save_mutex;
  std::set<std::string> m_saved;  // sports saved by this client
};

}  // namespace

std::unique_ptr<OddsApi> make_http_client(ApiKey key, ClientOptions options) {
  return std::make_unique<HttpOddsApi>(std::move(key), std::move(options));
}

ApiFactory http_api_factory(const EnvLookup& env) {
  return [env](const std::string& region, ClientOptions options) -> std::unique_ptr<OddsApi> {
    std::optional<ApiKey> key = resolve_key(region, env);
    if (!key) throw UsageError("region " + region + ": no API key: set " + key_env_var(region) + " (or ODDS_API_KEY)");
    return make_http_client(*key, std::move(options));
  };
}

}  // namespace oddsctl::api
