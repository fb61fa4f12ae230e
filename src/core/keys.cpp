#include "oddsctl/keys.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <openssl/evp.h>

namespace oddsctl {

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

namespace {

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

ApiKey::ApiKey(std::string value, std::string env_var)
    : m_value(std::move(value)), m_env_var(std::move(env_var)), m_id(sha256_hex(m_value).substr(0, 16)) {}

std::string ApiKey::masked() const { return mask_secret(m_value); }

std::string mask_secret(const std::string& secret) {
  // Short secrets are not shortened: showing 4 of 5 characters would reveal the key.
  if (secret.size() <= 8) return "…";
  return "…" + secret.substr(secret.size() - 4);
}

std::string redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  const std::string mask = mask_secret(secret);
  for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + mask.size()))
    text.replace(pos, secret.size(), mask);
  return text;
}

const std::vector<std::string>& known_regions() {
  static const std::vector<std::string> regions{"au", "uk", "us", "eu"};
  return regions;
}

bool is_known_region(const std::string& region) {
  const auto& r = known_regions();
  return std::find(r.begin(), r.end(), region) != r.end();
}

std::string key_env_var(const std::string& region) {
  std::string upper = region;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  return "ODDS_API_KEY_" + upper;
}

std::optional<ApiKey> resolve_key(const std::string& region, const EnvLookup& env) {
  std::string regional = key_env_var(region);
  if (auto v = env(regional); v && !v->empty()) return ApiKey(*v, regional);
  if (auto v = env("ODDS_API_KEY"); v && !v->empty()) return ApiKey(*v, "ODDS_API_KEY");
  return std::nullopt;
}

namespace {

// "?password=x&sslpassword=y" (libpq's URIs may carry the password there): values hidden.
std::string redact_query_secrets(std::string uri) {
  auto q = uri.find('?');
  for (std::size_t pos = q; pos != std::string::npos && pos < uri.size(); pos = uri.find('&', pos + 1)) {
    auto eq = uri.find('=', pos);
    auto end = uri.find('&', pos + 1);
    if (eq == std::string::npos || (end != std::string::npos && eq > end)) continue;
    if (uri.substr(pos + 1, eq - pos - 1).find("password") == std::string::npos) continue;
    uri.replace(eq + 1, (end == std::string::npos ? uri.size() : end) - eq - 1, "***");
  }
  return uri;
}

}  // namespace

std::string redact_store_uri(const std::string& text) {
  const std::string uri = redact_query_secrets(text);
  auto sep = uri.find("://");
  if (sep == std::string::npos) return uri;
  auto auth_begin = sep + 3;
  auto auth_end = uri.find_first_of("/?#", auth_begin);
  if (auth_end == std::string::npos) auth_end = uri.size();
  auto at = uri.rfind('@', auth_end == 0 ? 0 : auth_end - 1);
  if (at == std::string::npos || at < auth_begin) return uri;
  auto colon = uri.find(':', auth_begin);
  if (colon == std::string::npos || colon > at) return uri;  // a user name only
  return uri.substr(0, colon) + ":***" + uri.substr(at);
}

std::string redact_url(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "…";
  auto host_start = scheme_end + 3;
  auto path = url.find_first_of("/?#", host_start);
  std::string host = url.substr(host_start, path == std::string::npos ? std::string::npos : path - host_start);
  // user:password@host: never show the credentials.
  if (auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  std::string out = url.substr(0, host_start) + host;
  if (path != std::string::npos) out += "/…";
  return out;
}

}  // namespace oddsctl
