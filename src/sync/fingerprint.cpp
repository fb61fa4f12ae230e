// The change detector: a SHA-256 of a canonical form of an event's lines and prices.
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "oddsctl/sync.hpp"

namespace oddsctl::sync {

namespace {

// Prices and points to 1e-6: the API quotes at most 3 decimals, and a float that went
// through a round trip (JSON, a database) must not look like a line movement.
std::string fixed(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v == 0.0 ? 0.0 : v);  // no "-0.000000"
  return buf;
}

std::string sha256_hex(const std::string& data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1)
    throw std::runtime_error("fingerprint: SHA-256 failed in OpenSSL");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string odds_fingerprint(const Event& event) {
  // One line per quote: a JSON array, so no name can forge a separator. Sorting the lines
  // makes the form independent of the order of books, markets and outcomes.
  std::vector<std::string> lines;
  for (const auto& book : event.bookmakers)
    for (const auto& market : book.markets)
      for (const auto& o : market.outcomes) {
        nlohmann::json row = nlohmann::json::array({book.key, market.key, o.name,
                                                    o.point ? nlohmann::json(fixed(*o.point)) : nlohmann::json(nullptr),
                                                    fixed(o.price)});
        lines.push_back(row.dump());
      }
  std::sort(lines.begin(), lines.end());
  std::string canonical = "oddsctl-fp-v1\n";
  for (const auto& l : lines) canonical += l + "\n";
  return sha256_hex(canonical);
}

}  // namespace oddsctl::sync
