// Which Store backends the conformance suite runs on, and a fresh store per case.
//
// SQLite always (a new file per case in one temp folder, removed at the end when every case
// passed, else left behind and named). MongoDB when the build has it and
// ODDSCTL_TEST_MONGO_URI names a server (a new database per case: <uri>/oddsctl_test_<pid>_<n>).
// PostgreSQL when the build has it and ODDSCTL_TEST_PG_URI names a server (a new schema per
// case: <uri>?schema=oddsctl_test_<pid>_<n>; tests/pg/cluster.py starts one, with PgBouncer).
// ODDSCTL_TEST_STORE_ONLY=<name> runs that backend alone.
//
// The cases are organised like the Store's roles (include/oddsctl/store/): test_<role>.cpp
// per role header (scans, leases, ledger, tracking, meta, alerts, heartbeats, credits, and
// maintenance with cleanup), then test_concurrency, test_migrate and the PostgreSQL-only test_pg.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "oddsctl/store.hpp"

namespace oddsctl::test {

struct Backend {
  std::string name;                        // "sqlite", "mongodb"
  std::function<std::string()> fresh_uri;  // a store no other case has used
};

const std::vector<Backend>& backends();

// Runs body(store, uri, backend_name) once per backend, each on a fresh store; the backend and
// the store's URI are attached to every failure.
template <class F>
void for_each_backend(F&& body) {
  for (const auto& backend : backends()) {
    std::string uri = backend.fresh_uri();
    INFO("backend " << backend.name << ", store " << uri);
    std::unique_ptr<store::Store> store = store::open_store(uri);
    body(*store, uri, backend.name);
  }
}

}  // namespace oddsctl::test
