// The MongoDB Store (libmongoc). Only this factory is visible to the rest of the code;
// every mongoc and bson type stays inside src/store/mongo/ so that a build without the
// driver compiles everything else unchanged.
#pragma once

#include <memory>
#include <string>

#include "oddsctl/store.hpp"

namespace oddsctl {

// "mongodb://[user:pass@]host[:port][,host...]/dbname[?options]" or "mongodb+srv://...".
// Every connection-string option (TLS, auth, replicaSet, timeouts) goes to the driver as is.
// Defaults unless the URI says otherwise: retryWrites=true, w=majority, appname=oddsctl,
// serverSelectionTimeoutMS=10000.
// UsageError when the URI is malformed or names no database; StoreError when no server
// answers within the server selection timeout or the collections/indexes cannot be made.
std::unique_ptr<Store> make_mongo_store(const std::string& uri);

}  // namespace oddsctl
