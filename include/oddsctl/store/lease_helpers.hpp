// Lease helpers shared by scan and sync, on top of the Store's lease methods: a lease whose
// holder died on this host is taken over at once instead of blocking every run until it
// expires, and every lease this process holds is noted so that an exit that cannot unwind
// (the worker's grace watchdog) still releases them.
#pragma once

#include <string>

#include "oddsctl/store/leases.hpp"

namespace oddsctl::store {

// True when `owner` is "host:pid" (default_worker_id) with `host` this machine's name and no
// process `pid` exists any more (kill(pid, 0) fails with ESRCH). False for a --worker-id
// name, another host, a live process (ours or anyone's), or anything else: then only expiry
// frees the lease.
bool lease_owner_gone(const std::string& owner);

// This process as a lease owner and worker: "host:pid".
std::string default_worker_id();

// acquire_lease; when someone else holds the lease and that holder is gone
// (lease_owner_gone), Store::acquire_lease_from takes it over at once, logged at info level:
// "lease scan:au reclaimed from host:1234 (process gone)".
LeaseResult acquire_or_reclaim_lease(LeaseStore& store, const std::string& name, const std::string& owner, Millis ttl,
                                     TimePoint now);

// The process-wide record of leases held. note_lease_held after a lease is taken,
// note_lease_released after it is given back (or lost).
void note_lease_held(LeaseStore& store, const std::string& name, const std::string& owner);
void note_lease_released(LeaseStore& store, const std::string& name, const std::string& owner);
// Releases every lease still noted (best effort: each failure is logged); returns how many
// were released. For an exit that cannot unwind; the Stores noted must still be open.
int release_noted_leases();

}  // namespace oddsctl::store
