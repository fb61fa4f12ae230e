// ETags for polled JSON: weak (W/"…"), over what the document says rather than its bytes,
// so a dashboard polling every few seconds gets 304 until a scan or a freshness changes,
// although fields such as age_s and generated_at move every second. Internal to src/serve/.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace oddsctl::serve {

std::uint64_t fnv1a(const std::string& text, std::uint64_t seed = 1469598103934665603ull);
// W/"<16 hex digits>"
std::string weak_etag(std::uint64_t hash);
// The hash of `doc` without the fields that only tell the time of asking: generated_at,
// age_s and every *_age_s, at any depth.
std::uint64_t stable_hash(const nlohmann::json& doc, std::uint64_t seed = 1469598103934665603ull);
// An If-None-Match header value matches `etag` ("*", or one of a comma list; weak compare).
bool etag_matches(const std::string& if_none_match, const std::string& etag);

}  // namespace oddsctl::serve
