// API keys: where they come from and how they may be shown. The whole key is only ever
// handed to the HTTP client; everything else sees its id (a hash) or its last 4 characters.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace oddsctl {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

class ApiKey {
public:
  ApiKey(std::string value, std::string env_var);
  const std::string& value() const { return m_value; }  // for the HTTP query only
  const std::string& env_var() const { return m_env_var; }
  // Stable, not reversible: the first 16 hex digits of SHA-256(key).
  const std::string& id() const { return m_id; }
  // "…abcd"
  std::string masked() const;

private:
  std::string m_value;
  std::string m_env_var;
  std::string m_id;
};

std::string mask_secret(const std::string& secret);  // "…" + last 4 characters
// Replaces every occurrence of `secret` in `text` with its mask.
std::string redact(std::string text, const std::string& secret);

// A store URI with any password (user:password@, ?password=...) replaced by "***": for every
// message and listing that shows where a store is.
std::string redact_store_uri(const std::string& uri);
// A URL cut to its scheme and host ("https://hooks.slack.com/…"): webhook URLs carry their
// secret in the path.
std::string redact_url(const std::string& url);

// The regions the API knows, in their canonical order.
const std::vector<std::string>& known_regions();
bool is_known_region(const std::string& region);

// ODDS_API_KEY_<REGION> (upper case), else ODDS_API_KEY; nullopt when neither is set/empty.
std::optional<ApiKey> resolve_key(const std::string& region, const EnvLookup& env);
// The env var a user should set for this region.
std::string key_env_var(const std::string& region);

}  // namespace oddsctl
