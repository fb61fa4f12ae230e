// Stored scans as JSON: `cache list` rows, `cache show` and `cache export` documents.
#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "cache/order.hpp"
#include "oddsctl/cache.hpp"

namespace oddsctl::cache {

using nlohmann::json;

json scan_row_json(const store::RegionScan& scan) {
  json j = scan::region_json(scan);
  // Loaded scans carry their opportunities; listed ones only the count.
  j["opportunities"] =
      scan.opportunities.empty() ? scan.opportunity_count : static_cast<int>(scan.opportunities.size());
  j["scan_id"] = scan.scan_id;
  j["scanned_at"] = format_rfc3339(scan.started_at);
  j["scanned_by"] = scan.worker;
  j["command"] = scan.command;
  return j;
}

json scan_document_json(const std::vector<store::RegionScan>& scans) {
  json doc;
  std::set<std::string> ids;
  std::optional<TimePoint> earliest;
  std::int64_t longest = 0;
  json regions = json::array();
  std::vector<Opportunity> opps;
  for (const auto& s : scans) {
    ids.insert(s.scan_id);
    if (!earliest || s.started_at < *earliest) earliest = s.started_at;
    longest = std::max(longest, s.duration_ms);
    regions.push_back(scan_row_json(s));
    opps.insert(opps.end(), s.opportunities.begin(), s.opportunities.end());
  }
  sort_best_first(opps);
  doc["scan_id"] = ids.size() == 1 ? json(*ids.begin()) : json(nullptr);
  doc["started_at"] = earliest ? json(format_rfc3339(*earliest)) : json(nullptr);
  doc["duration_ms"] = longest;
  doc["regions"] = std::move(regions);
  json list = json::array();
  for (const auto& o : opps) list.push_back(scan::opportunity_json(o));
  doc["opportunities"] = std::move(list);
  return doc;
}

json cache_show_json(store::ScanStore& store, const std::string& scan_id) {
  auto scans = store.get_scan(scan_id);
  if (scans.empty()) throw Error(ExitCode::runtime, "cache show: unknown scan id '" + scan_id + "'");
  return scan_document_json(scans);
}

std::vector<json> cache_export_rows(store::ScanStore& store, std::optional<TimePoint> since,
                                    const std::optional<std::string>& region, std::optional<store::ScanSource> source) {
  store::ScanQuery q;
  q.source = source;
  q.region = region;
  q.since = since;
  q.limit = 0;
  q.with_opportunities = true;
  auto scans = store.list_scans(q);
  std::vector<json> rows;
  rows.reserve(scans.size());
  // list_scans is newest first; an export reads like a log, oldest first.
  for (auto it = scans.rbegin(); it != scans.rend(); ++it) rows.push_back(scan_document_json({*it}));
  return rows;
}

}  // namespace oddsctl::cache
