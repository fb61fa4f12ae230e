// The SQLite store's schema: forward migrations and the self-check.
#pragma once

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

namespace oddsctl::store::sqlite_schema {

// The newest schema version this binary knows.
int known_version();
// The version recorded in the file (0 for a new file).
int current_version(SQLite::Database& db);
// Applies the missing migrations in order, each in its own transaction. StoreError
// (naming `path`) when the file's version is newer than known_version().
void migrate(SQLite::Database& db, const std::string& path);
// The same, stopping at `version` (<= known_version()): for tests that need a file as an
// older oddsctl left it.
void migrate_to(SQLite::Database& db, const std::string& path, int version);
// Missing tables or indexes and PRAGMA quick_check / foreign_key_check findings.
std::vector<std::string> check(SQLite::Database& db);

}  // namespace oddsctl::store::sqlite_schema
