// `oddsctl cleanup`: keep the store small. The policy comes from flags and the config file;
// the Store does the deleting (bounded batches, each in its own transaction, never the
// latest good scan of a region nor a lease still held).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::cleanup {

// The settings keys of the retention policy (config file [retention] table).
inline constexpr const char* k_retention_keep_last = "retention.keep_last";
inline constexpr const char* k_retention_older_than = "retention.older_than";  // the --older-than flag
inline constexpr const char* k_retention_batch_size = "retention.batch_size";

// Defaults when neither flag, env nor config file says otherwise. Ages are long enough for
// what reads them: the budget's 30-day spend needs the ledger, sync needs recent snapshots.
inline constexpr int k_default_keep_last = 100;
inline constexpr int k_default_batch_size = 5000;

// One kind of timed row: its settings key and its default age (nullopt: kept forever).
struct RetentionKind {
  std::string kind;  // "scans", "snapshots", "ledger", "alerts", "heartbeats"
  std::string key;   // "retention.scans_older_than", ...
  std::optional<Millis> default_age;
  bool follows_older_than;  // --older-than applies to it (scans, snapshots, ledger)
};
const std::vector<RetentionKind>& retention_kinds();

struct CleanupResult {
  store::RetentionPolicy policy;
  store::CleanupReport report;
  bool vacuumed = false;
  std::int64_t total_removed() const;
};

// Runs the store's cleanup, then compacts when `vacuum` (never on a dry run).
CleanupResult run_cleanup(store::StoreMaintenance& store, const store::RetentionPolicy& policy, TimePoint now,
                          bool dry_run, bool vacuum);

// {"dry_run", "vacuumed", "removed": {kind: {region: n}}, "totals": {kind: n}, "total",
//  "bytes_before", "bytes_after", "policy": {...}}; region "" is written "-".
nlohmann::json cleanup_report_json(const CleanupResult& result);
// Table rows: kind, region, count (sorted by kind, then region).
std::vector<std::vector<std::string>> cleanup_report_rows(const CleanupResult& result);

}  // namespace oddsctl::cleanup
