#include "store/mongo/conn.hpp"

#include "oddsctl/errors.hpp"
#include "store/mongo/bson_io.hpp"

namespace oddsctl::store::mongo {

namespace {

std::int64_t reply_count(const bson_t* reply, const char* key) {
  bson_iter_t it;
  if (bson_iter_init_find(&it, reply, key) && BSON_ITER_HOLDS_NUMBER(&it)) return bson_iter_as_int64(&it);
  return 0;
}

WriteResult read_write_result(const bson_t* reply) {
  return WriteResult{reply_count(reply, "matchedCount"), reply_count(reply, "modifiedCount"),
                     reply_count(reply, "upsertedCount"), reply_count(reply, "deletedCount")};
}

Bson upsert_opts() {
  Bson opts;
  put_bool(opts.get(), "upsert", true);
  return opts;
}

// A filter on the document's own _id.
Bson id_filter_of(const Bson& doc) {
  Bson filter;
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc.get(), "_id")) bson_append_iter(filter.get(), "_id", -1, &it);
  return filter;
}

// Drains a cursor into owned documents; a cursor error becomes a StoreError.
std::vector<Bson> drain(const Conn& conn, mongoc_cursor_t* cursor, const char* op) {
  std::vector<Bson> out;
  const bson_t* doc = nullptr;
  while (mongoc_cursor_next(cursor, &doc)) out.push_back(Bson::copy_of(doc));
  bson_error_t error;
  if (mongoc_cursor_error(cursor, &error)) conn.fail(op, error);
  return out;
}

}  // namespace

bool is_duplicate_key(const bson_error_t& error) { return error.code == 11000 || error.code == 11001; }

Conn::Conn(mongoc_client_pool_t* pool, const std::string& database, const std::string& label)
    : m_client(pool), m_database(database), m_label(label) {}

void Conn::fail(const char* op, const bson_error_t& error) const {
  throw StoreError(m_label + ": " + op + ": " + error.message);
}

CollectionHandle Conn::collection(const char* name) const {
  return CollectionHandle(mongoc_client_get_collection(m_client.get(), m_database.c_str(), name));
}

std::vector<Bson> Conn::find(const char* coll, const Bson& filter, const Bson* opts, const char* op) const {
  auto c = collection(coll);
  CursorHandle cursor(mongoc_collection_find_with_opts(c.get(), filter.get(), opts ? opts->get() : nullptr, nullptr));
  return drain(*this, cursor.get(), op);
}

std::optional<Bson> Conn::find_one(const char* coll, const Bson& filter, const char* op) const {
  Bson opts;
  put_i64(opts.get(), "limit", 1);
  auto docs = find(coll, filter, &opts, op);
  if (docs.empty()) return std::nullopt;
  return std::move(docs.front());
}

std::vector<Bson> Conn::aggregate(const char* coll, const Bson& pipeline, const char* op) const {
  auto c = collection(coll);
  Bson opts;
  put_bool(opts.get(), "allowDiskUse", true);
  CursorHandle cursor(mongoc_collection_aggregate(c.get(), MONGOC_QUERY_NONE, pipeline.get(), opts.get(), nullptr));
  return drain(*this, cursor.get(), op);
}

std::int64_t Conn::count(const char* coll, const Bson& filter, const char* op) const {
  auto c = collection(coll);
  bson_error_t error;
  std::int64_t n = mongoc_collection_count_documents(c.get(), filter.get(), nullptr, nullptr, nullptr, &error);
  if (n < 0) fail(op, error);
  return n;
}

void Conn::replace_by_id(const char* coll, const Bson& doc, const char* op) const {
  auto c = collection(coll);
  Bson filter = id_filter_of(doc);
  Bson opts = upsert_opts();
  bson_t reply;  // always initialised by the driver
  bson_error_t error;
  bool ok = mongoc_collection_replace_one(c.get(), filter.get(), doc.get(), opts.get(), &reply, &error);
  bson_destroy(&reply);
  if (!ok) fail(op, error);
}

std::optional<WriteResult> Conn::update_one(const char* coll, const Bson& filter, const Bson& update, bool upsert,
                                            const char* op, bool duplicate_ok) const {
  auto c = collection(coll);
  Bson opts;
  if (upsert) put_bool(opts.get(), "upsert", true);
  bson_t reply;
  bson_error_t error;
  bool ok = mongoc_collection_update_one(c.get(), filter.get(), update.get(), opts.get(), &reply, &error);
  WriteResult result = read_write_result(&reply);
  bson_destroy(&reply);
  if (!ok) {
    if (duplicate_ok && is_duplicate_key(error)) return std::nullopt;
    fail(op, error);
  }
  return result;
}

WriteResult Conn::update_many(const char* coll, const Bson& filter, const Bson& update, const char* op) const {
  auto c = collection(coll);
  bson_t reply;
  bson_error_t error;
  bool ok = mongoc_collection_update_many(c.get(), filter.get(), update.get(), nullptr, &reply, &error);
  WriteResult result = read_write_result(&reply);
  bson_destroy(&reply);
  if (!ok) fail(op, error);
  return result;
}

WriteResult Conn::delete_one(const char* coll, const Bson& filter, const char* op) const {
  auto c = collection(coll);
  bson_t reply;
  bson_error_t error;
  bool ok = mongoc_collection_delete_one(c.get(), filter.get(), nullptr, &reply, &error);
  WriteResult result = read_write_result(&reply);
  bson_destroy(&reply);
  if (!ok) fail(op, error);
  return result;
}

WriteResult Conn::delete_many(const char* coll, const Bson& filter, const char* op) const {
  auto c = collection(coll);
  bson_t reply;
  bson_error_t error;
  bool ok = mongoc_collection_delete_many(c.get(), filter.get(), nullptr, &reply, &error);
  WriteResult result = read_write_result(&reply);
  bson_destroy(&reply);
  if (!ok) fail(op, error);
  return result;
}

void Conn::insert_many(const char* coll, const std::vector<Bson>& docs, const char* op) const {
  if (docs.empty()) return;
  auto c = collection(coll);
  std::vector<const _bson_t*> ptrs;
  ptrs.reserve(docs.size());
  for (const auto& d : docs) ptrs.push_back(d.get());
  bson_t reply;
  bson_error_t error;
  bool ok = mongoc_collection_insert_many(c.get(), ptrs.data(), ptrs.size(), nullptr, &reply, &error);
  bson_destroy(&reply);
  if (!ok) fail(op, error);
}

void Conn::upsert_many(const char* coll, const std::vector<Bson>& docs, const char* op) const {
  if (docs.empty()) return;
  auto c = collection(coll);
  Bson bulk_opts;
  put_bool(bulk_opts.get(), "ordered", true);
  CHandle<mongoc_bulk_operation_t, mongoc_bulk_operation_destroy> bulk(
      mongoc_collection_create_bulk_operation_with_opts(c.get(), bulk_opts.get()));
  Bson opts = upsert_opts();
  bson_error_t error;
  for (const auto& d : docs) {
    Bson filter = id_filter_of(d);
    if (!mongoc_bulk_operation_replace_one_with_opts(bulk.get(), filter.get(), d.get(), opts.get(), &error)) {
      fail(op, error);
    }
  }
  bson_t reply;
  bool ok = mongoc_bulk_operation_execute(bulk.get(), &reply, &error) != 0;
  bson_destroy(&reply);
  if (!ok) fail(op, error);
}

void Conn::update_each(const char* coll, const std::vector<std::pair<Bson, Bson>>& ops, bool upsert,
                       const char* op) const {
  if (ops.empty()) return;
  auto c = collection(coll);
  Bson bulk_opts;
  put_bool(bulk_opts.get(), "ordered", true);
  CHandle<mongoc_bulk_operation_t, mongoc_bulk_operation_destroy> bulk(
      mongoc_collection_create_bulk_operation_with_opts(c.get(), bulk_opts.get()));
  Bson opts;
  if (upsert) put_bool(opts.get(), "upsert", true);
  bson_error_t error;
  for (const auto& [filter, update] : ops) {
    if (!mongoc_bulk_operation_update_one_with_opts(bulk.get(), filter.get(), update.get(), opts.get(), &error)) {
      fail(op, error);
    }
  }
  bson_t reply;
  bool ok = mongoc_bulk_operation_execute(bulk.get(), &reply, &error) != 0;
  bson_destroy(&reply);
  if (!ok) fail(op, error);
}

std::optional<Bson> Conn::find_and_upsert(const char* coll, const Bson& filter, const Bson& update,
                                          const char* op) const {
  auto c = collection(coll);
  FamOptsHandle opts(mongoc_find_and_modify_opts_new());
  mongoc_find_and_modify_opts_set_update(opts.get(), update.get());
  mongoc_find_and_modify_opts_set_flags(
      opts.get(),
      static_cast<mongoc_find_and_modify_flags_t>(MONGOC_FIND_AND_MODIFY_UPSERT | MONGOC_FIND_AND_MODIFY_RETURN_NEW));
  bson_t reply;
  bson_error_t error;
  bool ok = mongoc_collection_find_and_modify_with_opts(c.get(), filter.get(), opts.get(), &reply, &error);
  if (!ok) {
    bson_destroy(&reply);
    if (is_duplicate_key(error)) return std::nullopt;
    fail(op, error);
  }
  std::optional<Bson> value;
  bson_iter_t it;
  if (bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it)) {
    uint32_t len = 0;
    const uint8_t* data = nullptr;
    bson_iter_document(&it, &len, &data);
    value = Bson::adopt(bson_new_from_data(data, len));
  }
  bson_destroy(&reply);
  return value;
}

Bson Conn::read_command(const Bson& command, const char* op) const {
  bson_t reply;
  bson_error_t error;
  bool ok = mongoc_client_read_command_with_opts(m_client.get(), m_database.c_str(), command.get(), nullptr, nullptr,
                                                 &reply, &error);
  Bson out = Bson::copy_of(&reply);
  bson_destroy(&reply);
  if (!ok) fail(op, error);
  return out;
}

Bson Conn::write_command(const Bson& command, const char* op) const {
  bson_t reply;
  bson_error_t error;
  bool ok =
      mongoc_client_write_command_with_opts(m_client.get(), m_database.c_str(), command.get(), nullptr, &reply, &error);
  Bson out = Bson::copy_of(&reply);
  bson_destroy(&reply);
  if (!ok) fail(op, error);
  return out;
}

bool Conn::try_command(const Bson& command, Bson* reply, std::string* error_text) const {
  bson_t r;
  bson_error_t error;
  bool ok = mongoc_client_command_simple(m_client.get(), m_database.c_str(), command.get(), nullptr, &r, &error);
  if (reply) *reply = Bson::copy_of(&r);
  bson_destroy(&r);
  if (!ok && error_text) *error_text = error.message;
  return ok;
}

}  // namespace oddsctl::store::mongo
