#include "serve/store_pool.hpp"

#include "oddsctl/errors.hpp"

namespace oddsctl::serve {

StorePool::StorePool(Open open, std::size_t max_connections)
    : m_open(std::move(open)), m_max(max_connections < 1 ? 1 : max_connections) {}

StorePool::Lease::~Lease() {
  if (m_store) m_pool->give_back(std::move(m_store), m_broken);
}

StorePool::Lease StorePool::acquire() {
  {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return !m_idle.empty() || m_open_count < m_max; });
    if (!m_idle.empty()) {
      auto s = std::move(m_idle.back());
      m_idle.pop_back();
      return Lease(*this, std::move(s));
    }
    ++m_open_count;  // a slot for the connection opened below, outside the lock
  }
  try {
    if (!m_open) throw StoreError("no store configured");
    auto s = m_open();
    if (!s) throw StoreError("the store could not be opened");
    return Lease(*this, std::move(s));
  } catch (...) {
    std::lock_guard lock(m_mutex);
    --m_open_count;
    m_cv.notify_one();
    throw;
  }
}

void StorePool::give_back(std::unique_ptr<store::Store> store, bool broken) {
  std::lock_guard lock(m_mutex);
  if (broken) {
    store.reset();
    --m_open_count;
  } else {
    m_idle.push_back(std::move(store));
  }
  m_cv.notify_one();
}

}  // namespace oddsctl::serve
