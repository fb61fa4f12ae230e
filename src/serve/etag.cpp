#include "serve/etag.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace oddsctl::serve {

namespace {

bool volatile_key(const std::string& k) {
  return k == "generated_at" || k == "age_s" || (k.size() > 6 && k.compare(k.size() - 6, 6, "_age_s") == 0);
}

nlohmann::json stripped(const nlohmann::json& doc) {
  if (doc.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = doc.begin(); it != doc.end(); ++it)
      if (!volatile_key(it.key())) out[it.key()] = stripped(it.value());
    return out;
  }
  if (doc.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : doc) out.push_back(stripped(v));
    return out;
  }
  return doc;
}

std::string opaque(const std::string& tag) {
  std::string t = tag;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(t.begin());
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  if (t.rfind("W/", 0) == 0) t = t.substr(2);
  return t;
}

}  // namespace

std::uint64_t fnv1a(const std::string& text, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string weak_etag(std::uint64_t hash) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "W/\"%016llx\"", static_cast<unsigned long long>(hash));
  return buf;
}

std::uint64_t stable_hash(const nlohmann::json& doc, std::uint64_t seed) { return fnv1a(stripped(doc).dump(), seed); }

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match.empty()) return false;
  const std::string mine = opaque(etag);
  std::size_t start = 0;
  while (start <= if_none_match.size()) {
    std::size_t comma = if_none_match.find(',', start);
    std::string one =
        opaque(if_none_match.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (one == "*" || one == mine) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace oddsctl::serve
