// The contract's scan document. Fields are stable: add, never rename or remove.
#include <cmath>

#include <nlohmann/json.hpp>

#include "oddsctl/scan.hpp"

namespace oddsctl::scan {

namespace {

template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

// Stakes are money: shown to the cent.
nlohmann::json opportunity_json(const Opportunity& o) {
  nlohmann::json j = to_json(o);
  for (auto& leg : j["legs"])
    if (leg.contains("stake") && leg["stake"].is_number())
      leg["stake"] = std::round(leg["stake"].get<double>() * 100.0) / 100.0;
  return j;
}

nlohmann::json region_json(const store::RegionScan& r) {
  return {{"region", r.region},
          {"status", to_string(r.status)},
          {"source", to_string(r.source)},
          {"empty", r.empty == store::EmptyReason::none ? nlohmann::json(nullptr) : nlohmann::json(to_string(r.empty))},
          {"good", r.good()},
          {"error", opt(r.error)},
          {"failed_sports", r.failed_sports},
          {"requests", r.requests},
          {"credits_used", opt(r.credits_used)},
          {"credits_remaining", opt(r.credits_remaining)},
          {"events", r.events},
          {"opportunities", r.opportunity_count},
          {"duration_ms", r.duration_ms},
          {"scan_id", r.scan_id},
          {"worker", r.worker}};
}

nlohmann::json scan_report_json(const ScanReport& report) {
  nlohmann::json regions = nlohmann::json::array();
  for (const auto& r : report.regions) regions.push_back(region_json(r));
  nlohmann::json opps = nlohmann::json::array();
  for (const auto& o : report.all_opportunities()) opps.push_back(opportunity_json(o));
  return {{"scan_id", report.scan_id},
          {"started_at", format_rfc3339(report.started_at)},
          {"duration_ms", report.duration_ms},
          {"regions", regions},
          {"opportunities", opps}};
}

}  // namespace oddsctl::scan
