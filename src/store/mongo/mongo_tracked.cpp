// Tracked events, pins, sync results and odds snapshots in the Mongo store.
#include "store/mongo/bson_io.hpp"
#include "store/mongo/mapping.hpp"
#include "store/mongo/mongo_store_impl.hpp"
#include "store/mongo/queries.hpp"

namespace oddsctl::store::mongo {

void MongoStore::upsert_tracked(const std::vector<TrackedEvent>& events) {
  if (events.empty()) return;
  std::vector<std::pair<Bson, Bson>> ops;
  ops.reserve(events.size());
  for (const auto& e : events) ops.emplace_back(by_id(tracked_doc_id(e.region, e.event_id)), tracked_upsert_update(e));
  conn().update_each("tracked_events", ops, true, "upsert tracked events");
}

std::vector<TrackedEvent> MongoStore::list_tracked(const TrackedQuery& query) {
  Conn c = conn();
  Bson opts;
  put_child(opts.get(), "sort", [](bson_t* s) {
    put_i32(s, "commence_time", 1);
    put_i32(s, "region", 1);
    put_i32(s, "event_id", 1);
  });
  std::vector<TrackedEvent> out;
  for (const auto& d : c.find("tracked_events", tracked_filter(query), &opts, "list tracked events")) {
    out.push_back(tracked_from_bson(Reader(d.get())));
  }
  return out;
}

int MongoStore::set_pin(const std::string& event_id, const std::optional<std::string>& region,
                        std::optional<Tier> tier) {
  // Matched, not modified: pinning an already pinned event still counts it (as SQLite does).
  auto result = conn().update_many("tracked_events", pin_filter(event_id, region), pin_update(tier), "set pin");
  return static_cast<int>(result.matched);
}

// Snapshots first, then the tracked events that point at them by fingerprint: a failure in
// between leaves extra history, never an event naming a snapshot that is not there.
void MongoStore::record_sync(const std::vector<SyncOutcome>& outcomes) {
  if (outcomes.empty()) return;
  Conn c = conn();
  std::vector<Bson> snaps;
  std::vector<std::pair<Bson, Bson>> ops;
  for (const auto& o : outcomes) {
    if (o.ok && o.snapshot) snaps.push_back(snapshot_to_bson(*o.snapshot));
    ops.emplace_back(by_id(tracked_doc_id(o.region, o.event_id)), sync_update(o));
  }
  c.upsert_many("snapshots", snaps, "record sync");
  c.update_each("tracked_events", ops, false, "record sync");
}

std::vector<Snapshot> MongoStore::snapshots(const SnapshotQuery& query) {
  Conn c = conn();
  std::vector<Snapshot> out;
  for (const auto& d : c.aggregate("snapshots", snapshot_pipeline(query), "read snapshots")) {
    out.push_back(snapshot_from_bson(Reader(d.get())));
  }
  return out;
}

// Snapshot ids are natural keys, so importing the same snapshot twice stores it once.
void MongoStore::import_snapshots(const std::vector<Snapshot>& snapshots) {
  if (snapshots.empty()) return;
  std::vector<Bson> docs;
  docs.reserve(snapshots.size());
  for (const auto& s : snapshots) docs.push_back(snapshot_to_bson(s));
  conn().upsert_many("snapshots", docs, "import snapshots");
}

}  // namespace oddsctl::store::mongo
