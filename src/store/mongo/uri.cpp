#include "oddsctl/keys.hpp"
#include "store/mongo/uri.hpp"

#include <algorithm>
#include <cctype>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::store::mongo {

namespace {

const char* const k_usage_hint = "mongodb URI needs a database name: mongodb://host/oddsctl";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool secret_option(const std::string& name) {
  std::string n = lower(name);
  return n.find("password") != std::string::npos || n.find("secret") != std::string::npos ||
         n.find("token") != std::string::npos || n == "authmechanismproperties";
}

// The driver's message may quote parts of the URI: never let the password through.
std::string scrub(std::string message, const std::string& uri) {
  auto sep = uri.find("://");
  if (sep == std::string::npos) return message;
  auto at = uri.find('@', sep + 3);
  auto slash = uri.find('/', sep + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return message;
  auto colon = uri.find(':', sep + 3);
  if (colon == std::string::npos || colon > at) return message;
  std::string password = uri.substr(colon + 1, at - colon - 1);
  if (password.empty()) return message;
  for (auto pos = message.find(password); pos != std::string::npos; pos = message.find(password, pos)) {
    message.replace(pos, password.size(), "***");
  }
  return message;
}

}  // namespace

std::string redact_mongo_uri(const std::string& text) {
  std::string out = redact_store_uri(text);
  auto q = out.find('?');
  if (q == std::string::npos) return out;
  std::string head = out.substr(0, q + 1);
  std::string query = out.substr(q + 1);
  std::string result;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find_first_of("&;", pos);
    std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (eq != std::string::npos && secret_option(part.substr(0, eq))) part = part.substr(0, eq + 1) + "***";
    result += part;
    if (amp == std::string::npos) break;
    result += query[amp];
    pos = amp + 1;
  }
  return head + result;
}

MongoTarget parse_mongo_uri(const std::string& text) {
  ensure_driver_initialised();
  MongoTarget target;
  target.redacted = redact_mongo_uri(text);
  bson_error_t error;
  target.uri.reset(mongoc_uri_new_with_error(text.c_str(), &error));
  if (!target.uri) {
    throw UsageError("store " + target.redacted + ": not a valid MongoDB URI: " + scrub(error.message, text));
  }
  mongoc_uri_t* uri = target.uri.get();
  const char* db = mongoc_uri_get_database(uri);
  if (!db || !*db) throw UsageError("store " + target.redacted + ": " + k_usage_hint);
  target.database = db;

  const bson_t* options = mongoc_uri_get_options(uri);
  auto has_option = [&](const char* name) {
    bson_iter_t it;
    return bson_iter_init(&it, options) && bson_iter_find_case(&it, name);
  };
  if (!has_option(MONGOC_URI_RETRYWRITES)) mongoc_uri_set_option_as_bool(uri, MONGOC_URI_RETRYWRITES, true);
  // A command line fails fast on a server that is down or a port that is closed: the
  // driver's defaults (30 s selection, 10 s connect) make `cache get` hang for that long.
  if (!has_option(MONGOC_URI_SERVERSELECTIONTIMEOUTMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, k_default_server_selection_timeout_ms);
  }
  if (!has_option(MONGOC_URI_CONNECTTIMEOUTMS)) {
    mongoc_uri_set_option_as_int32(uri, MONGOC_URI_CONNECTTIMEOUTMS, k_default_connect_timeout_ms);
  }
  if (!has_option(MONGOC_URI_APPNAME)) mongoc_uri_set_appname(uri, "oddsctl");
  // w: majority unless the URI chose another write concern (w=1 for a lab server, ...).
  const mongoc_write_concern_t* wc = mongoc_uri_get_write_concern(uri);
  if (mongoc_write_concern_get_w(wc) == MONGOC_WRITE_CONCERN_W_DEFAULT && !mongoc_write_concern_get_wmajority(wc)) {
    WriteConcernHandle majority(mongoc_write_concern_copy(wc));
    mongoc_write_concern_set_wmajority(majority.get(),
                                       static_cast<int32_t>(mongoc_write_concern_get_wtimeout_int64(wc)));
    mongoc_uri_set_write_concern(uri, majority.get());
  }
  return target;
}

}  // namespace oddsctl::store::mongo
