// Schema versions of the PostgreSQL store. Migrations only go forward: each step takes the
// schema from version i to i+1, all steps of one open in one transaction under
// pg_advisory_xact_lock (never a session lock: safe behind a transaction pooler), so two
// runners upgrading at once apply each step once and a crash mid-way changes nothing.
// Never edit a released step; append a new one.
#pragma once

#include <string>
#include <vector>

#include "store/pg/conn.hpp"

namespace oddsctl::store::pg::schema {

int known_version();
// 0 when the schema has no oddsctl tables yet.
int current_version(Tx& tx, const std::string& schema);
// Why the schema is not an oddsctl store (tables of ours without a schema_version), or "".
std::string foreign_reason(Tx& tx, const std::string& schema);
// Brings the schema to known_version(), creating it when missing. Call in a read-write
// transaction; takes the migration lock. Throws StoreError for a newer schema.
void migrate(Tx& tx, const std::string& schema, const std::string& label);
std::vector<std::string> check(Tx& tx, const std::string& schema);
// The tables of the newest version.
const std::vector<const char*>& tables();

}  // namespace oddsctl::store::pg::schema
