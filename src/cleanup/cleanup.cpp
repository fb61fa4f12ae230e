// `cleanup`: the retention policy from settings, and the report.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "oddsctl/cleanup.hpp"
#include "oddsctl/errors.hpp"

namespace oddsctl::cleanup {

using nlohmann::json;

namespace {

// Kinds the report always lists, so a reader sees "0" rather than wondering.
const std::vector<std::string> k_report_kinds = {"scans",  "opportunities", "snapshots", "ledger",
                                                 "leases", "alerts",        "heartbeats"};

json age_json(const std::optional<Millis>& m) { return m ? json(format_duration(*m)) : json(nullptr); }

}  // namespace

const std::vector<RetentionKind>& retention_kinds() {
  using std::chrono::hours;
  static const std::vector<RetentionKind> kinds = {
      // Scans: --keep-last governs; with an age, scans beyond keep_last go only once older.
      {"scans", "retention.scans_older_than", std::nullopt, true},
      {"snapshots", "retention.snapshots_older_than", hours(24 * 30), true},
      // The budget reports spend over 30 days: keep well beyond that.
      {"ledger", "retention.ledger_older_than", hours(24 * 90), true},
      {"alerts", "retention.alerts_older_than", hours(24 * 30), false},
      {"heartbeats", "retention.heartbeats_older_than", hours(24 * 7), false},
  };
  return kinds;
}

std::int64_t CleanupResult::total_removed() const {
  std::int64_t n = 0;
  for (const auto& [kind, per_region] : report.removed)
    for (const auto& [region, count] : per_region) n += count;
  return n;
}

CleanupResult run_cleanup(store::StoreMaintenance& store, const store::RetentionPolicy& policy, TimePoint now,
                          bool dry_run, bool vacuum) {
  CleanupResult result;
  result.policy = policy;
  result.report = store.cleanup(policy, now, dry_run);
  result.report.dry_run = dry_run;
  if (vacuum && !dry_run) {
    store.compact();
    result.report.bytes_after = store.info().size_bytes;
    result.vacuumed = true;
  }
  return result;
}

json cleanup_report_json(const CleanupResult& result) {
  json removed = json::object(), totals = json::object();
  for (const auto& kind : k_report_kinds) {
    removed[kind] = json::object();
    totals[kind] = 0;
  }
  for (const auto& [kind, per_region] : result.report.removed) {
    std::int64_t total = 0;
    for (const auto& [region, count] : per_region) {
      removed[kind][region.empty() ? "-" : region] = count;
      total += count;
    }
    totals[kind] = total;
  }
  const auto& p = result.policy;
  return {{"dry_run", result.report.dry_run},
          {"vacuumed", result.vacuumed},
          {"removed", std::move(removed)},
          {"totals", std::move(totals)},
          {"total", result.total_removed()},
          {"bytes_before", result.report.bytes_before},
          {"bytes_after", result.report.bytes_after},
          {"policy",
           {{"keep_last", p.keep_last_scans},
            {"scans_older_than", age_json(p.scans_older_than)},
            {"snapshots_older_than", age_json(p.snapshots_older_than)},
            {"ledger_older_than", age_json(p.ledger_older_than)},
            {"alerts_older_than", age_json(p.alerts_older_than)},
            {"heartbeats_older_than", age_json(p.heartbeats_older_than)},
            {"batch_size", p.batch_size}}}};
}

std::vector<std::vector<std::string>> cleanup_report_rows(const CleanupResult& result) {
  std::vector<std::string> kinds = k_report_kinds;
  for (const auto& [kind, _] : result.report.removed)
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  std::vector<std::vector<std::string>> rows;
  for (const auto& kind : kinds) {
    auto it = result.report.removed.find(kind);
    if (it == result.report.removed.end() || it->second.empty()) {
      rows.push_back({kind, "-", "0"});
      continue;
    }
    for (const auto& [region, count] : it->second)
      rows.push_back({kind, region.empty() ? "-" : region, std::to_string(count)});
  }
  return rows;
}

}  // namespace oddsctl::cleanup
