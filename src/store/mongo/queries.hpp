// The filters, updates and pipelines the Mongo store sends, built apart from any server so
// that unit tests can compare them as JSON. Each states the Store contract it implements.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oddsctl/store.hpp"
#include "store/mongo/handles.hpp"

namespace oddsctl::store::mongo {

// --- leases ---
// Matches the lease when it is free to take: expired, or already ours. With upsert, a
// missing lease is inserted; a lease held by someone else makes the upsert collide on _id
// (E11000), which the store reads as "held".
//   {_id: name, $or: [{expires_at: {$lte: now}}, {owner: owner}]}
// {_id: id}: the filter of every single-document lookup.
Bson by_id(const std::string& id);

Bson lease_acquire_filter(const std::string& name, const std::string& owner, TimePoint now);
// An update pipeline (one atomic findAndModify): owner and expires_at = now + ttl; acquired_at
// kept when the lease was ours and still valid (an extension), else now (as the SQLite store).
Bson lease_acquire_update(const std::string& owner, Millis ttl, TimePoint now);
// {_id: name, owner: owner}: renew and release touch only our own lease.
Bson lease_owner_filter(const std::string& name, const std::string& owner);
// {$set: {expires_at: now + ttl}}
Bson lease_renew_update(Millis ttl, TimePoint now);
// {$set: owner, acquired_at: now, expires_at: now + ttl}: a takeover from a dead owner.
Bson lease_takeover_update(const std::string& owner, Millis ttl, TimePoint now);

// --- scans ---
// {region?, started_at: {$gte: since}?, source?}. The live source also matches documents
// without the field (schema 1): {source: {$in: ["live", null]}}.
Bson scan_filter(const ScanQuery& query);
// find options: newest first (started_at, scan_id descending, then region), limit, and the
// opportunities left out unless asked for.
Bson scan_find_opts(const ScanQuery& query);
// Moves the (region, source) pointer only forward:
//   {_id: latest_good_doc_id(region, source), started_at: {$lte: started_at}}.
// With upsert, a newer pointer makes the insert collide on _id: the pointer stays.
Bson latest_good_forward_filter(const RegionScan& scan);
// The pointers that name this scan but no longer may: those of its region's other sources (it
// was rewritten under another source) and, when the scan is not good(), its own source's too.
//   {_id: {$in: [...]}, scan_id: scan_id}
Bson latest_good_stale_filter(const RegionScan& scan);
// Every source's pointer of the region: {_id: {$in: latest_good_doc_ids(region)}}.
Bson latest_good_region_filter(const std::string& region);

// --- tracked events ---
Bson tracked_filter(const TrackedQuery& query);
// New events inserted whole ($setOnInsert); known ones get teams, titles and commence_time.
Bson tracked_upsert_update(const TrackedEvent& event);
// {event_id, region?}
Bson pin_filter(const std::string& event_id, const std::optional<std::string>& region);
// {$set: {pinned_tier: "hot" | null}}
Bson pin_update(std::optional<Tier> tier);
// What one sync outcome does to its tracked event.
Bson sync_update(const SyncOutcome& outcome);

// --- snapshots ---
// {pipeline: [...]}: the filter, then (latest_only) the newest per (region, event_id);
// ordered by region, event_id, taken_at.
Bson snapshot_pipeline(const SnapshotQuery& query);

// --- ledger ---
Bson ledger_filter(const LedgerQuery& query);
// oldest first (at, _id) when limit <= 0; else the newest `limit`, newest first.
Bson ledger_find_opts(const LedgerQuery& query);
// Per key_id the newest entry whose remaining is known, ordered by key_id.
Bson latest_per_key_pipeline();

// --- schema ---
struct IndexSpec {
  std::string collection;
  std::string name;
  std::string keys_json;              // e.g. {"region": 1, "started_at": -1}
  std::optional<int> expire_after_s;  // a TTL index
};
// Every index the store relies on (besides _id).
const std::vector<IndexSpec>& index_specs();
// The collections the store uses, including those with no secondary index.
const std::vector<std::string>& collection_names();
// {createIndexes: collection, indexes: [{key, name, expireAfterSeconds?}, ...]}
Bson create_indexes_command(const std::string& collection);

}  // namespace oddsctl::store::mongo
