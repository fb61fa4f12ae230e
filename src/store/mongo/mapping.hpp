// BSON <-> domain types: the document shape of every collection of the Mongo store.
//
// Conventions: times are BSON dates (milliseconds, UTC); enums are their strings ("ok",
// "hot"); an empty optional is written as BSON null and read back from null or absence;
// counts are int32/int64 as in the domain types, read back from any numeric type.
// Scan provenance (schema 2): `source` ("live", "replay", "demo", "store") and `empty`
// ("none", "no_events", "filtered", "no_snapshots"); a document without them (written by
// schema 1) reads as live and none.
// Document ids (_id) are natural keys so that every write is an idempotent upsert:
//   scans           "<scan_id>:<region>"   (opportunities embedded, see DESIGN in mongo_store.cpp)
//   latest_good     "<region>" for the live source, "<region>:<source>" for the others
//                   ("au:demo", "au:replay", "au:store"): one pointer per (region, source).
//                   A string rather than a compound {region, source} _id so that the live
//                   pointers that schema 1 wrote ({_id: "<region>"}) are still the live ones,
//                   with no data migration; region codes hold no ':', so ids never collide.
//   leases          "<name>"
//   tracked_events  "<region>:<event_id>"
//   snapshots       "<region>:<event_id>:<taken_at ms>:<fingerprint>"
//   meta            "<key>",  alerts "<key>",  heartbeats "<worker_id>"
//   ledger          ObjectId (append-only)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oddsctl/store.hpp"
#include "store/mongo/bson_io.hpp"
#include "store/mongo/handles.hpp"

namespace oddsctl::store::mongo {

std::string scan_doc_id(const std::string& scan_id, const std::string& region);
std::string tracked_doc_id(const std::string& region, const std::string& event_id);
std::string snapshot_doc_id(const Snapshot& s);
// The latest_good pointer's _id of (region, source), see above.
std::string latest_good_doc_id(const std::string& region, ScanSource source);
// Every pointer _id a region can have, live first: what invalidate drops.
std::vector<std::string> latest_good_doc_ids(const std::string& region);

// The whole scan with its opportunities embedded; opportunity_count is always written.
Bson scan_to_bson(const RegionScan& scan);
RegionScan scan_from_bson(const Reader& doc);

void put_opportunity(bson_t* b, const Opportunity& o);
Opportunity opportunity_from_bson(const Reader& doc);
// Why an embedded opportunity cannot be served (no market, no legs array, a leg that is not
// a document or has no price), or nullopt. Other absent fields read as empty, as ever.
std::optional<std::string> opportunity_problem(const Reader& doc);
// A scan document's opportunities; an entry that cannot be read is skipped with a warning
// naming the scan id, the region and its index.
std::vector<Opportunity> opportunities_from_bson(const Reader& scan);

void put_event(bson_t* b, const Event& e);
Event event_from_bson(const Reader& doc);

// The pointer document of latest_good: {_id: latest_good_doc_id(region, source), region,
// source, scan_doc_id, scan_id, started_at}. Readers rely on _id and scan_doc_id only (a
// schema 1 pointer has neither region nor source).
Bson latest_good_to_bson(const RegionScan& scan);

Bson lease_to_bson(const Lease& lease);
Lease lease_from_bson(const Reader& doc);

Bson tracked_to_bson(const TrackedEvent& e);
// The parts of a tracked event's document, shared by tracked_to_bson and the upsert in
// queries.cpp (which $sets the discovery fields and only inserts identity and state).
void put_tracked_identity(bson_t* b, const TrackedEvent& e);   // region, event_id
void put_tracked_discovery(bson_t* b, const TrackedEvent& e);  // teams, titles, commence_time
void put_tracked_state(bson_t* b, const TrackedEvent& e);      // discovery time, pin, sync state
TrackedEvent tracked_from_bson(const Reader& doc);

Bson snapshot_to_bson(const Snapshot& s);
Snapshot snapshot_from_bson(const Reader& doc);

Bson ledger_to_bson(const LedgerEntry& e);
LedgerEntry ledger_from_bson(const Reader& doc);

Bson alert_to_bson(const AlertMark& a);
AlertMark alert_from_bson(const Reader& doc);

Bson heartbeat_to_bson(const Heartbeat& h);
Heartbeat heartbeat_from_bson(const Reader& doc);

}  // namespace oddsctl::store::mongo
