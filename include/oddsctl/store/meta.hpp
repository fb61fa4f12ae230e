// Role: small key/value state (discovery times, the cached sports list, ...).
#pragma once

#include <map>
#include <optional>
#include <string>

namespace oddsctl::store {

class MetaStore {
public:
  virtual ~MetaStore() = default;

  virtual std::optional<std::string> get_meta(const std::string& key) = 0;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;
  // Every key/value, for `store migrate`. nullopt when the backend cannot list them (the
  // default, so that a backend without it still builds; migrate then warns).
  virtual std::optional<std::map<std::string, std::string>> list_meta() { return std::nullopt; }
};

}  // namespace oddsctl::store
