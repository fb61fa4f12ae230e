// The documents and lines `cache get` prints.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>
#include <string_view>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "cache/order.hpp"
#include "oddsctl/cache.hpp"
#include "oddsctl/scan.hpp"  // opportunity_json

namespace oddsctl::cache {

namespace {

using nlohmann::json;

std::int64_t seconds_of(Millis m) { return std::chrono::duration_cast<std::chrono::seconds>(m).count(); }

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

json region_entry(const CachedRegion& r, store::ScanSource source) {
  json j;
  if (r.scan) {
    j = scan_row_json(*r.scan);
    j["opportunities"] = r.served();
    j["opportunities_stored"] = r.stored_opportunities;
    j["age_s"] = seconds_of(*r.age);
  } else {
    j = {{"region", r.region},
         {"status", "missing"},
         {"source", to_string(source)},
         {"empty", nullptr},
         {"good", false},
         {"error", std::string("no good ") + to_string(source) + " scan in the cache"},
         {"failed_sports", json::array()},
         {"requests", 0},
         {"credits_used", nullptr},
         {"credits_remaining", nullptr},
         {"events", 0},
         {"opportunities", 0},
         {"opportunities_stored", 0},
         {"duration_ms", nullptr},
         {"scan_id", nullptr},
         {"scanned_at", nullptr},
         {"scanned_by", nullptr},
         {"command", nullptr},
         {"age_s", nullptr}};
  }
  j["fresh"] = r.fresh;
  j["withheld"] = r.withheld;
  if (r.fallback_scan_id || r.fallback_status || r.fallback_error) {
    j["fallback"] = {{"scan_id", r.fallback_scan_id ? json(*r.fallback_scan_id) : json(nullptr)},
                     {"status", r.fallback_status ? json(to_string(*r.fallback_status)) : json(nullptr)},
                     {"error", r.fallback_error ? json(*r.fallback_error) : json(nullptr)}};
  }
  return j;
}

// The cache get document without its "opportunities" member.
json cache_get_head(const CacheResult& result) {
  json doc;
  std::set<std::string> scan_ids;
  std::optional<TimePoint> earliest;
  std::int64_t longest = 0;
  json regions = json::array(), stale = json::array(), missing = json::array();
  for (const auto& r : result.regions) {
    regions.push_back(region_entry(r, result.source));
    if (!r.scan) {
      missing.push_back(r.region);
      continue;
    }
    if (!r.fresh) stale.push_back(r.region);
    scan_ids.insert(r.scan->scan_id);
    if (!earliest || r.scan->started_at < *earliest) earliest = r.scan->started_at;
    longest = std::max(longest, r.scan->duration_ms);
  }
  // The scan --json fields first: one run's id when every region served comes from one run.
  doc["scan_id"] = scan_ids.size() == 1 ? json(*scan_ids.begin()) : json(nullptr);
  doc["started_at"] = earliest ? json(format_rfc3339(*earliest)) : json(nullptr);
  doc["duration_ms"] = longest;
  doc["regions"] = std::move(regions);
  doc["generated_at"] = format_rfc3339(result.now);
  doc["max_age_s"] = seconds_of(result.max_age);
  doc["fresh"] = result.all_fresh();
  doc["stale"] = std::move(stale);
  doc["missing"] = std::move(missing);
  return doc;
}

std::string dump_text(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// opportunity_json's text from to_json's, as dump() writes both: opportunity_json is to_json
// with each leg's stake rounded to the cent, so the text is to_json's with those numbers
// rewritten. In dump()'s compact text the key "stake" can only be a leg's: to_json writes no
// other key of that name, and a quote inside a string is escaped. A number the rounding
// leaves as it is keeps its text (dump() writes a double one way).
void append_served(std::string& out, std::string_view text) {
  static constexpr std::string_view k_key = "\"stake\":";
  // The key's 'k' found with memchr, then the key checked around it: a few hits a row (kind,
  // market, sport_key, bookmakers, stake), and faster than memmem over the whole text.
  auto find = [&](std::size_t from) -> std::size_t {
    constexpr std::size_t k_at = 4;  // "\"sta" before the 'k'
    for (std::size_t at = from + k_at; at < text.size();) {
      const void* hit = std::memchr(text.data() + at, 'k', text.size() - at);
      if (!hit) break;
      const auto k = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
      if (text.compare(k - k_at, k_key.size(), k_key) == 0) return k - k_at;
      at = k + 1;
    }
    return std::string_view::npos;
  };
  std::size_t done = 0;
  for (std::size_t at = find(0); at != std::string_view::npos; at = find(at)) {
    at += k_key.size();
    std::size_t end = at;
    while (end < text.size() && text[end] != ',' && text[end] != '}') ++end;
    double stake = 0;
    const auto parsed = std::from_chars(text.data() + at, text.data() + end, stake);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + end) continue;  // null
    const double cents = std::round(stake * 100.0) / 100.0;
    if (cents == stake) continue;
    out.append(text.substr(done, at - done));
    char buf[64];
    out.append(buf, nlohmann::detail::to_chars(buf, buf + sizeof buf, cents));  // what dump() writes
    done = end;
  }
  out.append(text.substr(done));
}

// One served opportunity: read whole, or stored as text.
struct Served {
  ServedKey key;
  const Opportunity* whole = nullptr;
  const std::string* text = nullptr;
  bool served_form = false;  // the text is served as it is (StoredOpportunity::served_form)
};

}  // namespace

std::string format_age(Millis age) {
  const auto s = std::max<std::int64_t>(0, seconds_of(age));
  if (s < 120) return std::to_string(s) + " s";
  if (s < 2 * 3600) return std::to_string(s / 60) + " min";
  if (s < 2 * 86400) return std::to_string(s / 3600) + " h";
  return std::to_string(s / 86400) + " d";
}

json cache_get_json(const CacheResult& result) {
  json doc = cache_get_head(result);
  json opps = json::array();
  for (const auto& o : result.opportunities()) opps.push_back(scan::opportunity_json(o));
  doc["opportunities"] = std::move(opps);
  return doc;
}

namespace {

// Handed over in pieces of about k_piece bytes: one buffer of the whole document (megabytes
// at 10,000 rows) costs a page fault every 4 KiB of it.
constexpr std::size_t k_piece = 256 * 1024;

// dump() writes an object's members in key order: the head's members before "opportunities",
// the opportunities, then the members after.
std::pair<json, json> split_head(const CacheResult& result) {
  json before = json::object(), after = json::object();
  const json head = cache_get_head(result);
  for (const auto& [key, value] : head.items()) (key < "opportunities" ? before : after)[key] = value;
  return {std::move(before), std::move(after)};
}

// The document up to its first opportunity, and from after its last.
std::string open_document(const json& before) {
  std::string out = dump_text(before);
  out.reserve(k_piece + 8192);
  out.pop_back();  // '}'
  out += before.empty() ? "\"opportunities\":[" : ",\"opportunities\":[";
  return out;
}

void close_document(std::string& out, const json& after) {
  out += ']';
  if (after.empty()) out += '}';
  else out.append(",").append(dump_text(after), 1, std::string::npos);
}

void require_rows(const CacheResult& result, const char* what) {
  for (const auto& r : result.regions)
    if (r.rows_deferred)
      throw std::logic_error(std::string(what) + ": the rows of region " + r.region + " are not read");
}

// The one region's rows written out as the store reads them; false (nothing handed to
// `sink`) when the store no longer vouches for them.
bool write_streamed(CacheResult& result, store::ScanStore& store, const std::function<void(std::string_view)>& sink) {
  CachedRegion& region = result.regions.front();
  std::string out;
  std::size_t rows = 0;
  const bool streamed = store.served_texts(
      *region.scan, [&] { out = open_document(split_head(result).first); },
      [&](std::string_view text) {
        if (rows++) out += ',';
        out += text;
        if (out.size() >= k_piece) {
          sink(out);
          out.clear();
        }
      });
  if (!streamed) return false;
  region.rows_deferred = false;
  region.streamed = rows;
  region.stored_opportunities = static_cast<int>(rows);
  region.scan->opportunity_count = static_cast<int>(rows);
  close_document(out, split_head(result).second);  // with the counts
  sink(out);
  return true;
}

}  // namespace

void cache_get_json_text(CacheResult& result, store::ScanStore& store, const CacheGetOptions& options,
                         const std::function<void(std::string_view)>& sink) {
  const bool one_deferred = result.regions.size() == 1 && result.regions.front().rows_deferred;
  if (one_deferred && write_streamed(result, store, sink)) return;
  read_deferred_rows(result, store, options);
  cache_get_json_text(std::as_const(result), sink);
}

void cache_get_json_text(const CacheResult& result, const std::function<void(std::string_view)>& sink) {
  require_rows(result, "cache_get_json_text");
  std::vector<Served> opps;
  for (const auto& r : result.regions) {
    if (!r.scan) continue;
    for (const auto& o : r.stored) {
      if (o.opportunity) opps.push_back({served_key(o), &*o.opportunity, nullptr, false});
      else opps.push_back({served_key(o), nullptr, &o.text, o.served_form});
    }
    for (const auto& o : r.scan->opportunities) opps.push_back({served_key(o), &o, nullptr, false});
  }
  // One region's rows are stored in this order already: checking costs one comparison a row.
  const auto before_key = [](const Served& a, const Served& b) { return served_before(a.key, b.key); };
  if (!std::is_sorted(opps.begin(), opps.end(), before_key)) std::stable_sort(opps.begin(), opps.end(), before_key);
  const auto [before, after] = split_head(result);
  std::string out = open_document(before);
  for (std::size_t i = 0; i < opps.size(); ++i) {
    if (i) out += ',';
    if (opps[i].text && opps[i].served_form) out += *opps[i].text;
    else if (opps[i].text) append_served(out, *opps[i].text);
    else out += dump_text(scan::opportunity_json(*opps[i].whole));
    if (out.size() >= k_piece) {
      sink(out);
      out.clear();
    }
  }
  close_document(out, after);
  sink(out);
}

std::string cache_get_json_text(const CacheResult& result) {
  std::string text;
  cache_get_json_text(result, [&](std::string_view piece) { text.append(piece); });
  return text;
}

std::vector<std::string> cache_status_lines(const CacheResult& result) {
  std::vector<std::string> lines;
  for (const auto& r : result.regions) {
    std::string line = upper(r.region) + ": ";
    if (!r.scan) {
      line += "no result in the cache";
    } else {
      const auto served = r.served();
      if (r.withheld) {
        line += "stale, updated " + format_age(*r.age) + " ago (max age " + format_duration(result.max_age) +
                "); opportunities withheld (--strict)";
      } else {
        if (served != static_cast<std::size_t>(r.stored_opportunities))
          line += std::to_string(served) + " of " + std::to_string(r.stored_opportunities) + " opportunities";
        else line += std::to_string(served) + (served == 1 ? " opportunity" : " opportunities");
        line += ", updated " + format_age(*r.age) + " ago";
        if (!r.fresh) line += " (stale: max age " + format_duration(result.max_age) + ")";
      }
      if (r.scan->status == store::RegionStatus::partial) {
        std::string failed;
        for (const auto& s : r.scan->failed_sports) failed += (failed.empty() ? "" : ", ") + s;
        line += " [partial" + (failed.empty() ? std::string() : ": failed " + failed) + "]";
      }
    }
    if (r.fallback_error) line += "; live scan failed: " + *r.fallback_error;
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace oddsctl::cache
