// Parsing a mongodb:// URI into the driver's mongoc_uri_t with oddsctl's defaults applied,
// and the URI's text form for messages (credentials removed).
#pragma once

#include <string>

#include "store/mongo/handles.hpp"

namespace oddsctl::store::mongo {

struct MongoTarget {
  UriHandle uri;         // with defaults applied; passed to mongoc_client_pool_new
  std::string database;  // from the URI path
  std::string redacted;  // for messages and StoreInfo::location
};

// The timeouts a URI gets unless it sets its own: an unreachable server or a closed port
// fails in about 2 s, not the driver's 30 s (selection) or 10 s (connect).
inline constexpr int k_default_server_selection_timeout_ms = 2000;
inline constexpr int k_default_connect_timeout_ms = 2000;

// UsageError (never naming the password) when the text is not a mongodb:// or
// mongodb+srv:// URI the driver accepts, or names no database. Every option in the URI is
// kept; these are added only when the URI does not set them: retryWrites=true, w=majority,
// appname=oddsctl, serverSelectionTimeoutMS=2000, connectTimeoutMS=2000.
MongoTarget parse_mongo_uri(const std::string& text);

// "mongodb://user:***@host/db?tlsCertificateKeyFilePassword=***": the password of the user
// info and the values of options that hold secrets are replaced by ***.
std::string redact_mongo_uri(const std::string& text);

}  // namespace oddsctl::store::mongo
