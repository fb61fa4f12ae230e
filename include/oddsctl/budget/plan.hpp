// `oddsctl budget plan`: what a schedule costs (scan and sync tiers, per run, day and 30-day
// month), the cheapest plan that fits, the shortest interval a plan allows, what naming the
// books (`bookmakers`) costs against asking for whole regions, and how many of the credits buy
// data the API has not refreshed yet. Pure over its inputs (plus the store's ledger and scans
// with --from-ledger); the command fills PlanOptions from the settings and prints the report.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "oddsctl/budget.hpp"
#include "oddsctl/time.hpp"

namespace oddsctl::store {
class Store;
}  // namespace oddsctl::store

namespace oddsctl::budget {

// ---------------------------------------------------------------------------------------
// The API's documented refresh intervals (data/refresh_intervals.toml)

struct RefreshInterval {
  Millis pre_match{60'000};
  Millis in_play{40'000};
};
struct RefreshIntervals {
  RefreshInterval featured{Millis(60'000), Millis(40'000)};    // h2h, spreads, totals
  RefreshInterval additional{Millis(60'000), Millis(60'000)};  // alternates, props, periods, ...
  RefreshInterval outrights{Millis(300'000), Millis(60'000)};
  RefreshInterval exchanges{Millis(60'000), Millis(40'000)};  // betfair_ex_*, matchbook, smarkets
  std::string source = "built-in (as of 2026)";               // the file read, for output
  std::string reference;                                      // the page the figures come from
};
// [featured] / [additional] / [outrights] / [exchanges] tables of pre_match = "60s" and
// in_play = "40s" (durations with a unit), and an optional top-level `source` (a URL).
// UsageError naming `origin` (and the line) when malformed.
RefreshIntervals parse_refresh_toml(const std::string& text, const std::string& origin);
RefreshIntervals load_refresh_file(const std::filesystem::path& path);
// <exe dir>/../share/oddsctl/refresh_intervals.toml, <exe dir>/../data/..., <exe dir>/../../data/...
std::vector<std::filesystem::path> refresh_search_path(const std::filesystem::path& exe_dir);
// The first of the running executable's candidates for data file `name` ("plans.toml",
// "refresh_intervals.toml") that exists: installed (<exe dir>/../share/oddsctl), or the
// source tree's data/ seen from a build folder. nullopt when none does.
std::optional<std::filesystem::path> find_data_file(const std::string& name);
// The interval after which a call for `markets` can return anything new: the shortest of
// the market kinds asked (a call buys news as soon as any of its markets is refreshed).
// Exchanges count when every book asked is an exchange. Market keys unknown as featured or
// outrights count as additional; no market list (counts only): featured.
Millis refresh_for(const RefreshIntervals& r, const std::vector<std::string>& markets,
                   const std::vector<std::string>& bookmakers, bool in_play);
// Of `credits` spent on calls every `every`, those bought before the data could change:
// credits x (1 - every / refresh) when every < refresh, else 0 (rounded down).
std::int64_t unrefreshed_credits(std::int64_t credits, Millis every, Millis refresh);
// `scan --every` below the refresh interval: the one warning line (without a prefix), which
// says what share of its calls buy nothing new; nullopt when every >= refresh.
std::optional<std::string> polling_warning(const std::string& command, Millis every, Millis refresh,
                                           const RefreshIntervals& source);

// ---------------------------------------------------------------------------------------
// The plan

struct PlanOptions {
  // The mix. Counts given directly, or derived from the lists (the lists also price
  // --bookmakers per region). sports/regions/markets 0: not given.
  int sports = 0;
  int regions = 0;
  int markets = 0;
  std::vector<std::string> region_names;  // when the regions were named (au, uk, ...)
  std::vector<std::string> market_names;  // when the markets were named
  std::vector<std::string> bookmakers;    // --bookmakers: price `bookmakers` against `regions`
  // --from-ledger: take the mix (and interval) from the ledger of the last `window`; a
  // count given above as a flag wins over the ledger's.
  bool from_ledger = false;
  Millis window{24 * 3600 * 1000};
  std::string window_text = "24h";
  std::optional<Millis> interval;   // how often the scan runs
  std::optional<std::string> plan;  // the shortest interval that fits this plan
  bool per_region_keys = false;     // --keys per-region: each key pays 1/regions
  bool no_sync = false;
  std::vector<TierInterval> sync_tiers;  // the tiers' max ages (0: on demand, skipped)
  std::vector<Plan> plans;
  std::string plans_source;
  RefreshIntervals refresh;
  bool in_play = false;  // the scan keeps started events (--include-live)
};

// What `regions` and `bookmakers` cost for the books asked, per sport and market of a run.
struct BooksPricing {
  std::vector<std::string> bookmakers;
  std::int64_t by_regions = 0;     // region equivalents a run's call set costs by regions=
  std::int64_t by_bookmakers = 0;  // ... by bookmakers= (per started group of 10, per region)
  std::int64_t chosen = 0;         // what the scan pays (the cheaper per region)
  struct Region {
    std::string region;
    std::vector<std::string> books;
    std::int64_t by_regions = 1, by_bookmakers = 0, chosen = 0;
    bool uses_bookmakers = false;
  };
  std::vector<Region> per_region;
};

struct PlanReport {
  Schedule schedule;
  std::int64_t per_run = 0;  // credits of one scan run (after the books' pricing)
  std::string source;        // "flags" or "ledger (last 24h)"
  bool per_region_keys = false;
  std::vector<Forecast> rows;  // scan (if any) then the sync tiers
  bool has_sync = false;
  std::int64_t sync_day = 0, sync_month = 0, sync_run = 0;
  bool scan_row = false;  // the rows hold a scan forecast
  std::int64_t total_day = 0, total_month = 0;
  std::optional<Plan> target;
  std::optional<Millis> shortest;  // for the target plan
  std::int64_t sync_billed = 0;
  std::int64_t target_scan_billed = 0;  // the scan's billed credits at `shortest`
  std::optional<BooksPricing> books;
  Millis refresh{0};  // the interval after which the scan's data can change
  std::vector<Plan> plans;
  std::string plans_source;
  RefreshIntervals refresh_intervals;
  std::int64_t billed(std::int64_t credits) const;  // per key with per-region keys
};

// UsageError for a mix or interval that cannot be planned (the messages the command has
// always given). `store` is read only with from_ledger (then it must not be null).
PlanReport plan_budget(const PlanOptions& options, store::Store* store, TimePoint now);
// `budget plan --json`.
nlohmann::json plan_report_json(const PlanReport& report);
// The text report after the schedule table: one string per line.
std::vector<std::string> plan_report_notes(const PlanReport& report);

// The median gap between the live scan runs started since `since` (whole seconds), for
// --from-ledger without --interval; nullopt with fewer than two runs.
std::optional<Millis> interval_from_scans(store::Store& store, TimePoint since);

}  // namespace oddsctl::budget
