// The API options every command that calls The Odds API takes (scan, sync, cache get
// --fallback-scan): parsed and validated once, here, into one typed struct. ScanOptions and
// SyncOptions extend it; nothing else reads these settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oddsctl/time.hpp"

namespace oddsctl::api {

struct ApiOptions {
  // Canonical order, no "all". Empty: the command's default (scan: every region with a key;
  // sync: every region with tracked events).
  std::vector<std::string> regions;
  std::vector<std::string> sports;  // empty: every active sport
  std::vector<std::string> markets{"h2h", "spreads", "totals"};
  std::vector<std::string> bookmakers;  // empty: every bookmaker of the region
  int concurrency = 8;                  // requests in flight per key
  Millis timeout{10000};                // per request attempt
  Millis connect_timeout{5000};
  std::optional<Millis> deadline;  // the whole run
  int max_retries = 3;
  std::optional<std::int64_t> reserve;      // never spend a key below this
  std::optional<std::int64_t> max_credits;  // the whole run spends at most this
  std::string base_url = "https://api.the-odds-api.com";
  // How long the free /v4/sports list kept in the store is trusted (0: ask every run).
  Millis sports_ttl{3600 * 1000};
};

// Market keys: the featured ones (h2h, spreads, totals, outrights, *_lay), the additional
// markets, their period variants (h2h_q1, totals_h1, spreads_p2, ..._1st_5_innings) and the
// player-prop patterns (player_*, batter_*, pitcher_*). Lay markets are valid keys, but never
// what a scan asks for.
bool is_known_market(const std::string& key);
// UsageError naming each unknown key, with the nearest valid one and the featured list.
void check_markets(const std::vector<std::string>& markets);

// The client options these give one region's client (the caller adds the guard, the
// ledger sink and the run's deadline).
struct ClientOptions;
ClientOptions client_options(const ApiOptions& options, const std::string& region, const std::string& command);

// Regions in canonical order (au, uk, us, eu), duplicates dropped; "all" expands.
std::vector<std::string> canonical_regions(const std::vector<std::string>& asked);

}  // namespace oddsctl::api
