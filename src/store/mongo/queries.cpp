#include "store/mongo/queries.hpp"

#include "store/mongo/bson_io.hpp"
#include "store/mongo/mapping.hpp"

namespace oddsctl::store::mongo {

namespace {

void put_gte_date(bson_t* b, const char* key, TimePoint t) {
  put_child(b, key, [&](bson_t* c) { put_date(c, "$gte", t); });
}

void put_sort(bson_t* b, std::initializer_list<std::pair<const char*, int>> keys) {
  put_child(b, "sort", [&](bson_t* c) {
    for (const auto& [k, dir] : keys) put_i32(c, k, dir);
  });
}

// An aggregation stage {name: {...}} as the i-th element of a pipeline array.
using Fill = BsonFill;
Bson pipeline_doc(const std::vector<std::pair<const char*, Fill>>& stages) {
  Bson doc;
  put_child_array(doc.get(), "pipeline", stages.size(),
                  [&](std::size_t i, bson_t* stage) { put_child(stage, stages[i].first, stages[i].second); });
  return doc;
}

}  // namespace

Bson by_id(const std::string& id) {
  Bson doc;
  put_str(doc.get(), "_id", id);
  return doc;
}

// --- leases ---

Bson lease_acquire_filter(const std::string& name, const std::string& owner, TimePoint now) {
  Bson doc;
  put_str(doc.get(), "_id", name);
  put_child_array(doc.get(), "$or", 2, [&](std::size_t i, bson_t* c) {
    if (i == 0) {
      put_child(c, "expires_at", [&](bson_t* e) { put_date(e, "$lte", now); });
    } else {
      put_str(c, "owner", owner);
    }
  });
  return doc;
}

Bson lease_acquire_update(const std::string& owner, Millis ttl, TimePoint now) {
  // A pipeline is a document whose keys are "0", "1", ...: the driver sends it as an array.
  // Values go through $literal so that an owner starting with '$' is never a field path.
  // $cond needs mixed element types (a document, a string, a date): built by hand.
  Bson update;
  bson_t stage, set, acquired, cond, if_doc, and_arr, ours, eq_arr, lit_owner, valid, gt_arr, lit_set_owner;
  bson_append_document_begin(update.get(), "0", -1, &stage);
  bson_append_document_begin(&stage, "$set", -1, &set);
  bson_append_document_begin(&set, "owner", -1, &lit_set_owner);
  put_str(&lit_set_owner, "$literal", owner);
  bson_append_document_end(&set, &lit_set_owner);
  bson_append_document_begin(&set, "acquired_at", -1, &acquired);
  bson_append_array_begin(&acquired, "$cond", -1, &cond);
  // if: owner == ours && expires_at > now
  bson_append_document_begin(&cond, "0", -1, &if_doc);
  bson_append_array_begin(&if_doc, "$and", -1, &and_arr);
  bson_append_document_begin(&and_arr, "0", -1, &ours);
  bson_append_array_begin(&ours, "$eq", -1, &eq_arr);
  put_str(&eq_arr, "0", "$owner");
  bson_append_document_begin(&eq_arr, "1", -1, &lit_owner);
  put_str(&lit_owner, "$literal", owner);
  bson_append_document_end(&eq_arr, &lit_owner);
  bson_append_array_end(&ours, &eq_arr);
  bson_append_document_end(&and_arr, &ours);
  bson_append_document_begin(&and_arr, "1", -1, &valid);
  bson_append_array_begin(&valid, "$gt", -1, &gt_arr);
  put_str(&gt_arr, "0", "$expires_at");
  put_date(&gt_arr, "1", now);
  bson_append_array_end(&valid, &gt_arr);
  bson_append_document_end(&and_arr, &valid);
  bson_append_array_end(&if_doc, &and_arr);
  bson_append_document_end(&cond, &if_doc);
  // then: keep; else: now
  put_str(&cond, "1", "$acquired_at");
  put_date(&cond, "2", now);
  bson_append_array_end(&acquired, &cond);
  bson_append_document_end(&set, &acquired);
  put_date(&set, "expires_at", now + ttl);
  bson_append_document_end(&stage, &set);
  bson_append_document_end(update.get(), &stage);
  return update;
}

Bson lease_owner_filter(const std::string& name, const std::string& owner) {
  Bson doc;
  put_str(doc.get(), "_id", name);
  put_str(doc.get(), "owner", owner);
  return doc;
}

Bson lease_takeover_update(const std::string& owner, Millis ttl, TimePoint now) {
  Bson doc;  // a classic update: $set values are literals, an owner starting with '$' included
  put_child(doc.get(), "$set", [&](bson_t* c) {
    put_str(c, "owner", owner);
    put_date(c, "acquired_at", now);
    put_date(c, "expires_at", now + ttl);
  });
  return doc;
}

Bson lease_renew_update(Millis ttl, TimePoint now) {
  Bson doc;
  put_child(doc.get(), "$set", [&](bson_t* c) { put_date(c, "expires_at", now + ttl); });
  return doc;
}

// --- scans ---

Bson scan_filter(const ScanQuery& query) {
  Bson doc;
  if (query.region) put_str(doc.get(), "region", *query.region);
  if (query.since) put_gte_date(doc.get(), "started_at", *query.since);
  if (query.source && *query.source == ScanSource::live) {
    put_child(doc.get(), "source", [](bson_t* c) {
      bson_t in;
      bson_append_array_begin(c, "$in", -1, &in);
      put_str(&in, "0", "live");
      put_null(&in, "1");  // matches an absent field too
      bson_append_array_end(c, &in);
    });
  } else if (query.source) {
    put_str(doc.get(), "source", to_string(*query.source));
  }
  return doc;
}

Bson scan_find_opts(const ScanQuery& query) {
  Bson doc;
  put_sort(doc.get(), {{"started_at", -1}, {"scan_id", -1}, {"region", 1}});
  if (query.limit > 0) put_i64(doc.get(), "limit", query.limit);
  if (!query.with_opportunities) {
    put_child(doc.get(), "projection", [](bson_t* c) { put_i32(c, "opportunities", 0); });
  }
  return doc;
}

Bson latest_good_forward_filter(const RegionScan& scan) {
  Bson doc;
  put_str(doc.get(), "_id", latest_good_doc_id(scan.region, scan.source));
  put_child(doc.get(), "started_at", [&](bson_t* c) { put_date(c, "$lte", scan.started_at); });
  return doc;
}

Bson latest_good_stale_filter(const RegionScan& scan) {
  std::vector<std::string> ids;
  const std::string own = latest_good_doc_id(scan.region, scan.source);
  for (auto& id : latest_good_doc_ids(scan.region))
    if (id != own || !scan.good()) ids.push_back(std::move(id));
  Bson doc;
  put_child(doc.get(), "_id", [&](bson_t* c) { put_str_array(c, "$in", ids); });
  put_str(doc.get(), "scan_id", scan.scan_id);
  return doc;
}

Bson latest_good_region_filter(const std::string& region) {
  Bson doc;
  put_child(doc.get(), "_id", [&](bson_t* c) { put_str_array(c, "$in", latest_good_doc_ids(region)); });
  return doc;
}

// --- tracked events ---

Bson tracked_filter(const TrackedQuery& query) {
  Bson doc;
  if (query.region) put_str(doc.get(), "region", *query.region);
  if (query.sport_key) put_str(doc.get(), "sport_key", *query.sport_key);
  if (query.event_id) put_str(doc.get(), "event_id", *query.event_id);
  if (query.commence_after) put_gte_date(doc.get(), "commence_time", *query.commence_after);
  return doc;
}

Bson tracked_upsert_update(const TrackedEvent& e) {
  Bson doc;
  put_child(doc.get(), "$set", [&](bson_t* c) { put_tracked_discovery(c, e); });
  put_child(doc.get(), "$setOnInsert", [&](bson_t* c) {
    put_tracked_identity(c, e);
    put_tracked_state(c, e);
  });
  return doc;
}

Bson pin_filter(const std::string& event_id, const std::optional<std::string>& region) {
  Bson doc;
  put_str(doc.get(), "event_id", event_id);
  if (region) put_str(doc.get(), "region", *region);
  return doc;
}

Bson pin_update(std::optional<Tier> tier) {
  Bson doc;
  put_child(doc.get(), "$set", [&](bson_t* c) {
    put_opt_str(c, "pinned_tier", tier ? std::optional<std::string>(to_string(*tier)) : std::nullopt);
  });
  return doc;
}

Bson sync_update(const SyncOutcome& o) {
  Bson doc;
  if (o.ok) {
    put_child(doc.get(), "$set", [&](bson_t* c) {
      put_date(c, "last_attempt_at", o.attempted_at);
      put_date(c, "last_synced_at", o.attempted_at);
      // A stored snapshot means the odds changed, at the moment it was taken.
      if (o.snapshot) put_date(c, "last_changed_at", o.snapshot->taken_at);
      put_str(c, "fingerprint", o.fingerprint);
      put_i32(c, "failures", 0);
      put_null(c, "last_error");
    });
  } else {
    put_child(doc.get(), "$set", [&](bson_t* c) {
      put_date(c, "last_attempt_at", o.attempted_at);
      put_opt_str(c, "last_error", o.error ? o.error : std::optional<std::string>("sync failed"));
    });
    put_child(doc.get(), "$inc", [](bson_t* c) { put_i32(c, "failures", 1); });
  }
  return doc;
}

// --- snapshots ---

Bson snapshot_pipeline(const SnapshotQuery& query) {
  auto match = [&](bson_t* c) {
    if (query.region) put_str(c, "region", *query.region);
    if (query.sport_key) put_str(c, "sport_key", *query.sport_key);
    if (query.event_id) put_str(c, "event_id", *query.event_id);
    if (query.since) put_gte_date(c, "taken_at", *query.since);
  };
  auto order = [](bson_t* c) {
    put_i32(c, "region", 1);
    put_i32(c, "event_id", 1);
    put_i32(c, "taken_at", 1);
    put_i32(c, "_id", 1);
  };
  if (!query.latest_only) return pipeline_doc({{"$match", match}, {"$sort", order}});
  return pipeline_doc({
      {"$match", match},
      {"$sort",
       [](bson_t* c) {
         put_i32(c, "region", 1);
         put_i32(c, "event_id", 1);
         put_i32(c, "taken_at", -1);
         put_i32(c, "_id", -1);
       }},
      {"$group",
       [](bson_t* c) {
         put_child(c, "_id", [](bson_t* id) {
           put_str(id, "r", "$region");
           put_str(id, "e", "$event_id");
         });
         put_child(c, "doc", [](bson_t* d) { put_str(d, "$first", "$$ROOT"); });
       }},
      {"$replaceRoot", [](bson_t* c) { put_str(c, "newRoot", "$doc"); }},
      {"$sort", order},
  });
}

// --- ledger ---

Bson ledger_filter(const LedgerQuery& query) {
  Bson doc;
  if (query.key_id) put_str(doc.get(), "key_id", *query.key_id);
  if (query.since) put_gte_date(doc.get(), "at", *query.since);
  return doc;
}

Bson ledger_find_opts(const LedgerQuery& query) {
  Bson doc;
  if (query.limit > 0) {
    put_sort(doc.get(), {{"at", -1}, {"_id", -1}});
    put_i64(doc.get(), "limit", query.limit);
  } else {
    put_sort(doc.get(), {{"at", 1}, {"_id", 1}});
  }
  return doc;
}

Bson latest_per_key_pipeline() {
  return pipeline_doc({
      {"$match", [](bson_t* c) { put_child(c, "remaining", [](bson_t* n) { put_null(n, "$ne"); }); }},
      {"$sort",
       [](bson_t* c) {
         put_i32(c, "key_id", 1);
         put_i32(c, "at", -1);
         put_i32(c, "_id", -1);
       }},
      {"$group",
       [](bson_t* c) {
         put_str(c, "_id", "$key_id");
         put_child(c, "doc", [](bson_t* d) { put_str(d, "$first", "$$ROOT"); });
       }},
      {"$replaceRoot", [](bson_t* c) { put_str(c, "newRoot", "$doc"); }},
      {"$sort", [](bson_t* c) { put_i32(c, "key_id", 1); }},
  });
}

// --- schema ---

const std::vector<IndexSpec>& index_specs() {
  static const std::vector<IndexSpec> specs = {
      {"scans", "region_started", R"({"region": 1, "started_at": -1})", std::nullopt},
      {"scans", "scan_id", R"({"scan_id": 1})", std::nullopt},
      {"scans", "started_at", R"({"started_at": -1})", std::nullopt},
      // Expired leases vanish by themselves (the TTL monitor runs about once a minute);
      // acquire does not rely on it: its filter treats expires_at <= now as free.
      {"leases", "expires_at_ttl", R"({"expires_at": 1})", 0},
      {"tracked_events", "region_sport_commence", R"({"region": 1, "sport_key": 1, "commence_time": 1})", std::nullopt},
      {"tracked_events", "event_id", R"({"event_id": 1})", std::nullopt},
      {"snapshots", "region_event_taken", R"({"region": 1, "event_id": 1, "taken_at": -1})", std::nullopt},
      {"snapshots", "taken_at", R"({"taken_at": 1})", std::nullopt},
      {"ledger", "key_at", R"({"key_id": 1, "at": -1})", std::nullopt},
      {"ledger", "at", R"({"at": 1})", std::nullopt},
      {"alerts", "sent_at", R"({"sent_at": 1})", std::nullopt},
      {"heartbeats", "last_cycle_at", R"({"last_cycle_at": 1})", std::nullopt},
  };
  return specs;
}

const std::vector<std::string>& collection_names() {
  static const std::vector<std::string> names = {"scans",  "latest_good", "leases", "tracked_events", "snapshots",
                                                 "ledger", "meta",        "alerts", "heartbeats",     "schema"};
  return names;
}

Bson create_indexes_command(const std::string& collection) {
  std::vector<const IndexSpec*> specs;
  for (const auto& s : index_specs())
    if (s.collection == collection) specs.push_back(&s);
  Bson doc;
  put_str(doc.get(), "createIndexes", collection);
  put_child_array(doc.get(), "indexes", specs.size(), [&](std::size_t i, bson_t* c) {
    Bson keys = Bson::from_json(specs[i]->keys_json);
    put_doc(c, "key", keys.get());
    put_str(c, "name", specs[i]->name);
    if (specs[i]->expire_after_s) put_i32(c, "expireAfterSeconds", *specs[i]->expire_after_s);
  });
  return doc;
}

}  // namespace oddsctl::store::mongo
