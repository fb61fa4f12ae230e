// The documents and lines `cache get` prints.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "cache/order.hpp"
#include "oddsctl/cache.hpp"
#include "oddsctl/scan.hpp"  // opportunity_json

namespace oddsctl {

namespace {

using nlohmann::json;

std::int64_t seconds_of(Millis m) { return std::chrono::duration_cast<std::chrono::seconds>(m).count(); }

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

json region_entry(const CachedRegion& r, ScanSource source) {
  json j;
  if (r.scan) {
    j = scan_row_json(*r.scan);
    j["opportunities"] = r.scan->opportunities.size();
    j["opportunities_stored"] = r.stored_opportunities;
    j["age_s"] = seconds_of(*r.age);
  } else {
    j = {{"region", r.region}, {"status", "missing"}, {"source", to_string(source)}, {"empty", nullptr},
         {"good", false}, {"error", std::string("no good ") + to_string(source) + " scan in the cache"},
         {"failed_sports", json::array()}, {"requests", 0}, {"credits_used", nullptr},
         {"credits_remaining", nullptr}, {"events", 0}, {"opportunities", 0},
         {"opportunities_stored", 0}, {"duration_ms", nullptr}, {"scan_id", nullptr},
         {"scanned_at", nullptr}, {"scanned_by", nullptr}, {"command", nullptr}, {"age_s", nullptr}};
  }
  j["fresh"] = r.fresh;
  j["withheld"] = r.withheld;
  if (r.fallback_scan_id || r.fallback_status || r.fallback_error) {
    j["fallback"] = {{"scan_id", r.fallback_scan_id ? json(*r.fallback_scan_id) : json(nullptr)},
                     {"status", r.fallback_status ? json(to_string(*r.fallback_status)) : json(nullptr)},
                     {"error", r.fallback_error ? json(*r.fallback_error) : json(nullptr)}};
  }
  return j;
}

// The cache get document without its "opportunities" member.
json cache_get_head(const CacheResult& result) {
  json doc;
  std::set<std::string> scan_ids;
  std::optional<TimePoint> earliest;
  std::int64_t longest = 0;
  json regions = json::array(), stale = json::array(), missing = json::array();
  for (const auto& r : result.regions) {
    regions.push_back(region_entry(r, result.source));
    if (!r.scan) {
      missing.push_back(r.region);
      continue;
    }
    if (!r.fresh) stale.push_back(r.region);
    scan_ids.insert(r.scan->scan_id);
    if (!earliest || r.scan->started_at < *earliest) earliest = r.scan->started_at;
    longest = std::max(longest, r.scan->duration_ms);
  }
  // The scan --json fields first: one run's id when every region served comes from one run.
  doc["scan_id"] = scan_ids.size() == 1 ? json(*scan_ids.begin()) : json(nullptr);
  doc["started_at"] = earliest ? json(format_rfc3339(*earliest)) : json(nullptr);
  doc["duration_ms"] = longest;
  doc["regions"] = std::move(regions);
  doc["generated_at"] = format_rfc3339(result.now);
  doc["max_age_s"] = seconds_of(result.max_age);
  doc["fresh"] = result.all_fresh();
  doc["stale"] = std::move(stale);
  doc["missing"] = std::move(missing);
  return doc;
}

// The text writers below produce what nlohmann's dump() of opportunity_json() produces, as
// values: a thousand opportunities are served without building a thousand JSON trees.
void put_string(std::string& out, const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      // Escapes and UTF-8 (with broken bytes replaced) exactly as print_json writes them.
      out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
      return;
    }
  out += '"';
  out += s;
  out += '"';
}

void put_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";  // as nlohmann writes NaN and infinities
    return;
  }
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;  // shortest text that reads back as v
  out.append(buf, end);
  if (std::find_if(buf, end, [](char c) { return c == '.' || c == 'e'; }) == end) out += ".0";
}

void put_number(std::string& out, const std::optional<double>& v) {
  if (v) put_number(out, *v);
  else out += "null";
}

double round6(double x) { return std::round(x * 1e6) / 1e6; }

// Kind-specific fields (value bets, middles, holds, rounded stakes) are rare next to
// arbitrages and have many fields: those opportunities are written through the JSON tree.
bool plain_arb(const Opportunity& o) {
  return o.kind == OpportunityKind::arb && !o.value && !o.middle && !o.hold_pct && !o.stake_plan;
}

// opportunity_json(o): to_json's fields and rounding, stakes to the cent.
void put_opportunity(std::string& out, const Opportunity& o) {
  if (!plain_arb(o)) {
    out += opportunity_json(o).dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  auto key = [&](const char* k) {
    out += '"';
    out += k;
    out += "\":";
  };
  out += '{';
  key("region"), put_string(out, o.region), out += ',';
  key("sport_key"), put_string(out, o.sport_key), out += ',';
  key("sport_title"), put_string(out, o.sport_title), out += ',';
  key("event_id"), put_string(out, o.event_id), out += ',';
  key("home_team"), put_string(out, o.home_team), out += ',';
  key("away_team"), put_string(out, o.away_team), out += ',';
  key("commence_time"), put_string(out, format_rfc3339(o.commence_time)), out += ',';
  key("market"), put_string(out, o.market), out += ',';
  key("point"), put_number(out, o.point), out += ',';
  key("implied_sum"), put_number(out, round6(o.implied_sum)), out += ',';
  key("profit_pct"), put_number(out, round6(o.profit_pct)), out += ',';
  key("legs"), out += '[';
  for (std::size_t i = 0; i < o.legs.size(); ++i) {
    const auto& l = o.legs[i];
    if (i) out += ',';
    out += '{';
    key("outcome"), put_string(out, l.outcome), out += ',';
    key("point"), put_number(out, l.point), out += ',';
    key("price"), put_number(out, l.price), out += ',';
    key("effective_price"), put_number(out, round6(l.effective_price)), out += ',';
    key("bookmakers"), out += '[';
    for (std::size_t b = 0; b < l.bookmakers.size(); ++b) {
      if (b) out += ',';
      put_string(out, l.bookmakers[b]);
    }
    out += "],";
    key("stake");
    if (l.stake) put_number(out, std::round(*l.stake * 100.0) / 100.0);
    else out += "null";
    if (l.age_s) out += ',', key("age_s"), put_number(out, round6(*l.age_s));
    if (l.seen_since) out += ',', key("seen_since"), put_string(out, format_rfc3339(*l.seen_since));
    if (l.previous_price) out += ',', key("previous_price"), put_number(out, *l.previous_price);
    if (l.link) out += ',', key("link"), put_string(out, *l.link);
    out += '}';
  }
  out += "],";
  key("kind"), put_string(out, to_string(o.kind)), out += ',';
  key("flags"), out += '[';
  for (std::size_t f = 0; f < o.flags.size(); ++f) {
    if (f) out += ',';
    put_string(out, o.flags[f]);
  }
  out += "]}";
}

}  // namespace

std::string format_age(Millis age) {
  const auto s = std::max<std::int64_t>(0, seconds_of(age));
  if (s < 120) return std::to_string(s) + " s";
  if (s < 2 * 3600) return std::to_string(s / 60) + " min";
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h";
  return std::to_string(s / 86400) + " d";
}

json cache_get_json(const CacheResult& result) {
  json doc = cache_get_head(result);
  json opps = json::array();
  for (const auto& o : result.opportunities()) opps.push_back(opportunity_json(o));
  doc["opportunities"] = std::move(opps);
  return doc;
}

std::string cache_get_json_text(const CacheResult& result) {
  std::vector<const Opportunity*> opps;
  for (const auto& r : result.regions)
    if (r.scan)
      for (const auto& o : r.scan->opportunities) opps.push_back(&o);
  sort_best_first(opps);
  std::string out = cache_get_head(result).dump(-1, ' ', false, json::error_handler_t::replace);
  out.pop_back();  // the closing brace: "opportunities" joins as the last member
  out.reserve(out.size() + opps.size() * 600 + 32);
  out += ",\"opportunities\":[";
  for (std::size_t i = 0; i < opps.size(); ++i) {
    if (i) out += ',';
    put_opportunity(out, *opps[i]);
  }
  out += "]}";
  return out;
}

std::vector<std::string> cache_status_lines(const CacheResult& result) {
  std::vector<std::string> lines;
  for (const auto& r : result.regions) {
    std::string line = upper(r.region) + ": ";
    if (!r.scan) {
      line += "no result in the cache";
    } else {
      const auto served = r.scan->opportunities.size();
      if (r.withheld) {
        line += "stale, updated " + format_age(*r.age) + " ago (max age " + format_duration(result.max_age) +
                "); opportunities withheld (--strict)";
      } else {
        if (served != static_cast<std::size_t>(r.stored_opportunities))
          line += std::to_string(served) + " of " + std::to_string(r.stored_opportunities) + " opportunities";
        else
          line += std::to_string(served) + (served == 1 ? " opportunity" : " opportunities");
        line += ", updated " + format_age(*r.age) + " ago";
        if (!r.fresh) line += " (stale: max age " + format_duration(result.max_age) + ")";
      }
      if (r.scan->status == RegionStatus::partial) {
        std::string failed;
        for (const auto& s : r.scan->failed_sports) failed += (failed.empty() ? "" : ", ") + s;
        line += " [partial" + (failed.empty() ? std::string() : ": failed " + failed) + "]";
      }
    }
    if (r.fallback_error) line += "; live scan failed: " + *r.fallback_error;
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace oddsctl
