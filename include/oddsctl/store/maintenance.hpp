// Role: maintenance. Retention, compaction, and what the store holds and whether it is sound.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/time.hpp"

namespace oddsctl::store {

struct RetentionPolicy {
  int keep_last_scans = 100;               // per region
  std::optional<Millis> scans_older_than;  // scans beyond keep_last go only if older too
  std::optional<Millis> snapshots_older_than;
  std::optional<Millis> ledger_older_than;
  std::optional<Millis> alerts_older_than;
  std::optional<Millis> heartbeats_older_than;
  int batch_size = 5000;  // rows per transaction
};

// Counts per kind ("scans", "opportunities", "snapshots", "ledger", "leases", "alerts",
// "heartbeats") and, where it applies, per region ("" when not regional).
struct CleanupReport {
  std::map<std::string, std::map<std::string, std::int64_t>> removed;
  std::int64_t bytes_before = 0;
  std::int64_t bytes_after = 0;
  bool dry_run = false;
};

struct StoreInfo {
  std::string backend;   // "sqlite", "mongodb"
  std::string location;  // path or URI with credentials removed
  int schema_version = 0;
  std::map<std::string, std::int64_t> counts;  // per kind
  std::int64_t size_bytes = 0;
};

class StoreMaintenance {
public:
  virtual ~StoreMaintenance() = default;

  // Never removes a region's latest good scan nor a lease still held (expires_at > now).
  // Removes expired leases. Deletes in batches of policy.batch_size rows per transaction.
  virtual CleanupReport cleanup(const RetentionPolicy& policy, TimePoint now, bool dry_run) = 0;
  virtual void compact() = 0;  // VACUUM or equivalent
  virtual StoreInfo info() = 0;
  // Problems with the schema or indexes; empty when all is well.
  virtual std::vector<std::string> check() = 0;
};

}  // namespace oddsctl::store
