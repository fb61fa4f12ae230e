// The MongoDB Store (libmongoc). Only this factory is visible to the rest of the code;
// every mongoc and bson type stays inside src/store/mongo/ so that a build without the
// driver compiles everything else unchanged.
#pragma once

#include <memory>
#include <string>

#include "oddsctl/store.hpp"

namespace oddsctl::store {

// "mongodb://[user:pass@]host[:port][,host...]/dbname[?options]" or "mongodb+srv://...".
// Every connection-string option (TLS, auth, replicaSet, timeouts) goes to the driver as is.
// Defaults unless the URI says otherwise: retryWrites=true, w=majority, appname=oddsctl,
// serverSelectionTimeoutMS=2000, connectTimeoutMS=2000.
// UsageError when the URI is malformed or names no database; StoreError when no server
// answers within the server selection timeout or the collections/indexes cannot be made.
// read_only never creates collections or indexes nor writes the schema mark: a database
// without the mark is "no store at URI: run a scan first".
std::unique_ptr<Store> make_mongo_store(const std::string& uri, OpenMode mode = OpenMode::read_write);

}  // namespace oddsctl::store
