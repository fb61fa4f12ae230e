#include "store/mongo/handles.hpp"

#include <mutex>
#include <stdexcept>

namespace oddsctl::store::mongo {

void ensure_driver_initialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    mongoc_init();
    // The driver logs to stderr by default (e.g. "Could not connect"): our errors already
    // say what failed, once, so its own lines are dropped.
    mongoc_log_set_handler(nullptr, nullptr);
  });
}

Bson Bson::from_json(const std::string& json) {
  bson_error_t error;
  bson_t* doc =
      bson_new_from_json(reinterpret_cast<const uint8_t*>(json.data()), static_cast<ssize_t>(json.size()), &error);
  if (!doc) throw std::invalid_argument(std::string("bad extended JSON: ") + error.message);
  return Bson(doc);
}

std::string Bson::json() const {
  if (!m_doc) return "null";
  size_t len = 0;
  char* text = bson_as_relaxed_extended_json(m_doc, &len);
  if (!text) return "";
  std::string out(text, len);
  bson_free(text);
  return out;
}

}  // namespace oddsctl::store::mongo
