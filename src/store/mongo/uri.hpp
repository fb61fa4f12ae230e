// Parsing a mongodb:// URI into the driver's mongoc_uri_t with oddsctl's defaults applied,
// and the URI's text form for messages (credentials removed).
#pragma once

#include <string>

#include "store/mongo/handles.hpp"

namespace oddsctl::mongo {

struct MongoTarget {
  UriHandle uri;          // with defaults applied; passed to mongoc_client_pool_new
  std::string database;   // from the URI path
  std::string redacted;   // for messages and StoreInfo::location
};

// UsageError (never naming the password) when the text is not a mongodb:// or
// mongodb+srv:// URI the driver accepts, or names no database. Every option in the URI is
// kept; these are added only when the URI does not set them: retryWrites=true, w=majority,
// appname=oddsctl, serverSelectionTimeoutMS=10000 (a command line should not hang 30 s).
MongoTarget parse_mongo_uri(const std::string& text);

// "mongodb://user:***@host/db?tlsCertificateKeyFilePassword=***": the password of the user
// info and the values of options that hold secrets are replaced by ***.
std::string redact_mongo_uri(const std::string& text);

}  // namespace oddsctl::mongo
