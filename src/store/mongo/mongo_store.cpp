// The MongoDB Store: connection, schema (collections and indexes), info, check, compact.
//
// DESIGN
// - One document per region-scan in `scans`, its opportunities embedded as an array.
//   MongoDB writes one document atomically, so a scan and its opportunities appear together
//   or not at all without a multi-document transaction (which needs a replica set and costs
//   round trips); reading a region's result is one document fetch. A document is capped at
//   16 MB; a region's opportunities are a few hundred small sub-documents (a few hundred
//   KB at most), far below it. A separate opportunities collection would need transactions
//   for atomic saves and a second query per read, for nothing we use.
// - `latest_good` holds one pointer document per region and scan source ({_id: "<region>"
//   for live, "<region>:<source>" otherwise, scan_doc_id, started_at}; see mapping.hpp),
//   replaced by a single update. save_scan writes the scan document first and
//   the pointer second, so the pointer only ever names a complete scan; a failure between
//   the two leaves the previous latest good in place (the new scan is then simply history).
//   The pointer only moves forward (started_at), so runs finishing out of order cannot roll
//   the cache back; regions never share a document, so regional writers never clobber,
//   and a demo, replay or --from-store scan moves only its own source's pointer.
// - Leases: one findAndModify with upsert whose filter matches only a free (expired) lease
//   or our own; when someone else holds it, the upsert collides on _id (E11000) and we read
//   the holder. A TTL index on expires_at (expireAfterSeconds 0) lets the server drop
//   expired leases by itself; correctness never depends on it.
// - No TTL index on scans or snapshots: cleanup keeps the newest N scans per region and
//   never a latest good one (of any source), and keeps each event's newest snapshot; those
//   rules depend on other documents, which a TTL index (a fixed age per document) cannot
//   express. Alerts,
//   heartbeats and the ledger expire by user-chosen ages (cleanup flags), so they are not
//   TTL-indexed either.
// - Writes go with w=majority and retryWrites=true unless the URI says otherwise: a primary
//   step-down or dropped connection during a single-document write is retried once by the
//   driver, else the call fails with StoreError (exit 1).
// - Multi-document calls (upsert_tracked, record_sync, append_ledger) are ordered bulk
//   writes of idempotent per-document operations, not transactions: each document is
//   atomic, and a retried call converges to the same state.
#include "store/mongo/mongo_store.hpp"

#include <fmt/format.h>

#include "oddsctl/errors.hpp"
#include "store/mongo/bson_io.hpp"
#include "store/mongo/mongo_store_impl.hpp"
#include "store/mongo/queries.hpp"
#include "util/module_log.hpp"

namespace oddsctl::store {

std::unique_ptr<Store> make_mongo_store(const std::string& uri, OpenMode mode) {
  return std::make_unique<mongo::MongoStore>(mongo::parse_mongo_uri(uri), mode);
}

}  // namespace oddsctl::store

namespace oddsctl::store::mongo {

namespace {

Bson id_doc(const std::string& id) {
  Bson doc;
  put_str(doc.get(), "_id", id);
  return doc;
}

Bson single(const char* key, std::int32_t value) {
  Bson doc;
  put_i32(doc.get(), key, value);
  return doc;
}

}  // namespace

MongoStore::MongoStore(MongoTarget target, OpenMode mode)
    : m_target(std::move(target)), m_label("mongodb " + m_target.redacted) {
  bson_error_t error;
  m_pool.reset(mongoc_client_pool_new_with_error(m_target.uri.get(), &error));
  if (!m_pool) throw StoreError(m_label + ": open: " + error.message);
  mongoc_client_pool_set_error_api(m_pool.get(), MONGOC_ERROR_API_VERSION_2);
  ensure_schema(mode);
}

void MongoStore::ensure_schema(OpenMode mode) {
  Conn c = conn();
  c.read_command(single("ping", 1), "connect");
  auto marker = c.find_one("schema", id_doc("oddsctl"), "read schema version");
  std::int64_t version = marker ? Reader(marker->get()).i64("version") : 0;
  if (version > k_schema_version) {
    throw StoreError(m_label + ": open: the database has schema version " + std::to_string(version) +
                     ", newer than this oddsctl knows (" + std::to_string(k_schema_version) + "); upgrade oddsctl");
  }
  if (version == k_schema_version) return;
  if (mode == OpenMode::read_only) {
    // A reader makes nothing: no mark means nothing oddsctl ever wrote here (a typo in the
    // database name, say). An older mark reads as it is (schema 1 documents read fine);
    // the next writer adds what is missing.
    if (!marker) throw StoreError("no store at " + m_target.redacted + ": run a scan first");
    return;
  }
  // First use (or an older schema): create what is missing. Every step is idempotent, so
  // two processes doing this at once is harmless.
  for (const auto& name : collection_names()) {
    Bson create;
    put_str(create.get(), "create", name);
    c.try_command(create, nullptr, nullptr);  // "already exists" is fine
  }
  std::vector<std::string> done;
  for (const auto& spec : index_specs()) {
    if (std::find(done.begin(), done.end(), spec.collection) != done.end()) continue;
    done.push_back(spec.collection);
    c.write_command(create_indexes_command(spec.collection), "create indexes");
  }
  Bson update;
  put_child(update.get(), "$max", [](bson_t* m) { put_i32(m, "version", k_schema_version); });
  c.update_one("schema", id_doc("oddsctl"), update, true, "write schema version", true);
}

std::int64_t MongoStore::data_size(const Conn& c) const {
  Bson stats = c.read_command(single("dbStats", 1), "dbStats");
  return Reader(stats.get()).i64("dataSize");
}

StoreInfo MongoStore::info() {
  Conn c = conn();
  StoreInfo info;
  info.backend = "mongodb";
  info.location = m_target.redacted;
  auto marker = c.find_one("schema", id_doc("oddsctl"), "read schema version");
  info.schema_version = marker ? static_cast<int>(Reader(marker->get()).i64("version")) : 0;
  Bson all;
  const std::pair<const char*, const char*> kinds[] = {{"scans", "scans"},
                                                       {"snapshots", "snapshots"},
                                                       {"ledger", "ledger"},
                                                       {"leases", "leases"},
                                                       {"alerts", "alerts"},
                                                       {"heartbeats", "heartbeats"},
                                                       {"tracked", "tracked_events"},
                                                       {"meta", "meta"},
                                                       {"latest_good", "latest_good"}};
  for (const auto& [kind, coll] : kinds) info.counts[kind] = c.count(coll, all, "count");
  // Opportunities are embedded: their count is the sum of the scans' counts.
  Bson pipeline = Bson::from_json(
      R"({"pipeline": [{"$group": {"_id": null, "n": {"$sum": {"$size": {"$ifNull": ["$opportunities", []]}}}}}]})");
  auto sum = c.aggregate("scans", pipeline, "count opportunities");
  info.counts["opportunities"] = sum.empty() ? 0 : Reader(sum.front().get()).i64("n");
  info.size_bytes = data_size(c);
  return info;
}

std::vector<std::string> MongoStore::check() {
  Conn c = conn();
  std::vector<std::string> problems;
  auto marker = c.find_one("schema", id_doc("oddsctl"), "read schema version");
  std::int64_t version = marker ? Reader(marker->get()).i64("version") : 0;
  if (version != k_schema_version) {
    problems.push_back("schema version is " + std::to_string(version) + ", expected " +
                       std::to_string(k_schema_version));
  }
  // Indexes by collection, from listIndexes.
  std::vector<std::string> seen;
  for (const auto& spec : index_specs()) {
    if (std::find(seen.begin(), seen.end(), spec.collection) != seen.end()) continue;
    seen.push_back(spec.collection);
    auto coll = c.collection(spec.collection.c_str());
    CursorHandle cursor(mongoc_collection_find_indexes_with_opts(coll.get(), nullptr));
    std::vector<Bson> present;
    const bson_t* doc = nullptr;
    while (mongoc_cursor_next(cursor.get(), &doc)) present.push_back(Bson::copy_of(doc));
    bson_error_t error;
    if (mongoc_cursor_error(cursor.get(), &error)) {
      problems.push_back(spec.collection + ": cannot list indexes: " + error.message);
      continue;
    }
    for (const auto& want : index_specs()) {
      if (want.collection != spec.collection) continue;
      const Bson* found = nullptr;
      for (const auto& p : present)
        if (Reader(p.get()).str("name") == want.name) found = &p;
      if (!found) {
        problems.push_back(want.collection + ": index " + want.name + " is missing");
        continue;
      }
      Reader r(found->get());
      if (want.expire_after_s && r.opt_i64("expireAfterSeconds") != std::optional<std::int64_t>(*want.expire_after_s)) {
        problems.push_back(want.collection + ": index " + want.name + " is not a TTL index of " +
                           std::to_string(*want.expire_after_s) + "s");
      }
    }
  }
  return problems;
}

void MongoStore::compact() {
  Conn c = conn();
  for (const auto& name : collection_names()) {
    Bson command;
    put_str(command.get(), "compact", name);
    std::string error;
    if (!c.try_command(command, nullptr, &error)) {
      // Atlas shared tiers and users without the compact privilege refuse it: the data is
      // fine, only disk space is not handed back.
      module_log::info(fmt::format("mongodb: compact {} skipped: {}", name, error));
    }
  }
}

}  // namespace oddsctl::store::mongo
