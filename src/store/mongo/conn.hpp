// One borrowed connection of the Mongo store: a client popped from the pool for the
// duration of one Store call, with the CRUD calls the store needs. Every driver failure
// becomes StoreError("mongodb <uri without password>: <operation>: <driver message>").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/mongo/handles.hpp"

namespace oddsctl::store::mongo {

// What a CRUD write reports back.
struct WriteResult {
  std::int64_t matched = 0;
  std::int64_t modified = 0;
  std::int64_t upserted = 0;
  std::int64_t deleted = 0;
};

class Conn {
public:
  Conn(mongoc_client_pool_t* pool, const std::string& database, const std::string& label);

  CollectionHandle collection(const char* name) const;

  std::vector<Bson> find(const char* coll, const Bson& filter, const Bson* opts, const char* op) const;
  std::optional<Bson> find_one(const char* coll, const Bson& filter, const char* op) const;
  std::vector<Bson> aggregate(const char* coll, const Bson& pipeline, const char* op) const;
  std::int64_t count(const char* coll, const Bson& filter, const char* op) const;

  // Upsert of a whole document by its _id (idempotent, retryable).
  void replace_by_id(const char* coll, const Bson& doc, const char* op) const;
  // With upsert and `duplicate_ok`, an E11000 collision (the filter did not match a document
  // whose _id exists) returns nullopt instead of throwing.
  std::optional<WriteResult> update_one(const char* coll, const Bson& filter, const Bson& update, bool upsert,
                                        const char* op, bool duplicate_ok = false) const;
  WriteResult update_many(const char* coll, const Bson& filter, const Bson& update, const char* op) const;
  WriteResult delete_one(const char* coll, const Bson& filter, const char* op) const;
  WriteResult delete_many(const char* coll, const Bson& filter, const char* op) const;
  void insert_many(const char* coll, const std::vector<Bson>& docs, const char* op) const;
  // Several replace-by-_id upserts in one ordered bulk write (one round trip per 100k docs).
  void upsert_many(const char* coll, const std::vector<Bson>& docs, const char* op) const;

  // Several (filter, update) pairs as update-one operations in one ordered bulk write.
  void update_each(const char* coll, const std::vector<std::pair<Bson, Bson>>& ops, bool upsert, const char* op) const;

  // findAndModify with upsert, returning the new document; nullopt on an E11000 collision.
  std::optional<Bson> find_and_upsert(const char* coll, const Bson& filter, const Bson& update, const char* op) const;

  // A command on the database (read or write as the name says).
  Bson read_command(const Bson& command, const char* op) const;
  Bson write_command(const Bson& command, const char* op) const;
  // The same, returning the driver error instead of throwing (for optional commands).
  bool try_command(const Bson& command, Bson* reply, std::string* error) const;

  [[noreturn]] void fail(const char* op, const bson_error_t& error) const;
  const std::string& database() const { return m_database; }

private:
  PooledClient m_client;
  const std::string& m_database;
  const std::string& m_label;
};

bool is_duplicate_key(const bson_error_t& error);

}  // namespace oddsctl::store::mongo
