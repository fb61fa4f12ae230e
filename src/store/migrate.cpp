// Copying one store into another through the Store interface (see migrate.hpp for the
// order and the rules on a non-empty target).
#include "oddsctl/store/migrate.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "oddsctl/errors.hpp"

namespace oddsctl::store {

namespace {

// Kinds whose presence makes a target "not empty": they are history, a merge into them
// is a decision the user makes with --force.
bool holds_data(Store& store) {
  StoreInfo info = store.info();
  for (const char* kind : {"scans", "ledger", "tracked", "snapshots"}) {
    auto it = info.counts.find(kind);
    if (it != info.counts.end() && it->second > 0) return true;
  }
  return false;
}

template <class T, class F>
void in_batches(const std::vector<T>& items, int batch_size, F&& write) {
  std::size_t n = static_cast<std::size_t>(std::max(1, batch_size));
  for (std::size_t start = 0; start < items.size(); start += n) {
    std::vector<T> batch(items.begin() + static_cast<std::ptrdiff_t>(start),
                         items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), start + n)));
    write(batch);
  }
}

constexpr ScanSource k_sources[] = {ScanSource::live, ScanSource::replay, ScanSource::demo, ScanSource::store};

// Saving the scans oldest first leaves each (region, source) pointer of the target on its
// newest good scan, which is usually the source's pointer but not always: the source may
// have been invalidated, or a late-finishing older run may have been saved after that. So
// each region's pointers are then made the source's, source by source: none where the source
// has none, else the source's scan, unless the target's names a scan of its own (only with
// --force: a merge keeps the target's newer result, and says so). The interface can drop a
// region's pointers only all at once, so a region whose pointers differ is invalidated and
// the wanted scans are saved again (the same rows, now setting their pointers).
void copy_scans(Store& from, Store& to, const MigrateOptions& options, MigrateReport& report) {
  ScanQuery all;
  all.limit = 0;
  all.with_opportunities = true;
  std::vector<RegionScan> scans = from.list_scans(all);
  std::reverse(scans.begin(), scans.end());  // oldest first: each pointer ends on the newest good
  std::set<std::string> regions;
  std::set<std::pair<std::string, std::string>> copied;  // (scan_id, region)
  for (const auto& s : scans) {
    regions.insert(s.region);
    copied.emplace(s.scan_id, s.region);
    report.copied["scans"] += 1;
    report.copied["opportunities"] += static_cast<std::int64_t>(s.opportunities.size());
    if (!options.dry_run) to.save_scan(s);
  }
  for (const auto& region : regions) {
    // Readers serve live: a region without a live latest good is what the report names.
    if (!from.latest_good(region, ScanSource::live)) report.invalidated_regions.push_back(region);
    if (options.dry_run) continue;
    std::vector<RegionScan> wanted;
    bool differs = false;
    for (ScanSource source : k_sources) {
      auto source_latest = from.latest_good(region, source);
      auto target_latest = to.latest_good(region, source);
      std::optional<RegionScan> want = source_latest;
      if (source_latest && target_latest && target_latest->scan_id != source_latest->scan_id &&
          !copied.count({target_latest->scan_id, region})) {
        report.warnings.push_back("region " + region + " (" + to_string(source) +
                                  "): the target's latest good scan is " + target_latest->scan_id + ", the source's " +
                                  source_latest->scan_id);
        want = target_latest;
      }
      auto id_of = [](const std::optional<RegionScan>& s) { return s ? s->scan_id : std::string(); };
      if (id_of(want) != id_of(target_latest)) differs = true;
      if (want) wanted.push_back(std::move(*want));
    }
    if (!differs) continue;
    to.invalidate(region);
    for (const auto& s : wanted) to.save_scan(s);
  }
}

void copy_ledger(Store& from, Store& to, const MigrateOptions& options, MigrateReport& report) {
  std::vector<LedgerEntry> entries = from.ledger(LedgerQuery{});
  if (options.force) {
    LedgerQuery newest;
    newest.limit = 1;
    auto last = to.ledger(newest);
    if (!last.empty()) {
      TimePoint after = last.front().at;
      std::size_t before = entries.size();
      entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const LedgerEntry& e) { return e.at <= after; }),
                    entries.end());
      if (entries.size() != before) {
        report.warnings.push_back("ledger: " + std::to_string(before - entries.size()) +
                                  " entries not newer than the target's newest were left out");
      }
    }
  }
  report.copied["ledger"] = static_cast<std::int64_t>(entries.size());
  if (!options.dry_run) in_batches(entries, options.batch_size, [&](const auto& b) { to.append_ledger(b); });
}

}  // namespace

MigrateReport migrate_store(Store& from, Store& to, const MigrateOptions& options) {
  MigrateReport report;
  report.from = from.info().location;
  report.to = to.info().location;
  report.dry_run = options.dry_run;
  for (const char* kind :
       {"scans", "opportunities", "ledger", "tracked_events", "snapshots", "meta", "alerts", "heartbeats"}) {
    report.copied[kind] = 0;
  }
  if (!options.force && holds_data(to)) {
    throw UsageError("store migrate: the target " + report.to +
                     " already holds data; use an empty store, or --force to merge into it");
  }

  copy_scans(from, to, options, report);
  copy_ledger(from, to, options, report);

  std::vector<TrackedEvent> tracked = from.list_tracked(TrackedQuery{});
  report.copied["tracked_events"] = static_cast<std::int64_t>(tracked.size());
  if (!options.dry_run) in_batches(tracked, options.batch_size, [&](const auto& b) { to.upsert_tracked(b); });

  SnapshotQuery every;
  every.latest_only = false;
  std::vector<Snapshot> snaps = from.snapshots(every);
  report.copied["snapshots"] = static_cast<std::int64_t>(snaps.size());
  if (!options.dry_run) in_batches(snaps, options.batch_size, [&](const auto& b) { to.import_snapshots(b); });

  if (auto meta = from.list_meta()) {
    report.copied["meta"] = static_cast<std::int64_t>(meta->size());
    if (!options.dry_run)
      for (const auto& [key, value] : *meta) to.set_meta(key, value);
  } else {
    report.warnings.push_back("meta: the source store cannot list its keys; not copied");
  }

  for (const auto& a : from.list_alerts()) {
    report.copied["alerts"] += 1;
    if (!options.dry_run) to.mark_alert(a);
  }
  for (const auto& hb : from.heartbeats()) {
    report.copied["heartbeats"] += 1;
    if (!options.dry_run) to.heartbeat(hb);
  }
  return report;
}

nlohmann::json to_json(const MigrateReport& report) {
  return nlohmann::json{{"from", report.from},
                        {"to", report.to},
                        {"dry_run", report.dry_run},
                        {"copied", report.copied},
                        {"invalidated_regions", report.invalidated_regions},
                        {"warnings", report.warnings}};
}

}  // namespace oddsctl::store
