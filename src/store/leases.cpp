// Reclaiming leases of dead local holders, and the record of leases this process holds.
#include "oddsctl/store/lease_helpers.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <charconv>
#include <mutex>
#include <vector>

#include <spdlog/spdlog.h>

namespace oddsctl::store {

namespace {

struct Held {
  LeaseStore* store;
  std::string name, owner;
};

std::mutex& held_mutex() {
  static std::mutex m;
  return m;
}

std::vector<Held>& held() {
  static std::vector<Held> v;
  return v;
}

}  // namespace

bool lease_owner_gone(const std::string& owner) {
  auto colon = owner.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= owner.size()) return false;
  const char* first = owner.data() + colon + 1;
  const char* last = owner.data() + owner.size();
  long long pid = 0;
  auto [end, ec] = std::from_chars(first, last, pid);
  if (ec != std::errc() || end != last || pid <= 1 || pid > 0x7fffffff) return false;
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  if (owner.compare(0, colon, host) != 0 || std::string(host).size() != colon) return false;
  if (static_cast<pid_t>(pid) == ::getpid()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

LeaseResult acquire_or_reclaim_lease(LeaseStore& store, const std::string& name, const std::string& owner, Millis ttl,
                                     TimePoint now) {
  LeaseResult r = store.acquire_lease(name, owner, ttl, now);
  if (r.acquired || r.lease.owner == owner || !lease_owner_gone(r.lease.owner)) return r;
  const std::string dead = r.lease.owner;
  LeaseResult taken = store.acquire_lease_from(name, owner, dead, ttl, now);
  if (taken.acquired) spdlog::info("lease {} reclaimed from {} (process gone)", name, dead);
  return taken;
}

void note_lease_held(LeaseStore& store, const std::string& name, const std::string& owner) {
  std::lock_guard lock(held_mutex());
  held().push_back(Held{&store, name, owner});
}

void note_lease_released(LeaseStore& store, const std::string& name, const std::string& owner) {
  std::lock_guard lock(held_mutex());
  auto& v = held();
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it->store == &store && it->name == name && it->owner == owner) {
      v.erase(it);
      return;
    }
}

int release_noted_leases() {
  std::vector<Held> todo;
  {
    std::lock_guard lock(held_mutex());
    todo.swap(held());
  }
  int released = 0;
  for (const auto& h : todo) {
    try {
      h.store->release_lease(h.name, h.owner);
      ++released;
    } catch (const std::exception& e) {
      spdlog::warn("could not release lease {}: {}", h.name, e.what());
    }
  }
  return released;
}

std::string default_worker_id() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  return std::string(host) + ":" + std::to_string(::getpid());
}

}  // namespace oddsctl::store
