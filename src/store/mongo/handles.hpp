// RAII owners for the libmongoc / libbson handles the Mongo store uses.
//
// Ownership rules of the C driver, made explicit here: a pooled client must go back to the
// pool it came from (and before the pool is destroyed); a collection, cursor or bulk
// operation belongs to the client it came from and must die first. Declaring them in that
// order in a scope gives exactly that.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <bson/bson.h>
#include <mongoc/mongoc.h>

namespace oddsctl::store::mongo {

template <class T, void (*Destroy)(T*)>
struct CDeleter {
  void operator()(T* p) const noexcept {
    if (p) Destroy(p);
  }
};
template <class T, void (*Destroy)(T*)>
using CHandle = std::unique_ptr<T, CDeleter<T, Destroy>>;

using UriHandle = CHandle<mongoc_uri_t, mongoc_uri_destroy>;
using PoolHandle = CHandle<mongoc_client_pool_t, mongoc_client_pool_destroy>;
using CollectionHandle = CHandle<mongoc_collection_t, mongoc_collection_destroy>;
using CursorHandle = CHandle<mongoc_cursor_t, mongoc_cursor_destroy>;
using WriteConcernHandle = CHandle<mongoc_write_concern_t, mongoc_write_concern_destroy>;
using FamOptsHandle = CHandle<mongoc_find_and_modify_opts_t, mongoc_find_and_modify_opts_destroy>;

// mongoc_init once per process; the driver is never torn down (it lives until exit).
void ensure_driver_initialised();

// An owned BSON document (heap bson_t). Move-only.
class Bson {
public:
  Bson() : m_doc(bson_new()) {}
  // Takes a copy of a document the driver owns (a cursor's current document, ...).
  static Bson copy_of(const bson_t* doc) { return Bson(bson_copy(doc)); }
  // Adopts a bson_t* from bson_new/bson_copy/bson_new_from_json.
  static Bson adopt(bson_t* doc) { return Bson(doc); }
  // Relaxed extended JSON; throws std::invalid_argument on bad text (tests and literals only).
  static Bson from_json(const std::string& json);

  Bson(Bson&& other) noexcept : m_doc(std::exchange(other.m_doc, nullptr)) {}
  Bson& operator=(Bson&& other) noexcept {
    if (this != &other) {
      reset();
      m_doc = std::exchange(other.m_doc, nullptr);
    }
    return *this;
  }
  Bson(const Bson&) = delete;
  Bson& operator=(const Bson&) = delete;
  ~Bson() { reset(); }

  bson_t* get() noexcept { return m_doc; }
  const bson_t* get() const noexcept { return m_doc; }
  // Relaxed extended JSON: dates as {"$date": "...Z"}, numbers plain.
  std::string json() const;

private:
  explicit Bson(bson_t* doc) : m_doc(doc) {}
  void reset() noexcept {
    if (m_doc) bson_destroy(m_doc);
    m_doc = nullptr;
  }
  bson_t* m_doc;
};

// A client popped from the pool, pushed back when this goes out of scope.
class PooledClient {
public:
  explicit PooledClient(mongoc_client_pool_t* pool) : m_pool(pool), m_client(mongoc_client_pool_pop(pool)) {}
  PooledClient(const PooledClient&) = delete;
  PooledClient& operator=(const PooledClient&) = delete;
  ~PooledClient() {
    if (m_client) mongoc_client_pool_push(m_pool, m_client);
  }
  mongoc_client_t* get() const noexcept { return m_client; }

private:
  mongoc_client_pool_t* m_pool;
  mongoc_client_t* m_client;
};

}  // namespace oddsctl::store::mongo
