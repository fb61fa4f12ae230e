// The budget ledger, meta key/values, alert marks and worker heartbeats in the Mongo store.
#include "store/mongo/bson_io.hpp"
#include "store/mongo/mapping.hpp"
#include "store/mongo/mongo_store_impl.hpp"
#include "store/mongo/queries.hpp"

namespace oddsctl::store::mongo {

namespace {

Bson sorted_by_id() {
  Bson opts;
  put_child(opts.get(), "sort", [](bson_t* s) { put_i32(s, "_id", 1); });
  return opts;
}

}  // namespace

// Ids are ObjectIds made here, in order, so that entries of the same millisecond keep
// their insertion order when read back (sorted by at, then _id).
void MongoStore::append_ledger(const std::vector<LedgerEntry>& entries) {
  if (entries.empty()) return;
  std::vector<Bson> docs;
  docs.reserve(entries.size());
  for (const auto& e : entries) {
    Bson doc;
    bson_oid_t oid;
    bson_oid_init(&oid, nullptr);
    bson_append_oid(doc.get(), "_id", -1, &oid);
    Bson body = ledger_to_bson(e);
    bson_concat(doc.get(), body.get());
    docs.push_back(std::move(doc));
  }
  conn().insert_many("ledger", docs, "append ledger");
}

std::vector<LedgerEntry> MongoStore::ledger(const LedgerQuery& query) {
  Conn c = conn();
  Bson opts = ledger_find_opts(query);
  std::vector<LedgerEntry> out;
  for (const auto& d : c.find("ledger", ledger_filter(query), &opts, "read ledger")) {
    out.push_back(ledger_from_bson(Reader(d.get())));
  }
  return out;
}

std::vector<LedgerEntry> MongoStore::latest_per_key() {
  Conn c = conn();
  std::vector<LedgerEntry> out;
  for (const auto& d : c.aggregate("ledger", latest_per_key_pipeline(), "read ledger")) {
    out.push_back(ledger_from_bson(Reader(d.get())));
  }
  return out;
}

std::optional<std::string> MongoStore::get_meta(const std::string& key) {
  auto doc = conn().find_one("meta", by_id(key), "get meta");
  if (!doc) return std::nullopt;
  return Reader(doc->get()).str("value");
}

void MongoStore::set_meta(const std::string& key, const std::string& value) {
  Bson doc = by_id(key);
  put_str(doc.get(), "value", value);
  conn().replace_by_id("meta", doc, "set meta");
}

std::optional<std::map<std::string, std::string>> MongoStore::list_meta() {
  Conn c = conn();
  Bson opts = sorted_by_id();
  std::map<std::string, std::string> out;
  for (const auto& d : c.find("meta", Bson(), &opts, "list meta")) {
    Reader r(d.get());
    out[r.str("_id")] = r.str("value");
  }
  return out;
}

std::optional<AlertMark> MongoStore::get_alert(const std::string& key) {
  auto doc = conn().find_one("alerts", by_id(key), "get alert");
  if (!doc) return std::nullopt;
  return alert_from_bson(Reader(doc->get()));
}

void MongoStore::mark_alert(const AlertMark& mark) {
  conn().replace_by_id("alerts", alert_to_bson(mark), "mark alert");
}

std::vector<AlertMark> MongoStore::list_alerts() {
  Conn c = conn();
  Bson opts = sorted_by_id();
  std::vector<AlertMark> out;
  for (const auto& d : c.find("alerts", Bson(), &opts, "list alerts")) out.push_back(alert_from_bson(Reader(d.get())));
  return out;
}

void MongoStore::heartbeat(const Heartbeat& hb) {
  conn().replace_by_id("heartbeats", heartbeat_to_bson(hb), "heartbeat");
}

std::vector<Heartbeat> MongoStore::heartbeats() {
  Conn c = conn();
  Bson opts = sorted_by_id();
  std::vector<Heartbeat> out;
  for (const auto& d : c.find("heartbeats", Bson(), &opts, "list heartbeats")) {
    out.push_back(heartbeat_from_bson(Reader(d.get())));
  }
  return out;
}

}  // namespace oddsctl::store::mongo
