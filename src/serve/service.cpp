// The read-only routes and the dispatch table of `oddsctl serve`.
#include "serve/service.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "oddsctl/budget.hpp"
#include "oddsctl/cache.hpp"
#include "oddsctl/errors.hpp"
#include "oddsctl/text.hpp"
#include "serve/etag.hpp"

namespace oddsctl::serve {

namespace {

using nlohmann::json;

int status_of(const Error& e) {
  if (e.code() == ExitCode::usage) return 400;
  if (dynamic_cast<const StoreError*>(&e)) return 503;
  return 500;
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',') {
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (!(c == ' ' && cur.empty())) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// Every value of a repeatable parameter, each a comma list: ?market=h2h&market=spreads or ?market=h2h,spreads.
std::vector<std::string> param_list(const HttpRequest& r, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.params)
    if (k == name)
      for (auto& x : comma_list(v)) out.push_back(x);
  return out;
}

std::optional<double> param_number(const HttpRequest& r, const std::string& name) {
  const std::string* v = r.param(name);
  if (!v || v->empty()) return std::nullopt;
  std::string text = *v;
  if (!text.empty() && text.back() == '%') text.pop_back();
  try {
    std::size_t used = 0;
    double d = std::stod(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return d;
  } catch (const std::exception&) {
    throw UsageError("?" + name + "=" + *v + ": not a number");
  }
}

// The canonical form of the query, for ETags: sorted, so the order of parameters does not matter.
std::string canonical_query(const HttpRequest& r) {
  auto params = r.params;
  std::sort(params.begin(), params.end());
  std::string out = r.path;
  for (const auto& [k, v] : params) out += "&" + k + "=" + v;
  return out;
}

// Weak ETag of a cache_get result: which scan each region serves and whether it is fresh.
std::string cache_etag(const HttpRequest& r, const cache::CacheResult& result, const std::string& extra = "") {
  std::string key = canonical_query(r) + "|" + extra + "|" + to_string(result.source);
  for (const auto& c : result.regions)
    key += "|" + c.region + ":" + (c.scan ? c.scan->scan_id : "-") + ":" + (c.fresh ? "1" : "0") + ":" +
           (c.withheld ? "1" : "0") + ":" + std::to_string(c.stored_opportunities);
  return weak_etag(fnv1a(key));
}

}  // namespace

HttpResponse error_response(int status, const std::string& message, int exit_code) {
  HttpResponse r;
  r.status = status;
  r.body = json{{"error", {{"exit_code", exit_code}, {"message", message}, {"status", status}}}}.dump();
  return r;
}

Service::Service(ServeOptions options)
    : m_options(std::move(options)), m_pool(m_options.open_store, m_options.threads + 2) {}

void Service::count(int status) {
  std::lock_guard lock(m_mutex);
  ++m_responses[status];
}

HttpResponse Service::handle(const HttpRequest& request) {
  HttpResponse out;
  try {
    std::size_t header_bytes = 0;
    for (const auto& [k, v] : request.headers) header_bytes += k.size() + v.size() + 4;
    if (header_bytes > m_options.max_header_bytes || request.headers.size() > 100)
      out = error_response(431, "request headers too large (at most " + std::to_string(m_options.max_header_bytes) +
                                    " bytes, 100 lines)");
    else out = route(request);
  } catch (const Error& e) {
    out = error_response(status_of(e), first_line_of(e.what()), static_cast<int>(e.code()));
  } catch (const std::exception& e) {
    out = error_response(500, first_line_of(e.what()));
  }
  out.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (m_options.cors_origin) {
    out.headers.emplace_back("Access-Control-Allow-Origin", *m_options.cors_origin);
    out.headers.emplace_back("Vary", "Origin");
    out.headers.emplace_back("Access-Control-Expose-Headers", "ETag, Retry-After");
  }
  spdlog::debug("http {} {} {}", request.method, request.path, out.status);
  return out;
}

HttpResponse Service::route(const HttpRequest& request) {
  const std::string& p = request.path;
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  if (method == "OPTIONS") {
    HttpResponse r;
    r.status = 204;
    r.content_type.clear();
    if (m_options.cors_origin) {
      r.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
      r.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, If-None-Match, Content-Type");
      r.headers.emplace_back("Access-Control-Max-Age", "600");
    }
    r.headers.emplace_back("Allow", "GET, HEAD, POST, OPTIONS");
    return r;
  }
  auto only = [&](const char* allowed) -> std::optional<HttpResponse> {
    if (method == allowed) return std::nullopt;
    HttpResponse r = error_response(405, request.method + " " + p + ": method not allowed (use " + allowed + ")", 2);
    r.headers.emplace_back("Allow", std::string(allowed) == "GET" ? "GET, HEAD" : allowed);
    return r;
  };
  struct Get {
    const char* path;
    HttpResponse (Service::*fn)(const HttpRequest&);
  };
  if (p == "/healthz") return only("GET").value_or(healthz());
  if (p == "/readyz") return only("GET").value_or(readyz());
  if (p == "/metrics") return only("GET").value_or(metrics());
  if (!m_options.health_only) {
    static const Get gets[] = {{"/v1/scans/latest", &Service::scans_latest},
                               {"/v1/opportunities", &Service::opportunities},
                               {"/v1/stats", &Service::stats},
                               {"/v1/budget", &Service::budget},
                               {"/", &Service::dashboard},
                               {"/index.html", &Service::dashboard}};
    for (const auto& g : gets)
      if (p == g.path) {
        if (auto bad = only("GET")) return *bad;
        return (this->*g.fn)(request);
      }
    // Triggers exist only with a token: without one they are unknown paths.
    if (m_options.token) {
      const std::string scan_prefix = "/v1/scan/", sync_prefix = "/v1/sync/event/";
      if (p.rfind(scan_prefix, 0) == 0 && p.size() > scan_prefix.size()) {
        if (auto bad = only("POST")) return *bad;
        return trigger_scan(request, p.substr(scan_prefix.size()));
      }
      if (p.rfind(sync_prefix, 0) == 0 && p.size() > sync_prefix.size()) {
        if (auto bad = only("POST")) return *bad;
        return trigger_sync(request, p.substr(sync_prefix.size()));
      }
    }
  }
  return error_response(404, "no such endpoint: " + p, 2);
}

HttpResponse Service::json_with_etag(const HttpRequest& request, std::string body, const std::string& etag) const {
  HttpResponse r;
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (etag_matches(request.header("If-None-Match"), etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.body = std::move(body);
  return r;
}

std::vector<std::string> Service::served_regions(store::Store& store, const HttpRequest* request) const {
  std::vector<std::string> asked;
  if (request) asked = param_list(*request, "region");
  if (asked.empty()) asked = m_options.regions;
  if (asked.empty()) asked = {"all"};
  try {
    return cache::resolve_cache_regions(store, asked);
  } catch (const UsageError& e) {
    throw UsageError(std::string("?region: ") + e.what());
  }
}

store::ScanSource Service::source_of(const HttpRequest& request) const {
  const std::string* s = request.param("source");
  if (!s) return m_options.source;
  auto src = store::scan_source_from_string(*s);
  if (!src) throw UsageError("?source=" + *s + ": not one of live, replay, demo, store");
  return *src;
}

HttpResponse Service::healthz() {
  HttpResponse r;
  r.body = R"({"status":"ok"})";
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse Service::readyz() {
  HttpResponse r;
  r.headers.emplace_back("Cache-Control", "no-store");
  json doc;
  try {
    m_pool.with_store([&](store::Store& db) {
      cache::CacheGetOptions o;
      o.regions = served_regions(db, nullptr);
      o.source = m_options.source;
      o.max_age = m_options.max_age;
      o.now = now_utc();
      o.strict = true;  // opportunities are not needed here
      cache::CacheResult result = cache_get(db, o);
      json stale = json::array(), regions = json::array();
      for (const auto& c : result.regions) {
        regions.push_back(c.region);
        if (!c.fresh) stale.push_back(c.region);
      }
      doc = {{"status", stale.empty() ? "ready" : "stale"},
             {"regions", regions},
             {"stale", stale},
             {"source", to_string(m_options.source)},
             {"max_age_s", m_options.max_age.count() / 1000}};
      r.status = stale.empty() ? 200 : 503;
    });
  } catch (const Error& e) {
    // A store that cannot be read is not ready; every served region counts as stale.
    json stale = json::array();
    for (const auto& reg : m_options.regions) stale.push_back(reg);
    doc = {{"status", "unavailable"}, {"error", first_line_of(e.what())}, {"stale", stale}};
    r.status = 503;
  }
  r.body = doc.dump();
  return r;
}

HttpResponse Service::scans_latest(const HttpRequest& request) {
  return m_pool.with_store([&](store::Store& db) -> HttpResponse {
    cache::CacheGetOptions o;
    o.regions = served_regions(db, &request);
    o.source = source_of(request);
    o.max_age = m_options.max_age;
    if (const std::string* a = request.param("max_age")) o.max_age = parse_duration(*a, "?max_age");
    o.filter.sports = param_list(request, "sport");
    o.filter.markets = param_list(request, "market");
    o.filter.events = param_list(request, "event");
    o.filter.min_profit_pct = param_number(request, "min_profit");
    o.now = now_utc();
    // The stored texts written out unparsed, as `cache get --json` does: the same bytes,
    // without reading and writing every opportunity again on each request.
    o.as_text = true;
    cache::CacheResult result = cache_get(db, o);
    const bool none = std::none_of(result.regions.begin(), result.regions.end(),
                                   [](const cache::CachedRegion& c) { return c.scan.has_value(); });
    if (none) {
      std::string names;
      for (const auto& c : result.regions) names += (names.empty() ? "" : ", ") + c.region;
      return error_response(404, "no stored result for " + names + " (source " + to_string(o.source) + ")", 4);
    }
    const std::string etag = cache_etag(request, result, std::to_string(o.max_age.count()));
    if (etag_matches(request.header("If-None-Match"), etag)) return json_with_etag(request, "", etag);
    return json_with_etag(request, cache_get_json_text(result), etag);
  });
}

HttpResponse Service::opportunities(const HttpRequest& request) {
  return m_pool.with_store([&](store::Store& db) -> HttpResponse {
    cache::CacheGetOptions o;
    o.regions = served_regions(db, &request);
    o.source = source_of(request);
    o.max_age = m_options.max_age;
    o.filter.markets = param_list(request, "market");
    o.filter.sports = param_list(request, "sport");
    o.now = now_utc();
    std::vector<OpportunityKind> kinds;
    for (const auto& k : param_list(request, "kind")) {
      // "arbs", "middles" as scan --find spells them are accepted too.
      std::string one = k == "arbs" ? "arb" : k == "middles" ? "middle" : k;
      auto kind = opportunity_kind_from_string(one);
      if (!kind) throw UsageError("?kind=" + k + ": not one of arb, value, middle, lowhold");
      kinds.push_back(*kind);
    }
    // The score is profit_pct for arbitrage and low hold, ev_pct for value bets and middles.
    const auto min_profit = param_number(request, "min_profit");
    cache::CacheResult result = cache_get(db, o);
    json list = json::array();
    for (const auto& opp : result.opportunities()) {
      if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), opp.kind) == kinds.end()) continue;
      if (min_profit && opportunity_score(opp) < *min_profit) continue;
      list.push_back(scan::opportunity_json(opp));
    }
    const std::string etag = cache_etag(request, result);
    if (etag_matches(request.header("If-None-Match"), etag)) return json_with_etag(request, "", etag);
    return json_with_etag(request, json{{"opportunities", list}}.dump(), etag);
  });
}

HttpResponse Service::stats(const HttpRequest& request) {
  return m_pool.with_store([&](store::Store& db) -> HttpResponse {
    std::optional<std::string> region;
    auto asked = param_list(request, "region");
    if (!asked.empty() && !(asked.size() == 1 && asked[0] == "all")) {
      auto regions = cache::resolve_cache_regions(db, asked);
      if (regions.size() != 1) throw UsageError("?region: give one region here");
      region = regions.front();
    }
    json doc = cache_stats_json(cache::cache_stats(db, now_utc(), region, source_of(request)));
    return json_with_etag(request, doc.dump(), weak_etag(stable_hash(doc, fnv1a(canonical_query(request)))));
  });
}

HttpResponse Service::budget(const HttpRequest& request) {
  return m_pool.with_store([&](store::Store& db) -> HttpResponse {
    std::vector<std::string> regions;
    for (const auto& r : param_list(request, "region")) {
      if (r == "all") continue;
      if (!is_known_region(r)) throw UsageError("?region=" + r + ": unknown region (au, uk, us, eu)");
      regions.push_back(r);
    }
    budget::BudgetStatus status = budget_status(db, budget::configured_keys(m_options.env), now_utc());
    status.keys = filter_regions(status.keys, regions);
    json doc = status_json(status);
    return json_with_etag(request, doc.dump(), weak_etag(stable_hash(doc, fnv1a(canonical_query(request)))));
  });
}

HttpResponse Service::metrics() {
  MetricsInput in;
  in.source = m_options.source;
  in.max_age = m_options.max_age;
  in.now = now_utc();
  {
    std::lock_guard lock(m_mutex);
    in.responses = m_responses;
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "no-store");
  try {
    m_pool.with_store([&](store::Store& db) {
      in.regions = served_regions(db, nullptr);
      r.body = metrics_text(&db, in, m_options.env);
    });
  } catch (const Error& e) {
    in.store_up = false;
    in.store_error = first_line_of(e.what());
    in.regions = m_options.regions;
    r.body = metrics_text(nullptr, in, m_options.env);
  }
  return r;
}

HttpResponse Service::dashboard(const HttpRequest& request) {
  const std::string& page = dashboard_html();
  static const std::string etag = weak_etag(fnv1a(dashboard_html()));
  HttpResponse r = json_with_etag(request, page, etag);
  if (r.status == 200) r.content_type = "text/html; charset=utf-8";
  // Self-contained: nothing may load from elsewhere; only this server's JSON API is fetched.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                         "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                         "frame-ancestors 'none'");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace oddsctl::serve
