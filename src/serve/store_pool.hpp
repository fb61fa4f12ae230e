// A small pool of store connections, one per request thread at most: SQLite serialises the
// calls on one connection, and readers in WAL mode do not block each other. A connection
// is opened on first need (so `serve` starts before the first scan made the store, and
// /readyz says so), and one that threw a StoreError is dropped and reopened later.
// Internal to src/serve/.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::serve {

class StorePool {
public:
  using Open = std::function<std::unique_ptr<store::Store>()>;
  StorePool(Open open, std::size_t max_connections);

  // Borrows a connection; the destructor gives it back.
  class Lease {
  public:
    Lease(StorePool& pool, std::unique_ptr<store::Store> store) : m_pool(&pool), m_store(std::move(store)) {}
    Lease(Lease&& o) noexcept : m_pool(o.m_pool), m_store(std::move(o.m_store)), m_broken(o.m_broken) {}
    Lease(const Lease&) = delete;
    ~Lease();
    store::Store& operator*() const { return *m_store; }
    store::Store* operator->() const { return m_store.get(); }
    store::Store* get() const { return m_store.get(); }
    void broken() { m_broken = true; }  // closes it instead of giving it back

  private:
    StorePool* m_pool;
    std::unique_ptr<store::Store> m_store;
    bool m_broken = false;
  };

  // Throws what opening the store throws (StoreError, UsageError).
  Lease acquire();

  // body(store) on a borrowed connection. A StoreError closes that connection instead of
  // giving it back (it may be what failed) and goes on up.
  template <class Body>
  auto with_store(Body&& body) -> decltype(body(std::declval<store::Store&>())) {
    Lease lease = acquire();
    try {
      return body(*lease);
    } catch (const StoreError&) {
      lease.broken();
      throw;
    }
  }

private:
  void give_back(std::unique_ptr<store::Store> store, bool broken);

  Open m_open;
  std::size_t m_max;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::vector<std::unique_ptr<store::Store>> m_idle;
  std::size_t m_open_count = 0;  // idle + lent
};

}  // namespace oddsctl::serve
