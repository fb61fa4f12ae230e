// The documents and lines `cache get` prints.
#include <algorithm>
#include <cctype>
#include <set>

#include <nlohmann/json.hpp>

#include "cache/order.hpp"
#include "oddsctl/cache.hpp"

namespace oddsctl {

namespace {

using nlohmann::json;

std::int64_t seconds_of(Millis m) { return std::chrono::duration_cast<std::chrono::seconds>(m).count(); }

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

json region_entry(const CachedRegion& r) {
  json j;
  if (r.scan) {
    j = scan_row_json(*r.scan);
    j["opportunities"] = r.scan->opportunities.size();
    j["opportunities_stored"] = r.stored_opportunities;
    j["age_s"] = seconds_of(*r.age);
  } else {
    j = {{"region", r.region}, {"status", "missing"}, {"error", "no successful scan in the cache"},
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

}  // namespace

std::string format_age(Millis age) {
  const auto s = std::max<std::int64_t>(0, seconds_of(age));
  if (s < 120) return std::to_string(s) + " s";
  if (s < 2 * 3600) return std::to_string(s / 60) + " min";
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h";
  return std::to_string(s / 86400) + " d";
}

json cache_get_json(const CacheResult& result) {
  json doc;
  std::set<std::string> scan_ids;
  std::optional<TimePoint> earliest;
  std::int64_t longest = 0;
  json regions = json::array(), stale = json::array(), missing = json::array();
  for (const auto& r : result.regions) {
    regions.push_back(region_entry(r));
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
  json opps = json::array();
  for (const auto& o : result.opportunities()) opps.push_back(opportunity_json(o));
  doc["opportunities"] = std::move(opps);
  doc["generated_at"] = format_rfc3339(result.now);
  doc["max_age_s"] = seconds_of(result.max_age);
  doc["fresh"] = result.all_fresh();
  doc["stale"] = std::move(stale);
  doc["missing"] = std::move(missing);
  return doc;
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
