// `oddsctl scan`: fetch each region's odds in parallel, find arbitrage, store the results.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "oddsctl/api.hpp"
#include "oddsctl/api/options.hpp"
#include "oddsctl/progress.hpp"
#include "oddsctl/engine/arbitrage.hpp"
#include "oddsctl/engine/detect.hpp"
#include "oddsctl/store.hpp"

namespace oddsctl::scan {

// seen_since and previous_price of every leg's first book, from the region's stored scans and
// synced snapshots of the last `lookback` before `now` (src/scan/history.cpp). Best effort:
// a store error leaves the legs unchanged.
void annotate_history(store::Store& store, const std::string& region, std::vector<Opportunity>& found, TimePoint now,
                      Millis lookback = std::chrono::hours(24));

struct ScanOptions : api::ApiOptions {
  // regions empty: every region with a key (replay: every region folder).
  engine::ArbRules rules;                              // rules.markets are the markets asked for
  engine::DetectRules detect;                          // the kinds asked for (--find) and their rules
  store::ScanSource source = store::ScanSource::live;  // replay with from_file, demo with --demo, store with from_store
  std::optional<TimePoint> as_of;                      // overrides "now" (replay and from_store only)
  bool store_results = true;                           // false with --no-store
  bool links = false;                                  // --links: ask for bet-slip links (and sids), same cost
  bool bet_limits = false;                             // --bet-limits: ask for the books' bet limits, same cost
  std::string worker;                                  // host:pid or --worker-id
  std::string command = "scan";
  Millis lease_ttl{120000};
  std::optional<Millis> wait_lock;  // wait this long for a held region lease
  // Replay: a file or folder of saved responses instead of the network.
  std::optional<std::filesystem::path> from_file;
  OddsFormat odds_format = OddsFormat::automatic;
  // From the store: the latest synced snapshots (oddsctl sync), no network, no credits.
  bool from_store = false;
  std::optional<std::filesystem::path> save_responses;
  // Set by a worker on SIGTERM: no new call starts.
  const std::atomic<bool>* stop = nullptr;
  // Counted as the run goes (regions, sports, calls in flight, credits) for a caller to show.
  Progress* progress = nullptr;
};

struct ScanReport {
  std::string scan_id;
  TimePoint started_at{};
  std::int64_t duration_ms = 0;
  std::vector<store::RegionScan> regions;  // in the order asked; opportunities inside
  bool budget_stopped = false;             // a guard refused a call: exit 5
  bool busy = false;                       // --wait-lock ran out on a held lease: exit 75

  std::vector<Opportunity> all_opportunities() const;  // best first across regions
  ExitCode exit_code() const;                          // 0, 3 (some region not ok/skipped), 1 (none produced anything)
};

// `env` resolves each region's key. Regions with no key fail with a message naming
// the env var. With from_file set, no key and no network are needed.
ScanReport run_scan(const ScanOptions& options, store::Store* store, const api::ApiFactory& api_factory,
                    const EnvLookup& env);

// Replay: the events of each region in a file or folder of saved /odds responses.
// Files under a folder named after a region belong to it; other files belong to the single
// region asked (UsageError when that is ambiguous).
std::map<std::string, std::vector<Event>> load_replay(const std::filesystem::path& path,
                                                      const std::vector<std::string>& regions, OddsFormat format);

// Where bundled data (demo/, plans.toml) lives: $ODDSCTL_DATA_DIR, <exe>/../share/oddsctl,
// then <exe dir>/share/oddsctl (a build folder: a link to the source tree's data/).
std::filesystem::path data_dir();

// The JSON documents of the contract.
nlohmann::json scan_report_json(const ScanReport& report);
nlohmann::json region_json(const store::RegionScan& region);
// to_json(Opportunity) with stakes rounded to the cent, as every command prints them.
nlohmann::json opportunity_json(const Opportunity& o);

// Bookmaker keys The Odds API lists for a region (books are added often: an unknown key is a
// warning, not an error). Empty for an unknown region.
const std::vector<std::string>& known_bookmakers(const std::string& region);
// Logs a warning for each asked bookmaker no asked region knows.
void warn_unknown_bookmakers(const std::vector<std::string>& bookmakers, const std::vector<std::string>& regions);

// What an empty result means, for people: "" for none.
const char* empty_note(store::EmptyReason r);

std::string new_scan_id();  // time-ordered, unique across hosts

}  // namespace oddsctl::scan
