// The Store: all state oddsctl keeps, as small role interfaces (include/oddsctl/store/),
// each with its value types, that one object per backend implements together: SQLite
// always, MongoDB and PostgreSQL when built in, chosen by URI scheme. A service takes only
// the roles it uses (a ScanStore& for `cache get`, a LedgerStore& for budget status, ...);
// the store conformance suite (tests/store/) is organised by the same roles.
//
// Every method is atomic: it either does all of its work or none (a transaction in SQLite
// and PostgreSQL, single-document updates or a transaction in MongoDB). Failures throw
// StoreError with the backend, the operation and the cause in the message. Implementations
// are safe for use by several threads through one Store object (they serialise internally)
// and by several processes on one store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "oddsctl/store/alerts.hpp"
#include "oddsctl/store/credits.hpp"
#include "oddsctl/store/heartbeats.hpp"
#include "oddsctl/store/leases.hpp"
#include "oddsctl/store/ledger.hpp"
#include "oddsctl/store/maintenance.hpp"
#include "oddsctl/store/meta.hpp"
#include "oddsctl/store/scans.hpp"
#include "oddsctl/store/tracking.hpp"

namespace oddsctl::store {

class Store : public ScanStore,
              public LeaseStore,
              public LedgerStore,
              public TrackingStore,
              public MetaStore,
              public AlertStore,
              public HeartbeatStore,
              public StoreMaintenance,
              public CreditReservations {
public:
  ~Store() override = default;
};

// Which backends this build has: {"sqlite"} or {"sqlite", "mongodb"}.
std::vector<std::string> built_in_stores();

// How a command means to use a store. read_write (scan, sync, cleanup, alerts...) makes a
// missing SQLite file and its folder (the file 0600) and brings the schema up to date.
// read_only (cache get/list/stats/show/export, budget, sync list, store check) never makes
// or changes anything: a missing SQLite file is StoreError "no store at PATH: run a scan
// first"; the file may be one the user may only read, on a read-only filesystem or a full
// disk; a MongoDB database gets no collections or indexes. A store opened read_only throws
// StoreError on any write.
enum class OpenMode { read_write, read_only };

// "sqlite:///abs/path.db", "sqlite:relative.db", a bare path, or "mongodb://.../dbname"
// (also "mongodb+srv://"). UsageError for an unknown scheme or mongodb:// on a build without
// it; StoreError when the store cannot be opened, or when a SQLite file is not an oddsctl
// store (another program's tables: refused, never written to).
std::unique_ptr<Store> open_store(const std::string& uri, OpenMode mode = OpenMode::read_write);

// $XDG_STATE_HOME/oddsctl/oddsctl.db, else ~/.local/state/oddsctl/oddsctl.db
std::string default_store_path();

}  // namespace oddsctl::store
