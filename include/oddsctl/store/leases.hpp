// Role: leases. Named, expiring locks (one scan per region, one sync per tier) shared by every
// process and machine on one store.
#pragma once

#include <string>
#include <vector>

#include "oddsctl/time.hpp"

namespace oddsctl::store {

struct Lease {
  std::string name;   // "scan:au", "sync:hot", ...
  std::string owner;  // host:pid or worker id
  TimePoint acquired_at{};
  TimePoint expires_at{};
};

struct LeaseResult {
  bool acquired = false;
  Lease lease;  // ours when acquired, else the holder's
};

class LeaseStore {
public:
  virtual ~LeaseStore() = default;

  // Taken when free, expired, or already ours (then extended). Atomic across processes
  // (and machines, for shared backends).
  virtual LeaseResult acquire_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) = 0;
  // Extends a lease we hold; false when it is no longer ours.
  virtual bool renew_lease(const std::string& name, const std::string& owner, Millis ttl, TimePoint now) = 0;
  // Takes the lease over from `dead_owner` (a holder known to be gone, see lease_owner_gone),
  // whatever its expiry: a conditional update that matches only while dead_owner still holds
  // it, so a live run that took it meanwhile keeps it. When dead_owner no longer holds it,
  // this is acquire_lease. Atomic like acquire_lease.
  virtual LeaseResult acquire_lease_from(const std::string& name, const std::string& owner,
                                         const std::string& dead_owner, Millis ttl, TimePoint now) = 0;
  virtual void release_lease(const std::string& name, const std::string& owner) = 0;
  virtual std::vector<Lease> list_leases() = 0;
};

}  // namespace oddsctl::store
