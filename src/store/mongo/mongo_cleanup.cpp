// Retention in the Mongo store: the same rules as SQLite's cleanup.
//
// Each kind's victims are chosen by one query (the same in a dry run, so its counts are
// exact), then removed by deleteMany over batches of policy.batch_size ids that re-state the
// condition, so a document revived meanwhile (a lease renewed) stays. Removed counts come
// from the server's deletedCount.
#include <algorithm>
#include <map>

#include "store/mongo/bson_io.hpp"
#include "store/mongo/mongo_store_impl.hpp"

namespace oddsctl::store::mongo {

namespace {

struct Victim {
  Bson id;  // {_id: <value>}
  std::string region;
  std::int64_t opportunities = 0;
};

struct Kind {
  const char* name;
  const char* collection;
  std::vector<Victim> victims;
  Bson recheck;  // added to every delete's filter
};

Victim victim_of(const bson_t* doc, const char* region_field) {
  Victim v;
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, "_id")) bson_append_iter(v.id.get(), "_id", -1, &it);
  Reader r(doc);
  if (region_field) v.region = r.str(region_field);
  v.opportunities = r.i64("n");
  return v;
}

Bson older_than(const char* field, TimePoint cutoff, bool inclusive = false) {
  Bson doc;
  put_child(doc.get(), field, [&](bson_t* c) { put_date(c, inclusive ? "$lte" : "$lt", cutoff); });
  return doc;
}

Bson projection_opts(const char* sort_field) {
  Bson opts;
  put_child(opts.get(), "projection", [](bson_t* p) {
    put_i32(p, "_id", 1);
    put_i32(p, "region", 1);
  });
  put_child(opts.get(), "sort", [&](bson_t* s) {
    put_i32(s, sort_field, 1);
    put_i32(s, "_id", 1);
  });
  return opts;
}

std::vector<Victim> find_victims(const Conn& c, const char* coll, const Bson& filter, const char* sort_field,
                                 const char* region_field) {
  Bson opts = projection_opts(sort_field);
  std::vector<Victim> out;
  for (const auto& d : c.find(coll, filter, &opts, "cleanup")) out.push_back(victim_of(d.get(), region_field));
  return out;
}

// Scans beyond the newest keep_last of each region, older than the cutoff when one is set,
// never a latest good scan of any source.
std::vector<Victim> scan_victims(const Conn& c, const RetentionPolicy& p, TimePoint now) {
  // Every pointed scan, whatever its region and source: a scan doc id names its region, so
  // excluding them all from each region's candidates spares exactly the pointed ones (and a
  // schema 1 pointer, which has no region field, needs no parsing of its _id).
  std::vector<std::string> latest;
  for (const auto& d : c.find("latest_good", Bson(), nullptr, "cleanup"))
    latest.push_back(Reader(d.get()).str("scan_doc_id"));
  std::vector<std::string> regions;
  Bson group = Bson::from_json(R"({"pipeline": [{"$group": {"_id": "$region"}}, {"$sort": {"_id": 1}}]})");
  for (const auto& d : c.aggregate("scans", group, "cleanup")) regions.push_back(Reader(d.get()).str("_id"));

  std::vector<Victim> out;
  int keep = std::max(0, p.keep_last_scans);
  for (const auto& region : regions) {
    Bson pipeline;
    std::vector<BsonFill> stages;
    stages.push_back([&](bson_t* s) { put_child(s, "$match", [&](bson_t* m) { put_str(m, "region", region); }); });
    stages.push_back([](bson_t* s) {
      put_child(s, "$sort", [](bson_t* o) {
        put_i32(o, "started_at", -1);
        put_i32(o, "scan_id", -1);
      });
    });
    if (keep > 0) stages.push_back([&](bson_t* s) { put_i64(s, "$skip", keep); });
    stages.push_back([&](bson_t* s) {
      put_child(s, "$match", [&](bson_t* m) {
        if (p.scans_older_than)
          put_child(m, "started_at", [&](bson_t* c2) { put_date(c2, "$lt", now - *p.scans_older_than); });
        if (!latest.empty()) put_child(m, "_id", [&](bson_t* c2) { put_str_array(c2, "$nin", latest); });
      });
    });
    stages.push_back([](bson_t* s) {
      put_child(s, "$project", [](bson_t* o) {
        put_i32(o, "_id", 1);
        put_i32(o, "region", 1);
        Bson size = Bson::from_json(R"({"$size": {"$ifNull": ["$opportunities", []]}})");
        put_doc(o, "n", size.get());
      });
    });
    put_child_array(pipeline.get(), "pipeline", stages.size(), [&](std::size_t i, bson_t* s) { stages[i](s); });
    for (const auto& d : c.aggregate("scans", pipeline, "cleanup")) out.push_back(victim_of(d.get(), "region"));
  }
  return out;
}

// Snapshots older than the cutoff, except each (region, event)'s newest: sync compares
// against it.
std::vector<Victim> snapshot_victims(const Conn& c, TimePoint cutoff) {
  Bson newest_pipeline =
      Bson::from_json(R"({"pipeline": [{"$sort": {"region": 1, "event_id": 1, "taken_at": -1, "_id": -1}},)"
                      R"({"$group": {"_id": {"r": "$region", "e": "$event_id"}, "id": {"$first": "$_id"}}}]})");
  std::vector<std::string> newest;
  for (const auto& d : c.aggregate("snapshots", newest_pipeline, "cleanup"))
    newest.push_back(Reader(d.get()).str("id"));
  std::sort(newest.begin(), newest.end());
  std::vector<Victim> out;
  for (auto& v : find_victims(c, "snapshots", older_than("taken_at", cutoff), "taken_at", "region")) {
    if (!std::binary_search(newest.begin(), newest.end(), Reader(v.id.get()).str("_id"))) out.push_back(std::move(v));
  }
  return out;
}

// An _id as text (ObjectId hex or the string itself), to compare ids of two queries.
std::string id_text(const bson_t* doc) {
  bson_iter_t it;
  if (!bson_iter_init_find(&it, doc, "_id")) return "";
  if (BSON_ITER_HOLDS_OID(&it)) {
    char hex[25];
    bson_oid_to_string(bson_iter_oid(&it), hex);
    return hex;
  }
  if (BSON_ITER_HOLDS_UTF8(&it)) return bson_iter_utf8(&it, nullptr);
  return "";
}

// Ledger rows older than the cutoff, except each key's newest row and its newest row with a
// known remaining (what latest_per_key reads): budget must still know each key's figures.
std::vector<Victim> ledger_victims(const Conn& c, TimePoint cutoff) {
  std::vector<std::string> newest;
  for (const char* json :
       {R"({"pipeline": [{"$sort": {"key_id": 1, "at": -1, "_id": -1}},)"
        R"({"$group": {"_id": "$key_id", "id": {"$first": "$_id"}}}, {"$project": {"_id": "$id"}}]})",
        R"({"pipeline": [{"$match": {"remaining": {"$ne": null}}}, {"$sort": {"key_id": 1, "at": -1, "_id": -1}},)"
        R"({"$group": {"_id": "$key_id", "id": {"$first": "$_id"}}}, {"$project": {"_id": "$id"}}]})"}) {
    Bson pipeline = Bson::from_json(json);
    for (const auto& d : c.aggregate("ledger", pipeline, "cleanup")) newest.push_back(id_text(d.get()));
  }
  std::sort(newest.begin(), newest.end());
  std::vector<Victim> out;
  for (auto& v : find_victims(c, "ledger", older_than("at", cutoff), "at", "region")) {
    if (!std::binary_search(newest.begin(), newest.end(), id_text(v.id.get()))) out.push_back(std::move(v));
  }
  return out;
}

// Deletes the victims in batches, one deleteMany per region within a batch.
void remove(const Conn& c, Kind& kind, std::size_t batch, CleanupReport& report) {
  for (std::size_t start = 0; start < kind.victims.size(); start += batch) {
    std::size_t end = std::min(kind.victims.size(), start + batch);
    std::map<std::string, std::vector<const Victim*>> by_region;
    for (std::size_t i = start; i < end; ++i) by_region[kind.victims[i].region].push_back(&kind.victims[i]);
    for (const auto& [region, victims] : by_region) {
      Bson filter;
      bson_concat(filter.get(), kind.recheck.get());
      put_child(filter.get(), "_id", [&](bson_t* in) {
        bson_t arr;
        bson_append_array_begin(in, "$in", -1, &arr);
        char buf[16];
        for (std::size_t i = 0; i < victims.size(); ++i) {
          const char* key = nullptr;
          bson_uint32_to_string(static_cast<uint32_t>(i), &key, buf, sizeof buf);
          bson_iter_t it;
          if (bson_iter_init_find(&it, victims[i]->id.get(), "_id")) bson_append_iter(&arr, key, -1, &it);
        }
        bson_append_array_end(in, &arr);
      });
      auto result = c.delete_many(kind.collection, filter, "cleanup");
      if (result.deleted > 0) report.removed[kind.name][region] += result.deleted;
      if (std::string(kind.name) == "scans") {
        std::int64_t n = 0;
        for (const auto* v : victims) n += v->opportunities;
        if (n > 0) report.removed["opportunities"][region] += n;
      }
    }
  }
}

void count(const Kind& kind, CleanupReport& report) {
  for (const auto& v : kind.victims) {
    report.removed[kind.name][v.region] += 1;
    if (std::string(kind.name) == "scans" && v.opportunities > 0)
      report.removed["opportunities"][v.region] += v.opportunities;
  }
}

}  // namespace

CleanupReport MongoStore::cleanup(const RetentionPolicy& policy, TimePoint now, bool dry_run) {
  Conn c = conn();
  CleanupReport report;
  report.dry_run = dry_run;
  for (const char* k : {"scans", "opportunities", "snapshots", "ledger"}) report.removed[k];
  for (const char* k : {"leases", "alerts", "heartbeats"}) report.removed[k][""] = 0;
  report.bytes_before = data_size(c);

  std::vector<Kind> kinds;
  kinds.push_back({"scans", "scans", scan_victims(c, policy, now), Bson()});
  if (policy.snapshots_older_than) {
    TimePoint cutoff = now - *policy.snapshots_older_than;
    kinds.push_back({"snapshots", "snapshots", snapshot_victims(c, cutoff), older_than("taken_at", cutoff)});
  }
  if (policy.ledger_older_than) {
    TimePoint cutoff = now - *policy.ledger_older_than;
    kinds.push_back({"ledger", "ledger", ledger_victims(c, cutoff), older_than("at", cutoff)});
  }
  if (policy.alerts_older_than) {
    TimePoint cutoff = now - *policy.alerts_older_than;
    kinds.push_back({"alerts", "alerts", find_victims(c, "alerts", older_than("sent_at", cutoff), "sent_at", nullptr),
                     older_than("sent_at", cutoff)});
  }
  if (policy.heartbeats_older_than) {
    TimePoint cutoff = now - *policy.heartbeats_older_than;
    kinds.push_back({"heartbeats", "heartbeats",
                     find_victims(c, "heartbeats", older_than("last_cycle_at", cutoff), "last_cycle_at", nullptr),
                     older_than("last_cycle_at", cutoff)});
  }
  // Expired leases always; a held one (expires_at > now) never.
  kinds.push_back({"leases", "leases",
                   find_victims(c, "leases", older_than("expires_at", now, true), "expires_at", nullptr),
                   older_than("expires_at", now, true)});

  std::size_t batch = static_cast<std::size_t>(std::max(1, policy.batch_size));
  for (auto& kind : kinds) {
    if (dry_run) {
      count(kind, report);
    } else {
      remove(c, kind, batch, report);
    }
  }
  report.bytes_after = data_size(c);
  return report;
}

}  // namespace oddsctl::store::mongo
