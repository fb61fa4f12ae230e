// Role: scan results. Each region's scans with their opportunities, and its latest good
// result per source (what `cache get`, `serve` and alerts read).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store {

enum class RegionStatus { ok, partial, failed, skipped };
const char* to_string(RegionStatus s);
RegionStatus region_status_from_string(const std::string& s);

// Where a scan's odds came from. Each region keeps a latest good result per source, and
// readers serve `live` unless asked otherwise: a demo or a replay never stands in for the
// API's answer.
enum class ScanSource { live, replay, demo, store };
const char* to_string(ScanSource s);
std::optional<ScanSource> scan_source_from_string(const std::string& s);

// Why a region's result holds no odds, when it holds none. `no_events` is the API's own
// empty answer (nothing on the board): a real, good result. `filtered` (every call came back
// empty because of the request's own filters, e.g. --bookmakers) and `no_snapshots`
// (--from-store with nothing synced) produced nothing usable: stored for the record, never
// the latest good result.
enum class EmptyReason { none, no_events, filtered, no_snapshots };
const char* to_string(EmptyReason r);  // "none", "no_events", "filtered", "no_snapshots"
std::optional<EmptyReason> empty_reason_from_string(const std::string& s);

// One region's part of one scan run.
struct RegionScan {
  std::string scan_id;  // shared by all regions of one run
  std::string region;
  std::string command = "scan";  // "scan", "cache-fallback", "scan-from-store"
  ScanSource source = ScanSource::live;
  EmptyReason empty = EmptyReason::none;
  std::string worker;  // host:pid or --worker-id
  TimePoint started_at{};
  std::int64_t duration_ms = 0;
  RegionStatus status = RegionStatus::ok;
  std::optional<std::string> error;
  std::vector<std::string> failed_sports;
  int requests = 0;
  std::optional<std::int64_t> credits_used;
  std::optional<std::int64_t> credits_remaining;
  int events = 0;
  int opportunity_count = 0;  // kept when opportunities are not loaded
  std::vector<Opportunity> opportunities;

  // ok or partial, and something usable came back: may become the latest good result.
  bool good() const {
    return (status == RegionStatus::ok || status == RegionStatus::partial) && empty != EmptyReason::filtered &&
           empty != EmptyReason::no_snapshots;
  }
};

// One stored opportunity as a reader that serves JSON takes it (`cache get --json`): the
// fields opportunities are filtered and ranked on, and either its text or, when the store
// keeps it in another form than this oddsctl writes (an older version's, another writer's),
// the opportunity read from it.
struct StoredOpportunity {
  std::string region;
  std::string sport_key;
  std::string event_id;
  std::string market;
  std::optional<double> point;
  OpportunityKind kind = OpportunityKind::arb;
  double score = 0;           // opportunity_score()
  std::string value_outcome;  // kind value: the bet's outcome and book, else empty
  std::string value_bookmaker;
  // dump() of to_json(o) exactly, for an o that reads back as itself (to_json of what
  // opportunity_from_json reads from this text is this text again). Empty when `opportunity`
  // is set.
  std::string text;
  // The text is also what `cache get --json` serves (opportunity_json: every stake already at
  // the cent, as scans place them), so it is written out as it is, without looking for stakes.
  bool served_form = false;
  // Held apart (shared, never changed): inline it would make every row of a scan read as text
  // the size of a whole opportunity, megabytes of memory touched at 10,000 rows.
  std::shared_ptr<const Opportunity> opportunity;
};

// The fields of an opportunity read whole (no text).
StoredOpportunity stored_opportunity(Opportunity o);

// A region scan with its opportunities as StoredOpportunity (scan.opportunities is empty;
// scan.opportunity_count is as stored).
struct StoredScan {
  RegionScan scan;
  std::vector<StoredOpportunity> opportunities;
  // latest_good_deferred left the opportunities out: served_texts hands them over.
  bool deferred = false;
};

struct ScanQuery {
  std::optional<std::string> region;
  std::optional<TimePoint> since;    // started_at >= since
  std::optional<ScanSource> source;  // only scans of this source
  int limit = 100;                   // newest first; <= 0 means no limit
  bool with_opportunities = false;
};

class ScanStore {
public:
  virtual ~ScanStore() = default;

  // Stores one region's scan and its opportunities in one transaction. A good() scan becomes
  // the latest good result of its (region, source) unless that already names a scan that
  // started later; anything else never replaces it. skipped is not stored.
  virtual void save_scan(const RegionScan& scan) = 0;
  // The latest good scan of (region, source) with its opportunities; nullopt when none or
  // invalidated.
  virtual std::optional<RegionScan> latest_good(const std::string& region, ScanSource source) = 0;
  std::optional<RegionScan> latest_good(const std::string& region) { return latest_good(region, ScanSource::live); }
  // latest_good with the opportunities in the order stored, as StoredOpportunity: a backend
  // that keeps to_json's text hands it over without parsing it; one it cannot read is
  // skipped, as latest_good skips it. The default reads latest_good and gives each
  // opportunity whole.
  virtual std::optional<StoredScan> latest_good_stored(const std::string& region, ScanSource source);
  // latest_good_stored, but a store that keeps every opportunity of the scan as its served
  // text, in the served order, may leave them out (StoredScan::deferred) for served_texts to
  // hand over as they are written: `cache get --json` then never holds them. The default
  // reads them now.
  virtual std::optional<StoredScan> latest_good_deferred(const std::string& region, ScanSource source) {
    return latest_good_stored(region, source);
  }
  // The opportunities latest_good_deferred left out: when `scan` is still the latest good
  // scan of its region and source, stored as it was read, and every one of its opportunities
  // is still kept as its served text in the served order, calls `begin` and then `text` for
  // each in that order, all in one read, and returns true. Otherwise calls neither and
  // returns false: the caller reads the region again (latest_good_stored). The default
  // cannot vouch for anything.
  virtual bool served_texts(const RegionScan& /*scan*/, const std::function<void()>& /*begin*/,
                            const std::function<void(std::string_view)>& /*text*/) {
    return false;
  }
  // Newest first.
  virtual std::vector<RegionScan> list_scans(const ScanQuery& query) = 0;
  // Every region of one run, with opportunities; empty when unknown.
  virtual std::vector<RegionScan> get_scan(const std::string& scan_id) = 0;
  // Drops the latest-good pointers of every source (nullopt = every region); deletes nothing else.
  virtual void invalidate(const std::optional<std::string>& region) = 0;
};

}  // namespace oddsctl::store
