// `oddsctl cache`: serve each region's latest good scan from the store, with its age, so a
// dashboard or a bot gets "the arbitrages in AU now" in milliseconds; a live scan is only
// the fallback. Everything here reads the Store; nothing here prints.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/errors.hpp"
#include "oddsctl/engine/middles.hpp"
#include "oddsctl/scan.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::cache {

// Which opportunities of a cached scan are served. Empty lists match everything.
struct OpportunityFilter {
  std::vector<std::string> sports;       // a sport key, or its group prefix ("soccer" matches soccer_epl)
  std::vector<std::string> markets;      // "h2h", "spreads", "totals"
  std::vector<std::string> events;       // event ids
  std::optional<double> min_profit_pct;  // on opportunity_score: profit, or EV for value bets and middles
  std::vector<OpportunityKind> kinds;    // empty: every kind
  bool matches(const Opportunity& o) const;
  bool matches(const store::StoredOpportunity& o) const;  // on its fields alone: the text is not read
  bool empty() const;
};

// The regions asked ("au", "au,uk", "all", ...), lower-cased, each once, without a store:
// UsageError for an unknown region or none at all. "all" stays "all".
std::vector<std::string> parse_cache_regions(const std::vector<std::string>& asked);

// "au", "au,uk" or "all". "all" means every known region that has at least one stored scan
// (so a region never scanned does not make `cache get --region all` fail), or every known
// region when the store holds no scan at all. UsageError for an unknown region.
std::vector<std::string> resolve_cache_regions(store::ScanStore& store, const std::vector<std::string>& asked);

struct CacheGetOptions {
  std::vector<std::string> regions;                    // resolved (no "all")
  store::ScanSource source = store::ScanSource::live;  // whose latest good result is served
  Millis max_age = std::chrono::minutes(15);
  // Stale regions are still reported (age, status) but their opportunities are withheld.
  bool strict = false;
  OpportunityFilter filter;
  TimePoint now{};
  // Serve the opportunities as the store keeps them (ScanStore::latest_good_stored): each region's
  // are in CachedRegion::stored, its scan->opportunities stay empty. For
  // cache_get_json_text, which then writes stored texts out without parsing them.
  bool as_text = false;
  // With as_text, one asked region and no filter: the store may leave the region's rows where
  // they are (CachedRegion::rows_deferred) for the writer to read as it writes them
  // (cache_get_json_text with the store), so that `cache get --json` never holds them.
  bool defer_rows = false;
};

// One asked region as served.
struct CachedRegion {
  std::string region;
  std::optional<store::RegionScan> scan;         // the latest good scan; opportunities already filtered
  std::vector<store::StoredOpportunity> stored;  // with as_text: the opportunities served, filtered
  int stored_opportunities = 0;                  // before filters
  std::optional<Millis> age;                     // now - started_at, never negative; nullopt when missing
  bool fresh = false;                            // present and age <= max_age
  bool withheld = false;                         // strict and not fresh: opportunities not served
  // When a fallback scan ran for this region: its scan id, status and error.
  std::optional<std::string> fallback_scan_id;
  std::optional<store::RegionStatus> fallback_status;
  std::optional<std::string> fallback_error;
  // defer_rows: the rows are still in the store (ScanStore::latest_good_deferred), counted
  // once they are written (streamed, stored_opportunities); scan->opportunity_count is as
  // stored until then.
  bool rows_deferred = false;
  std::size_t streamed = 0;  // rows written out straight from the store

  // How many are served: scan->opportunities, or stored with as_text, or streamed.
  std::size_t served() const { return scan ? scan->opportunities.size() + stored.size() + streamed : 0; }
};

struct CacheResult {
  store::ScanSource source = store::ScanSource::live;
  TimePoint now{};
  Millis max_age{};
  std::vector<CachedRegion> regions;  // in the order asked

  bool all_fresh() const;
  // The served opportunities of every region, best first (profit desc, then region, event,
  // market, point), read whole (with as_text, stored texts are parsed here).
  std::vector<Opportunity> opportunities() const;
  ExitCode exit_code() const;  // ok when every asked region is fresh, else not_fresh (4)
};

// Runs a live scan of the given regions and stores it (command "cache-fallback").
using FallbackScan = std::function<scan::ScanReport(const std::vector<std::string>& regions)>;

// Reads each asked region's latest good scan. With `fallback`, the regions not fresh are
// scanned first (one run for all of them) and then read back from the store, so what is
// served is always what the store holds. A fallback that throws leaves the regions as they
// were and records the message in fallback_error.
CacheResult cache_get(store::ScanStore& store, const CacheGetOptions& options, const FallbackScan& fallback = {});
// Reads the rows cache_get left in the store (rows_deferred), as cache_get reads them without
// defer_rows: a region read again this way is judged again, and keeps its fallback fields.
void read_deferred_rows(CacheResult& result, store::ScanStore& store, const CacheGetOptions& options);

// The `cache get --json` document: the `scan --json` shape for the regions asked, each region
// entry adding scan_id, scanned_at, scanned_by, command, age_s, fresh (and the fallback
// fields when one ran); top level adding generated_at, max_age_s, fresh, stale, missing.
// A missing region's entry has status "missing" and null times.
nlohmann::json cache_get_json(const CacheResult& result);
// The same document as compact text: exactly cache_get_json(result).dump(). Stored texts
// (as_text) are written out as they are, but for their stakes, rounded to the cent as
// opportunity_json rounds them: the fast path of `cache get --json`.
std::string cache_get_json_text(const CacheResult& result);
// The same text handed to `sink` in pieces, in order (their concatenation is the document).
void cache_get_json_text(const CacheResult& result, const std::function<void(std::string_view)>& sink);
// The same for a result that may have deferred rows: a region's rows that the store still
// vouches for are written out straight from it, as they are read (ScanStore::served_texts),
// and counted in `result`; any other deferred rows are read first (read_deferred_rows). The
// document is the one cache_get without defer_rows would have served. A store failure part
// way through the rows throws with part of the document already handed to `sink`.
void cache_get_json_text(CacheResult& result, store::ScanStore& store, const CacheGetOptions& options,
                         const std::function<void(std::string_view)>& sink);
// `cache get --stake`: split `stake` across each opportunity's legs as scan does (equal
// payouts, then the placeable-stake rules); replaces the stakes stored with the scan.
void restake_opportunities(std::vector<Opportunity>& opportunities, double stake, const engine::StakeRules& rules = {});

// "AU: 5 opportunities, updated 42 s ago", one per asked region.
std::vector<std::string> cache_status_lines(const CacheResult& result);

// "42 s", "5 min", "3 h", "2 d" (whole units, rounded down).
std::string format_age(Millis age);

// One stored region scan as a `scan --json` region entry plus scan_id, scanned_at (its
// started_at), scanned_by (the worker) and command. "opportunities" is the count.
nlohmann::json scan_row_json(const store::RegionScan& scan);

// Region scans as one `scan --json` document: scan_id (null when they come from several
// runs), started_at (the earliest), duration_ms (the longest region's), regions (entries of
// scan_row_json, in the given order), opportunities (best first).
nlohmann::json scan_document_json(const std::vector<store::RegionScan>& scans);

// `cache show SCAN_ID`: scan_document_json of every region of one run.
// Throws Error(runtime) "unknown scan id" when the store has no such run.
nlohmann::json cache_show_json(store::ScanStore& store, const std::string& scan_id);

// `cache export`: stored region scans started at or after `since` (all when nullopt), oldest
// first, each as its own one-region scan_document_json (so every line parses like scan --json).
std::vector<nlohmann::json> cache_export_rows(store::ScanStore& store, std::optional<TimePoint> since,
                                              const std::optional<std::string>& region,
                                              std::optional<store::ScanSource> source = std::nullopt);

// `cache stats`: one entry per region with stored scans.
struct RegionStats {
  std::string region;
  std::int64_t scans = 0;  // retained scans of every status
  std::int64_t ok = 0;
  std::int64_t partial = 0;
  std::int64_t failed = 0;
  std::optional<store::RegionScan> last_success;  // newest ok/partial (no opportunities)
  std::optional<store::RegionScan> last_failure;  // newest failed
  bool cached = false;                            // a latest good result is served (not invalidated)
  std::optional<Millis> age;                      // of last_success
  std::optional<std::int64_t> latency_last_ms, latency_p50_ms, latency_p95_ms;
  double success_rate = 0;                 // (ok + partial) / scans
  std::optional<double> credits_per_scan;  // mean over scans whose credits are known
};

struct CacheStats {
  TimePoint now{};
  store::ScanSource source = store::ScanSource::live;  // the scans counted are of this source only
  std::vector<RegionStats> regions;                    // in known_regions() order, then others by name
  std::vector<store::Heartbeat> workers;
};

CacheStats cache_stats(store::Store& store, TimePoint now, const std::optional<std::string>& region,
                       store::ScanSource source = store::ScanSource::live);
nlohmann::json cache_stats_json(const CacheStats& stats);

// Nearest-rank percentile (p in (0, 100]) of unsorted values; nullopt when empty.
std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, double p);

}  // namespace oddsctl::cache
